/**
 * Attaching a debugger to a process in a running (shell-less) container,
 * without changing its image or configuration and without restarting it.
 *
 * Node.js: a short-lived sidecar in the target's PID namespace, as the
 * process's own uid:gid and with no capability, sends it SIGUSR1, which makes
 * Node open its inspector on its own 127.0.0.1:9229; a port forward (the
 * public `openPortForward`) carries a local loopback port there. Closing the
 * session turns that inspector off again through the forward.
 *
 * Go: Delve, from a tools image that has `dlv`, runs in a sidecar joined to
 * the target's namespaces as the process's uid:gid with CAP_SYS_PTRACE added
 * (only when the caller says the user asked for it), attaches to the process
 * and serves DAP on the target's 127.0.0.1; the same port forward carries it.
 */
import * as http from 'http';
import { Duplex } from 'stream';
import Docker from 'dockerode';
import { inspectTarget, SIDECAR_LABEL, SIDECAR_OWNER_LABEL, SIDECAR_TARGET_NAME_LABEL, TargetInfo } from './containers';
import { DockerError, engineMessage, ImageUnavailableError, SidecarFailedError, statusCodeOf, TargetNotRunningError } from './errors';
import { DEFAULT_TOOLS_IMAGE, planSidecar } from './plan';
import { openPortForward, PortForward, PortForwardEnd } from './portForward';
import { checkContainerRef, checkImageRef } from './references';
import { cdpClient, connectWebSocket } from './webSocket';
import { demux, ensureImage, ownerTag, PullProgress, removeOrphanSidecars } from './sidecar';

/** Label on the debugger's own sidecars (process listing, SIGUSR1, Delve); its value is the runtime. */
export const DEBUGGER_LABEL = 'io.distroless.sidecar.debugger';
/** Where Node.js opens its inspector on SIGUSR1 unless started with --inspect-port. */
export const NODE_INSPECTOR_PORT = 9229;
/** Where Delve listens inside the target's network namespace. */
export const DELVE_PORT = 2345;
export const DEBUGGING_DOCS = 'https://github.com/distroless-tools/distroless-vscode/blob/main/docs/debugging.md#attach-a-debugger';

export type Runtime = 'node' | 'go' | 'python' | 'java' | 'dotnet' | 'other';

export interface TargetProcess {
  /** PID inside the target's PID namespace (1 is its main process). */
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  /** The executable's path inside the target, when the kernel let us read it. */
  exe: string;
  /** Its working directory inside the target, when readable. */
  cwd: string;
  argv: string[];
  runtime: Runtime;
}

/** What attaching needs for a runtime we do not attach to; one line each, with the docs link. */
export const UNSUPPORTED_RUNTIMES: Record<'python' | 'java' | 'dotnet' | 'other', string> = {
  python:
    'Python: not supported yet. It would need debugpy injected into the running interpreter (debugpy --pid, which needs gdb and SYS_PTRACE in a tools image), then the DAP port forwarded',
  java: 'Java: not supported yet. The JVM opens JDWP only when started with -agentlib:jdwp (a restart), or through the attach API (jcmd with a JDK tools image as the same user), then the port forwarded',
  dotnet:
    '.NET: not supported yet. It would need vsdbg or netcoredbg in a tools image joined to the PID namespace with SYS_PTRACE, speaking to the editor over a pipe rather than a port',
  other: 'Not a Node.js or Go process: only Node.js (inspector) and Go (Delve) can be attached',
};

export class DebuggerUnavailableError extends DockerError {
  constructor(
    message: string,
    /** Set when several processes could be meant: the caller lists them and asks for one. */
    readonly candidates?: TargetProcess[],
  ) {
    super('debugger-unavailable', message);
    this.name = 'DebuggerUnavailableError';
  }
}

/** Go needs CAP_SYS_PTRACE in Delve's sidecar; the caller must say the user agreed. */
export class PtraceNotAllowedError extends DockerError {
  constructor(message: string) {
    super('ptrace-not-allowed', message);
    this.name = 'PtraceNotAllowedError';
  }
}

