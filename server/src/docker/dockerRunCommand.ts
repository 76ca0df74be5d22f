import { SIDECAR_OWNER_LABEL } from './containers';
import { SidecarPlan } from './plan';
import { checkNotOption } from './references';

/** POSIX shell quoting: bare when safe, otherwise single quotes with ' written as '\''. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface DockerRunOptions {
  /** Global docker CLI arguments that reach the same engine, e.g. `--context remote`. */
  engineArgs?: readonly string[];
}

/**
 * The `docker run` line that makes the same sidecar, for users who want it in
 * their own shell. It names the target by name (readable, and unique per engine)
 * while the label keeps the full ID, exactly as the engine call does.
 */
export function dockerRunCommand(plan: SidecarPlan, opts: DockerRunOptions = {}): string {
  const ref = checkNotOption('container', plan.targetName || plan.targetId);
  // Values that a shell would read as options (`--image=--privileged`) never make it into a line the user may paste.
  const engineArgs = opts.engineArgs ?? [];
  engineArgs.forEach((arg, i) => (i % 2 === 1 ? checkNotOption('engine option value', arg) : undefined));
  checkNotOption('user', plan.user);
  checkNotOption('image', plan.image);
  for (const cap of [...plan.capAdd, ...plan.capDrop]) checkNotOption('capability', cap);
  const args = ['docker', ...engineArgs, 'run', '--rm'];
  if (plan.tty && plan.stdin) args.push('-it');
  else if (plan.tty) args.push('-t');
  else if (plan.stdin) args.push('-i');
  args.push(`--pid=container:${ref}`, `--network=container:${ref}`, '--user', plan.user);
  for (const cap of plan.capAdd) args.push('--cap-add', cap);
  for (const cap of plan.capDrop) args.push('--cap-drop', cap);
  if (plan.privileged) args.push('--privileged');
  // The owner label would tie the user's own sidecar to our process, and orphan
  // cleanup would remove it once we exit.
  for (const [key, value] of Object.entries(plan.labels)) {
    if (key !== SIDECAR_OWNER_LABEL) args.push('--label', `${key}=${value}`);
  }
  args.push(plan.image, ...plan.command);
  return args.map(shellQuote).join(' ');
}
