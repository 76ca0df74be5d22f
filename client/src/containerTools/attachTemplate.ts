/**
 * The `containers.commands.attach` template that makes Container Tools'
 * (and the Docker extension's `docker.commands.attach`) right-click Attach
 * Shell work on containers without a shell: it probes for the shell first
 * (`exec <id> <shell> -c :`, which fails at once when there is none) and
 * only then falls back to our debug sidecar through the bundled CLI. Plain
 * data, no vscode.
 *
 * POSIX shell syntax (if/then/else, VAR=value prefix): Container Tools types
 * the template into a terminal, so it is offered only where that terminal is
 * a POSIX shell (not on Windows).
 */

export const CONTAINER_TOOLS_EXTENSION = 'ms-azuretools.vscode-containers';
export const ATTACH_SETTING = 'containers.commands.attach';
/**
 * Marks the template as ours, so a later version can refresh its paths (they
 * change with each extension update). A no-op command, not a comment: zsh (the
 * macOS default) does not take comments on an interactive line.
 */
export const TEMPLATE_MARKER = ': distroless-sidecar;';

export interface TemplateOptions {
  /** The editor's executable (process.execPath); run as Node with ELECTRON_RUN_AS_NODE=1. */
  execPath: string;
  /** The bundled CLI (dist/cli.js). */
  cliPath: string;
  /** Tools image, when not the default. */
  image?: string;
}

/** POSIX single-quoting. */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function attachTemplate(o: TemplateOptions): string {
  const image = o.image && o.image !== 'busybox:latest' ? ` --image ${q(o.image)}` : '';
  const sidecar = `ELECTRON_RUN_AS_NODE=1 ${q(o.execPath)} ${q(o.cliPath)} debug${image} \${containerId}`;
  return (
    `${TEMPLATE_MARKER} ` +
    `if \${containerCommand} exec \${containerId} \${shellCommand} -c : 2>/dev/null; ` +
    `then \${containerCommand} exec -it \${containerId} \${shellCommand}; ` +
    `else ${sidecar}; fi`
  );
}

/** The setting's value as Container Tools accepts it: a string, or templates with labels and match patterns. */
export type AttachSettingValue = string | Array<{ template?: string; label?: string; match?: string }> | undefined;

export function isOurTemplate(value: AttachSettingValue): boolean {
  return typeof value === 'string' && value.includes(TEMPLATE_MARKER);
}

export type OfferState = 'offer' | 'ours-current' | 'ours-stale' | 'user-set';

/** What to do given the user's current value: offer (default), refresh our stale paths, or leave theirs alone. */
export function offerState(current: AttachSettingValue, desired: string): OfferState {
  if (current === undefined) return 'offer';
  if (isOurTemplate(current)) return current === desired ? 'ours-current' : 'ours-stale';
  return 'user-set';
}