/**
 * Lists the processes of the target, one line each: pid, "ppid uid gid", exe,
 * whether the executable carries Go's build info, cwd, and argv joined by \x1f.
 * Only the interpreters runtimeOf names skip the Go check (large binaries, never
 * Go); node_exporter is Go. The sidecar's own processes (its mount namespace) are left out, and so are
 * other sidecars' when PID 1's mount namespace is readable.
 */
const LIST_SCRIPT = `self=$(readlink /proc/self/ns/mnt)
main=$(readlink /proc/1/ns/mnt 2>/dev/null)
for d in /proc/[0-9]*; do
  p=\${d#/proc/}
  m=$(readlink $d/ns/mnt 2>/dev/null)
  [ -n "$m" ] && [ "$m" = "$self" ] && continue
  [ -n "$m" ] && [ -n "$main" ] && [ "$m" != "$main" ] && continue
  c=$(tr '\\0' '\\037' < $d/cmdline 2>/dev/null)
  [ -n "$c" ] || continue
  s=$(awk '/^PPid:/{p=$2} /^Uid:/{u=$2} /^Gid:/{g=$2} END{print p" "u" "g}' $d/status 2>/dev/null)
  e=$(readlink $d/exe 2>/dev/null)
  w=$(readlink $d/cwd 2>/dev/null)
  g=0
  case "\${e##*/}" in node|nodejs|node[0-9]*|nodejs[0-9]*|python|python[0-9]*|java|dotnet) ;; *) grep -q 'Go buildinf:' $d/exe 2>/dev/null && g=1 ;; esac
  printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$p" "$s" "$e" "$g" "$w" "$c"
done`;

export function runtimeOf(exe: string, argv: readonly string[], goBuildInfo: boolean): Runtime {
  if (goBuildInfo) return 'go';
  const names = [exe, argv[0] ?? ''].map((p) => p.slice(p.lastIndexOf('/') + 1));
  if (names.some((n) => /^node(js)?[\d.]*$/.test(n))) return 'node';
  if (names.some((n) => /^python[\d.]*$/.test(n))) return 'python';
  if (names.some((n) => n === 'java')) return 'java';
  if (names.some((n) => n === 'dotnet')) return 'dotnet';
  return 'other';
}

