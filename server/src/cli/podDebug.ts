/**
 * `distroless debug pod/<name> [-c container]`: kubectl debug with the target
 * container's identity (server/src/kubernetes/identity.ts). kubectl does the
 * work; we choose its arguments and say where the identity came from.
 */
import { spawn } from 'child_process';
import { KubectlError } from '../kubernetes/kubectl';
import { IdentityError } from '../kubernetes/identity';
import { prepareDebugPod } from '../kubernetes/debugPod';
import { DEFAULT_TOOLS_IMAGE, shellQuote } from '../docker';
import { CliIo, ExitCode } from './commands/types';


export const POD_USAGE = `usage: distroless debug [options] pod/<name> [-c <container>] [-n <namespace>] [-- command [args...]]

Runs kubectl debug with an ephemeral container that has the target container's
uid, gid and capabilities (its securityContext, container over pod), with
--profile=restricted when that fits (non-root target), else general. Needs
kubectl 1.30 or newer (--custom).

options:
  -c, --container <name>  target container (default: the pod's first)
  -n, --namespace <ns>    namespace (default: kubectl's current one)
  --image <image>         tools image (default busybox:latest, or $DISTROLESS_SIDECAR_IMAGE)
  --user <uid[:gid]>      this numeric user instead of the target's
  -i, --stdin             without a terminal, pass stdin to the command
  --print-command         print the --custom spec (to save as debug-container.json)
                          and the kubectl command, and exit

exit status: kubectl's (the command's own once it runs); 2 for usage errors;
125 when kubectl is missing, too old (--custom needs 1.30+), the pod or
container is not found, or the identity cannot be decided.`;

interface PodArgs {
  pod: string;
  container?: string;
  namespace?: string;
  image?: string;
  user?: string;
  stdin: boolean;
  printCommand: boolean;
  command: string[];
}

function parse(argv: string[]): PodArgs | { error: string } {
  const a: PodArgs = { pod: '', stdin: false, printCommand: false, command: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v === '') throw new Error(`${arg} needs a value`);
      return v;
    };
    try {
      if (arg === '--') {
        a.command = argv.slice(i + 1);
        break;
      } else if (arg === '-c' || arg === '--container') a.container = value();
      else if (arg.startsWith('--container=')) a.container = arg.slice(12);
      else if (arg === '-n' || arg === '--namespace') a.namespace = value();
      else if (arg.startsWith('--namespace=')) a.namespace = arg.slice(12);
      else if (arg === '--image') a.image = value();
      else if (arg.startsWith('--image=')) a.image = arg.slice(8);
      else if (arg === '--user') a.user = value();
      else if (arg.startsWith('--user=')) a.user = arg.slice(7);
      else if (arg === '-i' || arg === '--stdin') a.stdin = true;
      else if (arg === '--print-command') a.printCommand = true;
      else if (arg === '--root' || arg === '--privileged') return { error: `${arg} is for containers; for pods use kubectl debug --profile=sysadmin yourself` };
      else if (arg.startsWith('-')) return { error: `unknown option ${arg}` };
      else if (arg.startsWith('pod/') && !a.pod) a.pod = arg.slice(4);
      else if (!a.pod) return { error: `expected pod/<name>, got "${arg}"` };
      else {
        a.command = argv.slice(i);
        break;
      }
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  if (!a.pod) return { error: 'missing the pod name after pod/' };
  return a;
}

export async function runPodDebug(argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv);
  if ('error' in parsed) {
    io.stderr.write(`distroless debug: ${parsed.error}\n`);
    return ExitCode.usage;
  }
  const tty = Boolean(io.stdin.isTTY);
  if (!tty && !parsed.printCommand && parsed.command.length === 0) {
    io.stderr.write('distroless debug: stdin is not a terminal, so give the command to run after --, e.g. distroless debug pod/web -- ps\n');
    return ExitCode.usage;
  }
  let prepared;
  try {
    prepared = await prepareDebugPod({
      pod: parsed.pod,
      container: parsed.container,
      namespace: parsed.namespace,
      image: parsed.image ?? (io.env.DISTROLESS_SIDECAR_IMAGE || DEFAULT_TOOLS_IMAGE),
      user: parsed.user,
      // A printed command is for a person at a terminal.
      tty: tty || parsed.printCommand,
      stdin: parsed.stdin,
      command: parsed.command,
      env: io.env,
    });
  } catch (err) {
    if (err instanceof KubectlError || err instanceof IdentityError) {
      io.stderr.write(`distroless debug: ${err.message}\n`);
      return ExitCode.engineFailure;
    }
    throw err;
  }
  const { plan, args, env } = prepared;
  try {
    if (parsed.printCommand) {
      const envPrefix = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)} `).join('');
      // The temporary file goes away with us: print its content for a file of the user's own.
      const printed = args.map((a) => (a === `--custom=${prepared.customFile}` ? '--custom=debug-container.json' : a));
      io.stdout.write(`# debug-container.json:\n${JSON.stringify(plan.custom)}\n${envPrefix}kubectl ${printed.map(shellQuote).join(' ')}\n`);
      return ExitCode.ok;
    }
    for (const note of plan.notes) io.stderr.write(`distroless debug: ${note}\n`);
    io.stderr.write(`distroless debug: profile ${plan.profile}; kubectl ${args.join(' ')}\n`);
    return await new Promise<number>((resolve) => {
      const child = spawn('kubectl', args, { env: { ...io.env, ...env }, stdio: tty ? 'inherit' : ['pipe', 'pipe', 'pipe'] });
      if (!tty) {
        child.stdout!.pipe(io.stdout, { end: false });
        child.stderr!.pipe(io.stderr, { end: false });
        if (parsed.stdin) io.stdin.pipe(child.stdin!);
        else child.stdin!.end();
      }
      child.on('error', (err) => {
        io.stderr.write(`distroless debug: could not run kubectl: ${err.message}\n`);
        resolve(ExitCode.engineFailure);
      });
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : ExitCode.engineFailure)));
    });
  } finally {
    prepared.cleanup();
  }
}
