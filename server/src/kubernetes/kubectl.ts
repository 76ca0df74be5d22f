/**
 * `kubectl debug` for pods: the Kubernetes counterpart of the Docker sidecar,
 * an ephemeral container sharing the target container's process namespace.
 * We only ask kubectl (current context, current namespace); no Kubernetes
 * client library, so whatever auth plugins the user's kubectl has just work.
 */
import { execFile } from 'child_process';

export interface PodInfo {
  name: string;
  namespace: string;
  phase: string;
  /** Regular containers (the possible `--target`s), in spec order. */
  containers: string[];
  /** Containers whose status says running. */
  runningContainers: string[];
}

export type KubectlErrorKind = 'missing' | 'no-context' | 'unreachable' | 'failed';

export class KubectlError extends Error {
  constructor(
    readonly kind: KubectlErrorKind,
    message: string,
    /** All kubectl printed on stderr, when it ran. */
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'KubectlError';
  }
}

export interface KubectlOptions {
  /** The kubectl executable; default `kubectl` looked up on PATH. */
  kubectl?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs kubectl without a shell and returns stdout; throws KubectlError. */
export function runKubectl(args: readonly string[], opts: KubectlOptions = {}): Promise<string> {
  const kubectl = opts.kubectl ?? 'kubectl';
  return new Promise((resolve, reject) => {
    execFile(
      kubectl,
      [...args],
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 20000, maxBuffer: 64 * 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) reject(kubectlError(err, String(stderr), kubectl));
        else resolve(String(stdout));
      },
    );
  });
}

/** Maps how kubectl failed to a message that says what to do. */
export function kubectlError(err: { code?: unknown; killed?: boolean; message: string }, stderr: string, kubectl = 'kubectl'): KubectlError {
  if (err.code === 'ENOENT') {
    return new KubectlError(
      'missing',
      `kubectl was not found (looked for "${kubectl}" on PATH). Install kubectl and configure a context (kubectl config use-context <name>) to debug pods.`,
    );
  }
  const text = stderr.trim() || err.message;
  const error = errorLine(text);
  // With no kubeconfig at all kubectl falls back to localhost:8080 and says only that the connection was refused.
  if (/The connection to the server localhost:8080 was refused/.test(text)) {
    return new KubectlError('no-context', `kubectl has no cluster configured (it fell back to localhost:8080). Choose a context with kubectl config use-context <name>.`, stderr);
  }
  if (/current-context is not set|no configuration has been provided|context was not found|context ".*" does not exist/i.test(text)) {
    return new KubectlError('no-context', `kubectl has no usable context: ${error}. Choose one with kubectl config use-context <name>.`, stderr);
  }
  if (err.killed || /connection refused|connection to the server .* was refused|unable to connect|i\/o timeout|no such host|Unable to connect to the server/i.test(text)) {
    return new KubectlError('unreachable', `kubectl could not reach the cluster of its current context: ${error}`, stderr);
  }
  return new KubectlError('failed', `kubectl failed: ${error}`, stderr);
}

/** The line that says what failed: kubectl debug prints "Targeting container ..." before the server's error. */
function errorLine(text: string): string {
  // klog lines (E1207 20:43:15.386416 …) are kubectl's own logging, not its answer.
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !/^[IWEF]\d{4} \d\d:\d\d:\d\d/.test(l));
  const line = lines.find((l) => /^(error|Error from server)\b/i.test(l)) ?? lines[0] ?? text;
  return line.replace(/^error:\s*/i, '');
}

/** Pods from `kubectl get pods -o json` (a List, or a single Pod). */
export function parsePods(json: string): PodInfo[] {
  let parsed: { kind?: unknown; items?: unknown };
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new KubectlError('failed', `kubectl printed something that is not JSON: ${(err as Error).message}`);
  }
  const items = Array.isArray(parsed.items) ? parsed.items : parsed.kind === 'Pod' ? [parsed] : [];
  return items.map((item: unknown) => {
    const pod = item as {
      metadata?: { name?: string; namespace?: string };
      spec?: { containers?: Array<{ name?: string }> };
      status?: { phase?: string; containerStatuses?: Array<{ name?: string; state?: { running?: unknown } }> };
    };
    const containers = (pod.spec?.containers ?? []).map((c) => c.name).filter((n): n is string => typeof n === 'string');
    const runningContainers = (pod.status?.containerStatuses ?? [])
      .filter((s) => s.state?.running !== undefined && typeof s.name === 'string')
      .map((s) => s.name as string);
    return {
      name: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? 'default',
      phase: pod.status?.phase ?? 'Unknown',
      containers,
      runningContainers,
    };
  }).filter((p: PodInfo) => p.name !== '');
}

/** Pods in kubectl's current context and namespace. */
export async function listPods(opts: KubectlOptions = {}): Promise<PodInfo[]> {
  return parsePods(await runKubectl(['get', 'pods', '-o', 'json'], opts));
}

export interface DebugPodArgs {
  pod: string;
  container: string;
  image: string;
  /** Given when the pod came from a listing, so the debug container lands in the same namespace. */
  namespace?: string;
}

/** `kubectl debug -it <pod> --image=<image> --target=<container> [--namespace=<ns>]`, as an argv (no shell). */
export function kubectlDebugArgs(a: DebugPodArgs): string[] {
  for (const [what, value] of [['pod', a.pod], ['container', a.container], ['image', a.image]] as const) {
    // A leading dash would be read as an option by kubectl.
    if (!value || value.startsWith('-')) throw new Error(`invalid ${what} name: "${value}"`);
  }
  const args = ['debug', '-it', a.pod, `--image=${a.image}`, `--target=${a.container}`];
  if (a.namespace) args.push(`--namespace=${a.namespace}`);
  return args;
}

function posixQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * One argument as a POSIX shell reads it back, safe to paste: single quotes, and
 * $'\xNN' for control characters so nothing in a name can move the cursor or end the line.
 */
export function quoteForShell(arg: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f-\x9f]/.test(arg)) return posixQuote(arg);
  // eslint-disable-next-line no-control-regex
  return `$'${arg.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

/** A kubectl command line for people to read and copy, its environment first. */
export function kubectlCommandLine(args: readonly string[], env: Record<string, string> = {}): string {
  const prefix = Object.entries(env).map(([k, v]) => `${k}=${quoteForShell(v)} `).join('');
  return `${prefix}kubectl ${args.map(quoteForShell).join(' ')}`;
}


/** Text from the cluster (image names, kubectl's stderr) for a terminal: control characters shown as \xNN, never acted on. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