/** The listing script's output; lines that do not parse (a process that exited meanwhile) are skipped. */
export function parseProcessListing(text: string): TargetProcess[] {
  const out: TargetProcess[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split('\t');
    if (fields.length < 6) continue;
    const pid = Number(fields[0]);
    const [ppid, uid, gid] = (fields[1] ?? '').trim().split(/\s+/).map(Number);
    if (!Number.isInteger(pid) || pid < 1 || !Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    const argv = fields.slice(5).join('\t').split('\x1f').filter((a, i, all) => i < all.length - 1 || a !== '');
    const exe = fields[2] ?? '';
    out.push({ pid, ppid: Number.isInteger(ppid) ? ppid! : 0, uid: uid!, gid: gid!, exe, cwd: fields[4] ?? '', argv, runtime: runtimeOf(exe, argv, fields[3] === '1') });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** `  12  65532:65532  node  /app/server.js` for lists of candidates. */
export function describeProcess(p: TargetProcess): string {
  return `${String(p.pid).padStart(5)}  ${`${p.uid}:${p.gid}`.padEnd(11)}  ${p.runtime.padEnd(6)}  ${p.argv.join(' ') || p.exe}`;
}

/**
 * Which process to attach to: `pid` when given; else PID 1 when it is Node.js
 * or Go; else the one Node.js or Go process. Several: DebuggerUnavailableError
 * with the candidates. None: the reason, naming what PID 1 runs.
 */
export function chooseProcess(processes: readonly TargetProcess[], targetName: string, pid?: number): TargetProcess {
  const debuggable = (p: TargetProcess) => p.runtime === 'node' || p.runtime === 'go';
  if (pid !== undefined) {
    const p = processes.find((x) => x.pid === pid);
    if (!p) throw new DebuggerUnavailableError(`No process ${pid} in ${targetName}. Its processes:\n${processes.map(describeProcess).join('\n')}`);
    if (!debuggable(p)) throw new DebuggerUnavailableError(`${unsupportedLine(p)} (process ${pid} in ${targetName}: ${p.argv.join(' ') || p.exe}). See ${DEBUGGING_DOCS}`);
    return p;
  }
  const main = processes.find((p) => p.pid === 1);
  if (main && debuggable(main)) return main;
  const candidates = processes.filter(debuggable);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    throw new DebuggerUnavailableError(`Several processes in ${targetName} can be debugged; pick one with --pid:\n${candidates.map(describeProcess).join('\n')}`, candidates);
  }
  const what = main ? `${unsupportedLine(main)} (PID 1 in ${targetName}: ${main.argv.join(' ') || main.exe})` : `No process of ${targetName} could be read`;
  throw new DebuggerUnavailableError(`${what}. See ${DEBUGGING_DOCS}`);
}

function unsupportedLine(p: TargetProcess): string {
  return UNSUPPORTED_RUNTIMES[p.runtime === 'node' || p.runtime === 'go' ? 'other' : p.runtime];
}

function sidecarLabels(target: TargetInfo, runtime: string): Record<string, string> {
  return { [SIDECAR_LABEL]: target.id, [SIDECAR_TARGET_NAME_LABEL]: target.name, [SIDECAR_OWNER_LABEL]: ownerTag(), [DEBUGGER_LABEL]: runtime };
}

/**
 * Runs one command in a short-lived sidecar joined to the target's PID and
 * network namespaces, as `user`, with every capability dropped unless `caps` says otherwise; returns its
 * stdout. AutoRemove: nothing stays once it ends, and orphan cleanup takes it
 * if this process dies meanwhile.
 */
async function runInSidecar(
  docker: Docker,
  target: TargetInfo,
  image: string,
  user: string,
  cmd: string[],
  purpose: string,
  caps: { capAdd: string[]; capDrop: string[] } = { capAdd: [], capDrop: ['ALL'] },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: image,
      Cmd: cmd,
      User: user,
      AttachStdout: true,
      AttachStderr: true,
      Labels: sidecarLabels(target, purpose),
      HostConfig: { PidMode: `container:${target.id}`, NetworkMode: `container:${target.id}`, AutoRemove: true, CapAdd: caps.capAdd, CapDrop: caps.capDrop },
    });
  } catch (err) {
    throw await sidecarFailure(docker, target, err, purpose);
  }
  let stdout = '';
  let stderr = '';
  try {
    const exited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream as Duplex;
    const drained = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    demux(stream, (chunk, which) => {
      if (which === 'stdout') stdout += chunk.toString('utf8');
      else stderr += chunk.toString('utf8');
    });
    await container.start();
    const { StatusCode } = await exited;
    await Promise.race([drained, new Promise((r) => setTimeout(r, 2000).unref())]);
    return { code: StatusCode, stdout, stderr };
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    throw await sidecarFailure(docker, target, err, purpose);
  }
}

async function sidecarFailure(docker: Docker, target: TargetInfo, err: unknown, purpose: string): Promise<Error> {
  const running = await docker
    .getContainer(target.id)
    .inspect()
    .then((t) => ({ running: t.State.Running, status: t.State.Status }))
    .catch(() => ({ running: false, status: 'removed' }));
  if (!running.running) return new TargetNotRunningError(target.name, running.status);
  return new SidecarFailedError(`Could not run the ${purpose} sidecar for "${target.name}": ${engineMessage(err)}`, { cause: err });
}

/**
 * The target's processes as its main process's user sees them, with its
 * capabilities (the debug sidecar's `match` plan): the kernel shows a
 * process's executable and working directory to the same uid only when the
 * reader's capabilities include the process's, which matters for root targets.
 */
export async function listTargetProcesses(docker: Docker, target: TargetInfo, image: string): Promise<TargetProcess[]> {
  const plan = planSidecar(target, { image });
  const { code, stdout, stderr } = await runInSidecar(docker, target, image, plan.user, ['sh', '-c', LIST_SCRIPT], 'process-listing', plan);
  const processes = parseProcessListing(stdout);
  if (processes.length === 0) {
    throw new SidecarFailedError(`Could not list the processes of ${target.name} from the tools image ${image} (exit ${code}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}); it needs sh, tr, awk, readlink and grep (busybox has them).`);
  }
  return processes;
}

export interface AttachDebuggerOptions {
  target: string;
  /** The process to attach to; default PID 1 or the one Node.js/Go process. */
  pid?: number;
  /** Local port for the forward; 0 or absent: any free port. */
  localPort?: number;
  /** The inspector's port inside the target (Node.js started with --inspect-port); default 9229. */
  remotePort?: number;
  /** Busybox-like tools image for listing, SIGUSR1 and the forward; default busybox:latest. */
  image?: string;
  /** Go: an image with `dlv` on its PATH and `sh`. */
  goImage?: string;
  /** Go: the user agreed to CAP_SYS_PTRACE in Delve's sidecar. */
  allowPtrace?: boolean;
  onPullProgress?: (progress: PullProgress) => void;
  /** Steps worth telling the user about while it attaches. */
  onStatus?: (line: string) => void;
}

export interface NodeInspector {
  /** The inspector target's id (the path of its WebSocket URL). */
  id: string;
  /** `ws://127.0.0.1:<local port>/<id>`. */
  webSocketUrl: string;
  /** Chrome DevTools' front end for it. */
  devtoolsUrl: string;
  /** What Node calls the target, usually the script's path. */
  title: string;
}

export interface DebuggerSession {
  readonly runtime: 'node' | 'go';
  readonly target: TargetInfo;
  readonly process: TargetProcess;
  /** The forward carrying the inspector (Node.js) or Delve's DAP port (Go). */
  readonly forward: PortForward;
  readonly localAddress: string;
  readonly localPort: number;
  /** Node.js only. */
  readonly inspector?: NodeInspector;
  /** Go only: Delve's sidecar (the process's uid:gid with CAP_SYS_PTRACE). */
  readonly delveSidecarId?: string;
  /** Removes every sidecar of the session; the target keeps running. */
  close(): Promise<PortForwardEnd>;
  /** Settles once: closed, target stopped, or a sidecar went away. */
  readonly ended: Promise<PortForwardEnd>;
}

/** Finds the process, turns its debugger on, forwards it; see the module comment. */
export async function attachDebugger(docker: Docker, opts: AttachDebuggerOptions): Promise<DebuggerSession> {
  const target = await inspectTarget(docker, checkContainerRef(opts.target));
  if (!target.running) throw new TargetNotRunningError(target.name, target.state);
  const image = opts.image?.trim() ? checkImageRef(opts.image) : DEFAULT_TOOLS_IMAGE;
  await Promise.all([removeOrphanSidecars(docker).catch(() => []), ensureImage(docker, image, opts.onPullProgress)]);
  const processes = await listTargetProcesses(docker, target, image);
  const chosen = chooseProcess(processes, target.name, opts.pid);
  return chosen.runtime === 'node' ? attachNode(docker, target, chosen, image, opts) : attachGo(docker, target, chosen, image, opts);
}

async function attachNode(docker: Docker, target: TargetInfo, proc: TargetProcess, image: string, opts: AttachDebuggerOptions): Promise<DebuggerSession> {
  const remotePort = opts.remotePort ?? NODE_INSPECTOR_PORT;
  // The forward first: a local port in use fails here, before anything in the target is turned on.
  const forward = await openPortForward(docker, { target: target.id, remotePort, localPort: opts.localPort, image, onPullProgress: opts.onPullProgress });
  try {
    // An inspector already on (started with --inspect) is the user's: it stays on after the session.
    const alreadyOn = (await inspectorTargets(forward.localPort)) !== undefined;
    opts.onStatus?.(`Turning on the inspector of process ${proc.pid} (${proc.argv.join(' ')}) with SIGUSR1, as ${proc.uid}:${proc.gid}`);
    // The sender's uid matches the process's, so the kernel needs no capability to deliver it.
    const killed = await runInSidecar(docker, target, image, `${proc.uid}:${proc.gid}`, ['kill', '-USR1', String(proc.pid)], 'inspector-signal');
    if (killed.code !== 0) {
      throw new DebuggerUnavailableError(`Could not send SIGUSR1 to process ${proc.pid} in ${target.name}: ${killed.stderr.trim() || `kill exited ${killed.code}`}`);
    }
    const info = await waitForInspector(forward.localPort, 10000);
    if (!info) {
      throw new DebuggerUnavailableError(
        `Process ${proc.pid} in ${target.name} did not open its inspector on 127.0.0.1:${remotePort} within 10 s after SIGUSR1. ` +
          `Node.js ignores the signal when started with --disable-sigusr1 or built without the inspector; if it uses another --inspect-port, give it with --port.`,
      );
    }
    const hostPort = `127.0.0.1:${forward.localPort}`;
    const inspector: NodeInspector = {
      id: info.id,
      webSocketUrl: `ws://${hostPort}/${info.id}`,
      devtoolsUrl: `devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=${hostPort}/${info.id}`,
      title: info.title,
    };
    return session(docker, 'node', target, proc, forward, { inspector, beforeClose: alreadyOn ? undefined : () => closeInspector(inspector.webSocketUrl, forward) });
  } catch (err) {
    await forward.close();
    throw err;
  }
}

/**
 * Node.js's inspector.close() (process._debugEnd before Node 22.3), run a
 * second after the answer, when the connection that asked is gone, and
 * guarded: nothing may throw inside the target. The inspector is off again,
 * as before SIGUSR1.
 */
export const CLOSE_INSPECTOR_EXPRESSION =
  "setTimeout(() => { try { (process.getBuiltinModule?.('inspector')?.close ?? process._debugEnd)?.call(undefined); } catch {} }, 1000).unref(), 'closing'";

/** How long closing waits for the debugger (js-debug) to disconnect before it leaves the inspector on. */
const DEBUGGER_DISCONNECT_WAIT_MS = 5000;

/**
 * Turns the inspector we opened off again; best effort, bounded: the forward
 * goes next anyway. Only once no debugger is connected through the forward:
 * Node.js can crash when its inspector closes under a live session (a SIGSEGV
 * of the target's Node.js 20 in the editor suite, when VS Code's debugger had
 * not disconnected yet; nodejs/node#18761 is the same crash class). A debugger
 * still connected after the wait leaves the inspector on, on the target's
 * 127.0.0.1 only, rather than risk the target.
 */
async function closeInspector(webSocketUrl: string, forward: PortForward): Promise<void> {
  const deadline = Date.now() + DEBUGGER_DISCONNECT_WAIT_MS;
  while (forward.activeConnections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (forward.activeConnections > 0) return;
  const attempt = (async () => {
    const ws = await connectWebSocket(webSocketUrl);
    try {
      await cdpClient(ws).evaluate(CLOSE_INSPECTOR_EXPRESSION);
    } finally {
      ws.close();
    }
    await ws.closed;
  })();
  await Promise.race([attempt.catch(() => undefined), new Promise((r) => setTimeout(r, 3000).unref())]);
}

/** GET /json/list through the forward until the inspector answers; undefined after `timeoutMs`. */
async function waitForInspector(port: number, timeoutMs: number): Promise<{ id: string; title: string } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const first = await inspectorTargets(port);
    if (first) return first;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

/** One GET /json/list through the forward: the first inspector target, or undefined when none answers. */
async function inspectorTargets(port: number): Promise<{ id: string; title: string } | undefined> {
  const list = await getJson(port, '/json/list').catch(() => undefined);
  const first = Array.isArray(list) ? (list as Array<{ id?: unknown; title?: unknown }>).find((t) => typeof t.id === 'string') : undefined;
  return first ? { id: first.id as string, title: typeof first.title === 'string' ? first.title : '' } : undefined;
}

function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function attachGo(docker: Docker, target: TargetInfo, proc: TargetProcess, image: string, opts: AttachDebuggerOptions): Promise<DebuggerSession> {
  if (!opts.goImage?.trim()) {
    throw new DebuggerUnavailableError(
      `Process ${proc.pid} in ${target.name} is a Go program: attaching needs Delve from a tools image that has dlv and sh (--tools-image, setting distroless.debugger.goImage). See ${DEBUGGING_DOCS}`,
    );
  }
  if (!opts.allowPtrace) {
    throw new PtraceNotAllowedError(
      `Process ${proc.pid} in ${target.name} is a Go program: Delve attaches with ptrace, so its sidecar (as the process's user ${proc.uid}:${proc.gid}) gets CAP_SYS_PTRACE. Allow it with --allow-ptrace.`,
    );
  }
  const goImage = checkImageRef(opts.goImage);
  await ensureImage(docker, goImage, opts.onPullProgress).catch((err: unknown) => {
    // The generic message names the shell's tools image setting; this one is the Delve image's.
    if (!(err instanceof ImageUnavailableError)) throw err;
    throw new DebuggerUnavailableError(
      `The Delve image "${goImage}" is not on the engine and could not be pulled: ${err.reason}. Build or load it (an image with dlv and sh: ${DEBUGGING_DOCS.replace('#attach-a-debugger', '#go')}), or set another one (setting distroless.debugger.goImage, CLI --tools-image).`,
    );
  });
  const remotePort = opts.remotePort ?? DELVE_PORT;
  opts.onStatus?.(`Attaching Delve (${goImage}) to process ${proc.pid} (${proc.argv.join(' ')}) as ${proc.uid}:${proc.gid} with CAP_SYS_PTRACE`);
  const delve = await startDelve(docker, target, goImage, proc, remotePort);
  let forward: PortForward | undefined;
  try {
    await delve.listening;
    forward = await openPortForward(docker, { target: target.id, remotePort, localPort: opts.localPort, image, onPullProgress: opts.onPullProgress });
    return session(docker, 'go', target, proc, forward, { delve });
  } catch (err) {
    await forward?.close();
    await delve.stop();
    throw err;
  }
}

interface Delve {
  id: string;
  /** Resolves when Delve says it listens; rejects with its last words when it exits first. */
  listening: Promise<void>;
  /** Closes its stdin: Delve gets SIGINT, detaches (the process keeps running) and the sidecar ends. */
  stop(): Promise<void>;
  removed: Promise<unknown>;
}

/**
 * Delve blocks nothing on stdin, so a shell holds it: when this process's
 * attach stream closes (Ctrl+C, or this process killed: the engine closes
 * it) `cat` ends and Delve gets SIGINT, which makes a headless Delve detach
 * from an attached process instead of killing it; then the sidecar exits.
 */
const DELVE_SCRIPT = `exec 3<&0
dlv attach "$1" --headless --accept-multiclient --continue --api-version=2 --listen="127.0.0.1:$2" </dev/null &
d=$!
(cat <&3 >/dev/null; kill -INT $d 2>/dev/null) &
wait $d`;

/**
 * The process's own uid:gid is what lets the kernel allow the attach (same
 * uid, and /proc/<pid>/auxv is readable only by it): Docker puts a non-root
 * user's added capabilities in the bounding set only, so CAP_SYS_PTRACE is
 * effective only for a root target, where the target's own capabilities would
 * otherwise not be a subset of the sidecar's.
 */
async function startDelve(docker: Docker, target: TargetInfo, image: string, proc: TargetProcess, port: number): Promise<Delve> {
  const pid = proc.pid;
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: image,
      Entrypoint: ['sh', '-c', DELVE_SCRIPT, 'delve'],
      Cmd: [String(pid), String(port)],
      User: `${proc.uid}:${proc.gid}`,
      // Delve writes its configuration under $HOME; the user may have none.
      Env: ['HOME=/tmp'],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Labels: sidecarLabels(target, 'go'),
      HostConfig: {
        PidMode: `container:${target.id}`,
        NetworkMode: `container:${target.id}`,
        AutoRemove: true,
        CapDrop: ['ALL'],
        CapAdd: ['SYS_PTRACE'],
      },
    });
  } catch (err) {
    throw await sidecarFailure(docker, target, err, 'Delve');
  }
  try {
    const removed = container.wait({ condition: 'removed' });
    removed.catch(() => undefined);
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
    let output = '';
    const listening = new Promise<void>((resolve, reject) => {
      let heard = false;
      demux(stream, (chunk) => {
        output = (output + chunk.toString('utf8')).slice(-4000);
        // Delve says it listens before the attach is done; an attach that fails ends it within moments.
        if (!heard && /listening at:/i.test(output)) {
          heard = true;
          setTimeout(resolve, 1500).unref();
        }
      });
      const gone = () => {
        const said = output.trim().split('\n').filter((l) => !/listening at:|config directory/i.test(l)).slice(-3).join(' ');
        const hint = /not permitted|permission denied/i.test(said) ? ' (a host with Yama ptrace_scope 1 or higher refuses a ptrace attach to a process that is not a child: see the docs)' : '';
        reject(new DebuggerUnavailableError(`Delve could not attach to process ${pid} in ${target.name}: ${said || 'it exited without a word'}${hint}`));
      };
      void removed.then(gone, gone);
      setTimeout(() => reject(new DebuggerUnavailableError(`Delve did not start listening within 30 s in ${target.name}: ${output.trim() || 'no output'}`)), 30000).unref();
    });
    listening.catch(() => undefined);
    await container.start();
    const stop = async () => {
      stream.end();
      stream.destroy();
      // Give Delve time to take its breakpoints out before the sidecar is forced away.
      await Promise.race([removed.catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
      await container.remove({ force: true }).catch((err: unknown) => {
        if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 409) throw err;
      });
    };
    return { id: container.id, listening, stop, removed };
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    throw await sidecarFailure(docker, target, err, 'Delve');
  }
}

function session(
  docker: Docker,
  runtime: 'node' | 'go',
  target: TargetInfo,
  proc: TargetProcess,
  forward: PortForward,
  extra: { inspector?: NodeInspector; delve?: Delve; beforeClose?: () => Promise<void> },
): DebuggerSession {
  const delve = extra.delve;
  let closing: Promise<PortForwardEnd> | undefined;
  let delveEnd: PortForwardEnd | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Delve first: it detaches while the forward still stands.
      await delve?.stop().catch(() => undefined);
      await extra.beforeClose?.().catch(() => undefined);
      const end = await forward.close();
      return delveEnd ?? end;
    })());
  // Delve gone while its target runs (it failed, or was removed outside) ends the session; a stopped target ends the forward by itself.
  const delveGone = async () => {
    const running = await inspectTarget(docker, target.id).then((t) => t.running).catch(() => false);
    if (!running || closing) return;
    delveEnd = { reason: 'error', message: `Delve's sidecar for ${target.name} went away; stopped forwarding ${forward.description}.` };
    await close();
  };
  void delve?.removed.then(delveGone, delveGone);
  const ended = forward.ended.then(async (end) => {
    await delve?.stop().catch(() => undefined);
    return delveEnd ?? end;
  });
  return {
    runtime,
    target,
    process: proc,
    forward,
    localAddress: forward.localAddress,
    localPort: forward.localPort,
    inspector: extra.inspector,
    delveSidecarId: delve?.id,
    close,
    ended,
  };
}
