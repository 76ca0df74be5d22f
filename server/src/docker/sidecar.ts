import * as os from 'os';
import { Duplex, Readable } from 'stream';
import type Docker from 'dockerode';
import { inspectTarget, SIDECAR_LABEL, SIDECAR_OWNER_LABEL, TargetInfo } from './containers';
import { isOurSidecar, sessionLabelFor, SIDECAR_SESSION_LABEL } from './sidecarIdentity';
import { engineMessage, FileAccessDeniedError, ImageUnavailableError, OperationCancelledError, SidecarFailedError, statusCodeOf, TargetNotRunningError } from './errors';
import { planSidecar, SidecarPlan, SidecarPlanOptions } from './plan';

export interface PullProgress {
  image: string;
  /** Last status line from the engine, e.g. "Downloading" or "Pull complete". */
  status: string;
  /** 0..100 once the engine has reported layer sizes. */
  percent?: number;
}

export interface OpenSidecarOptions extends Omit<SidecarPlanOptions, 'owner'> {
  /** Target container name or ID. */
  target: string;
  /** Initial terminal size (TTY mode). */
  cols?: number;
  rows?: number;
  /** Emit the banner as the first output bytes; default: when tty. */
  banner?: boolean;
  /** Check with `ls /proc/1/root/` inside the sidecar whether the target's files are readable; default: when tty. */
  checkFileAccess?: boolean;
  onPullProgress?: (progress: PullProgress) => void;
}

export type SidecarEndReason = 'exited' | 'target-stopped' | 'closed' | 'error';

export interface SidecarEnd {
  reason: SidecarEndReason;
  /** The sidecar command's exit status, when the engine reported one. */
  exitCode?: number;
  message: string;
}

export interface FileAccess {
  readable: boolean | undefined;
  /** Set when the kernel refused: the message suggests the root+SYS_PTRACE retry. */
  error?: FileAccessDeniedError;
}

export interface Disposable {
  dispose(): void;
}

export type OutputStream = 'stdout' | 'stderr';

/**
 * A running sidecar. Shaped for a VS Code Pseudoterminal as well as the CLI:
 * bytes out through onData (buffered until the first listener, so nothing is
 * lost before a terminal opens), bytes in through write, resize, close, and a
 * promise that settles once with why it ended.
 */
export interface SidecarSession {
  readonly containerId: string;
  readonly target: TargetInfo;
  readonly plan: SidecarPlan;
  readonly banner: string;
  readonly fileAccess: FileAccess;
  onData(listener: (data: Buffer, stream: OutputStream) => void): Disposable;
  write(data: string | Uint8Array): void;
  /** Closes the sidecar's stdin (non-TTY input piping). */
  endInput(): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Stops and removes the sidecar; resolves with the end it caused (or that already happened). */
  close(): Promise<SidecarEnd>;
  readonly ended: Promise<SidecarEnd>;
}

export function ownerTag(): string {
  return `${os.hostname()}:${process.pid}`;
}

/** Whether `image` is already on the engine (so a caller can skip showing pull progress). */
export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (statusCodeOf(err) !== 404) throw err;
    return false;
  }
}

/**
 * Makes sure `image` is on the engine, pulling it (with progress) when it is not.
 * Aborting `signal` drops the pull request, which makes the engine stop pulling,
 * and rejects with OperationCancelledError.
 */
export async function ensureImage(docker: Docker, image: string, onProgress?: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
  const cancelled = () => new OperationCancelledError(`Pulling the tools image "${image}"`);
  if (signal?.aborted) throw cancelled();
  if (await imagePresent(docker, image)) return;
  onProgress?.({ image, status: 'Pulling' });
  try {
    const stream = (await docker.pull(image, signal ? { abortSignal: signal } : {})) as NodeJS.ReadableStream;
    const layers = new Map<string, { current: number; total: number }>();
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { status?: string; id?: string; progressDetail?: { current?: number; total?: number }; error?: string }) => {
          if (event.id && event.progressDetail?.total) {
            layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
          }
          let current = 0;
          let total = 0;
          for (const l of layers.values()) {
            current += l.current;
            total += l.total;
          }
          onProgress?.({ image, status: event.status ?? '', percent: total ? Math.min(100, Math.round((current / total) * 100)) : undefined });
        },
      );
    });
    // An aborted response can end with 'close' rather than 'error'.
    if (signal?.aborted) throw cancelled();
    await docker.getImage(image).inspect();
  } catch (err) {
    if (signal?.aborted || err instanceof OperationCancelledError) throw cancelled();
    throw new ImageUnavailableError(image, engineMessage(err).trim());
  }
}

/**
 * Removes sidecars left behind by a crash: ones whose owning process on this
 * host is gone, and ones whose target is no longer running (useless, and after
 * a restart they would sit in the old network namespace). Only containers this
 * tool created count (sidecarIdentity.ts); sidecars owned by a live process, or by
 * another host, are left alone. Returns the removed IDs.
 */
export async function removeOrphanSidecars(docker: Docker, isAlive: (pid: number) => boolean = processAlive): Promise<string[]> {
  const host = os.hostname();
  const sidecars = await docker.listContainers({ all: true, filters: { label: [SIDECAR_SESSION_LABEL] } });
  const targetsRunning = new Map<string, boolean>();
  const removed: string[] = [];
  for (const c of sidecars) {
    // Labels can come from an image or a user: only a name we chose with a label that verifies is ours.
    if (!isOurSidecar(c.Names?.[0], c.Labels)) continue;
    const owner = c.Labels?.[SIDECAR_OWNER_LABEL];
    const [ownerHost, ownerPid] = owner ? splitOwner(owner) : [undefined, undefined];
    const ownerGone = ownerHost === host && ownerPid !== undefined && !isAlive(ownerPid);
    const targetId = c.Labels?.[SIDECAR_LABEL] ?? '';
    if (!targetsRunning.has(targetId)) {
      targetsRunning.set(
        targetId,
        await docker
          .getContainer(targetId)
          .inspect()
          .then((t) => t.State.Running)
          .catch(() => false),
      );
    }
    if (!ownerGone && targetsRunning.get(targetId)) continue;
    try {
      await docker.getContainer(c.Id).remove({ force: true });
      removed.push(c.Id);
    } catch (err) {
      // Already going away (AutoRemove) counts as removed.
      if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 409) throw err;
    }
  }
  return removed;
}

function splitOwner(owner: string): [string, number | undefined] {
  const i = owner.lastIndexOf(':');
  const pid = Number(owner.slice(i + 1));
  return [owner.slice(0, i), Number.isInteger(pid) && pid > 0 ? pid : undefined];
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function makeBanner(target: TargetInfo, plan: SidecarPlan, access: FileAccess): string {
  const lines = [
    `Debug sidecar for ${target.name} (${target.id.slice(0, 12)}, image ${target.image}${target.hasShell === false ? ', no shell: distroless' : ''})`,
    `Tools image ${plan.image}; ${plan.joinedAs}.`,
    `The target's processes are visible (its main process is PID 1), localhost is its localhost, and its files are under /proc/1/root.`,
  ];
  if (access.error) lines.push(`Warning: ${access.error.message}`);
  return lines.join('\n') + '\n';
}

/** Opens a sidecar next to `opts.target`; see SidecarSession. */
export async function openSidecar(docker: Docker, opts: OpenSidecarOptions): Promise<SidecarSession> {
  const target = await inspectTarget(docker, opts.target);
  if (!target.running) throw new TargetNotRunningError(target.name, target.state);
  const plan = planSidecar(target, { ...opts, owner: ownerTag() });

  const [, imageInfo] = await Promise.all([
    removeOrphanSidecars(docker).catch(() => []),
    ensureImage(docker, plan.image, opts.onPullProgress).then(() => docker.getImage(plan.image).inspect()),
  ]);

  let container: Docker.Container;
  try {
    container = await createNamed(docker, target.name, (name) => ({
      name,
      Image: plan.image,
      Cmd: plan.command,
      User: plan.user,
      Tty: plan.tty,
      OpenStdin: plan.stdin,
      StdinOnce: plan.stdin && !plan.tty,
      AttachStdin: plan.stdin,
      AttachStdout: true,
      AttachStderr: true,
      Labels: { ...plan.labels, [SIDECAR_SESSION_LABEL]: sessionLabelFor(name) },
      HostConfig: {
        PidMode: `container:${target.id}`,
        NetworkMode: `container:${target.id}`,
        AutoRemove: true,
        CapAdd: plan.capAdd,
        CapDrop: plan.capDrop,
        Privileged: plan.privileged,
      },
    }));
  } catch (err) {
    throw await startFailure(docker, target, err, 'create');
  }

  const removeQuietly = () =>
    container.remove({ force: true }).catch((err: unknown) => {
      if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 409) throw err;
    });

  let stream: Duplex | Readable;
  let removedWait: Promise<{ StatusCode?: number }>;
  try {
    // Registered before start: the 'removed' condition resolves once AutoRemove
    // has run, so `ended` means "gone", not just "exited".
    removedWait = container.wait({ condition: 'removed' }) as Promise<{ StatusCode?: number }>;
    removedWait.catch(() => undefined);
    // Attach before start, or the first bytes (a prompt, a fast command's whole output) are lost.
    stream = (await container.attach({ stream: true, stdin: plan.stdin, stdout: true, stderr: true, hijack: plan.stdin })) as Duplex | Readable;
    await container.start();
  } catch (err) {
    await removeQuietly().catch(() => undefined);
    throw await startFailure(docker, target, err, 'start');
  }

  return new Session(docker, container, target, plan, stream, removedWait, removeQuietly, toArgv(imageInfo.Config?.Entrypoint), opts).ready();
}

/**
 * Sidecars are named `<target>-debug-<n>` (port forwards `<target>-forward-<n>`, listing helpers `<target>-list-<n>`; the
 * smallest n free), so `docker ps` and the containers view show whose they are; a name
 * taken in between (another sidecar started at the same moment) moves on to the next n.
 */
export async function createNamed(docker: Docker, targetName: string, options: (name: string) => Docker.ContainerCreateOptions, kind: 'debug' | 'forward' | 'list' = 'debug'): Promise<Docker.Container> {
  const prefix = `${targetName}-${kind}-`;
  const taken = new Set(
    (await docker.listContainers({ all: true, filters: { name: [prefix] } }).catch(() => []))
      .flatMap((c) => c.Names ?? []).map((n) => n.replace(/^\//, '')),
  );
  let n = 1;
  for (let attempt = 0; ; attempt++) {
    while (taken.has(`${prefix}${n}`)) n++;
    const name = `${prefix}${n}`;
    try {
      return await docker.createContainer(options(name));
    } catch (err) {
      if (statusCodeOf(err) !== 409 || attempt >= 4) throw err;
      taken.add(name);
    }
  }
}

function toArgv(value: string | string[] | undefined): string[] {
  if (!value) return [];
  // A string entrypoint is shell form, which the engine runs as sh -c.
  return Array.isArray(value) ? value : ['/bin/sh', '-c', value];
}

async function startFailure(docker: Docker, target: TargetInfo, err: unknown, step: string): Promise<Error> {
  // The usual cause of a failed create/start is the target stopping in between.
  const running = await docker
    .getContainer(target.id)
    .inspect()
    .then((t) => ({ running: t.State.Running, state: t.State.Status }))
    .catch(() => ({ running: false, state: 'removed' }));
  if (!running.running) return new TargetNotRunningError(target.name, running.state);
  return new SidecarFailedError(`Could not ${step} the debug sidecar for "${target.name}": ${engineMessage(err)}`, { cause: err });
}

class Session implements SidecarSession {
  readonly containerId: string;
  banner = '';
  fileAccess: FileAccess = { readable: undefined };
  readonly ended: Promise<SidecarEnd>;
  private readonly listeners = new Set<(data: Buffer, stream: OutputStream) => void>();
  private pending: Array<[Buffer, OutputStream]> = [];
  private holding = true;
  private flushQueued = false;
  private closing = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly docker: Docker,
    private readonly container: Docker.Container,
    readonly target: TargetInfo,
    readonly plan: SidecarPlan,
    private readonly stream: Duplex | Readable,
    removedWait: Promise<{ StatusCode?: number }>,
    private readonly removeQuietly: () => Promise<void>,
    private readonly entrypoint: string[],
    private readonly opts: OpenSidecarOptions,
  ) {
    this.containerId = container.id;
    if (plan.tty) {
      stream.on('data', (chunk: Buffer) => this.emit(chunk, 'stdout'));
    } else {
      demux(stream, (chunk, which) => this.emit(chunk, which));
    }
    const streamDone = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    this.watchTarget();
    this.ended = this.finish(removedWait, streamDone);
  }

  /** Resizes, checks file access and builds the banner before any output is released. */
  async ready(): Promise<this> {
    if (this.plan.tty && this.opts.cols && this.opts.rows) {
      await this.resize(this.opts.cols, this.opts.rows).catch(() => undefined);
    }
    // Off by default without a TTY: a one-shot command may be gone before the probe runs.
    if (this.opts.checkFileAccess ?? this.plan.tty) this.fileAccess = await this.probeFileAccess();
    this.banner = makeBanner(this.target, this.plan, this.fileAccess);
    if (this.opts.banner ?? this.plan.tty) {
      const text = this.plan.tty ? this.banner.replace(/\n/g, '\r\n') : this.banner;
      this.pending.unshift([Buffer.from(text), this.plan.tty ? 'stdout' : 'stderr']);
    }
    this.holding = false;
    this.scheduleFlush();
    return this;
  }

  onData(listener: (data: Buffer, stream: OutputStream) => void): Disposable {
    this.listeners.add(listener);
    this.scheduleFlush();
    return { dispose: () => this.listeners.delete(listener) };
  }

  write(data: string | Uint8Array): void {
    if (!this.plan.stdin) throw new Error('this sidecar was opened without stdin');
    const s = this.stream as Duplex;
    if (!s.writableEnded && !s.destroyed) s.write(data);
  }

  endInput(): void {
    const s = this.stream as Duplex;
    if (this.plan.stdin && !s.writableEnded && !s.destroyed) s.end();
  }

  async resize(cols: number, rows: number): Promise<void> {
    if (!this.plan.tty) return;
    try {
      await this.container.resize({ w: Math.max(1, Math.floor(cols)), h: Math.max(1, Math.floor(rows)) });
    } catch (err) {
      // A resize racing the sidecar's exit is not worth an error.
      if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 409 && !/is not running/.test(engineMessage(err))) throw err;
    }
  }

  async close(): Promise<SidecarEnd> {
    this.closing = true;
    await this.removeQuietly().catch(() => undefined);
    return this.ended;
  }

  private emit(chunk: Buffer, which: OutputStream): void {
    // Queued output goes first, so nothing overtakes what was held back.
    if (this.holding || this.listeners.size === 0 || this.pending.length) {
      this.pending.push([chunk, which]);
      this.scheduleFlush();
      return;
    }
    for (const l of this.listeners) l(chunk, which);
  }

  /**
   * Delivers held output on a microtask rather than inside onData, so a
   * listener can dispose its own subscription from its first call.
   */
  private scheduleFlush(): void {
    if (this.flushQueued || this.holding || this.listeners.size === 0 || this.pending.length === 0) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      while (this.pending.length && this.listeners.size) {
        const [chunk, which] = this.pending.shift()!;
        for (const l of [...this.listeners]) l(chunk, which);
      }
    });
  }

  /**
   * The kernel kills the sidecar when the target's PID 1 dies, but a target that
   * is restarted would leave a sidecar stuck in the old network namespace, so we
   * also remove it ourselves as soon as the target stops.
   */
  private watchTarget(): void {
    this.docker
      .getContainer(this.target.id)
      .wait({ condition: 'not-running', abortSignal: this.abort.signal } as Docker.ContainerWaitOptions)
      .then(() => this.removeQuietly())
      .catch(() => undefined);
  }

  private async finish(removedWait: Promise<{ StatusCode?: number }>, streamDone: Promise<void>): Promise<SidecarEnd> {
    let exitCode: number | undefined;
    let error: unknown;
    try {
      exitCode = (await removedWait).StatusCode;
    } catch (err) {
      // 404: removed before our wait was registered by the engine; the exit code is lost.
      if (statusCodeOf(err) !== 404) error = err;
    }
    // Let the last output drain, but do not hang on a half-open attach socket.
    await Promise.race([streamDone, new Promise((r) => setTimeout(r, 1000).unref())]);
    this.abort.abort();
    this.stream.destroy();
    this.holding = false;
    this.scheduleFlush();
    const targetRunning = await this.docker
      .getContainer(this.target.id)
      .inspect()
      .then((t) => t.State.Running)
      .catch(() => false);
    if (this.closing) return { reason: 'closed', exitCode, message: `Debug sidecar for ${this.target.name} closed.` };
    if (!targetRunning) {
      return { reason: 'target-stopped', exitCode, message: `Target container ${this.target.name} stopped; its debug sidecar was closed.` };
    }
    if (error) return { reason: 'error', exitCode, message: `Debug sidecar for ${this.target.name} failed: ${engineMessage(error)}` };
    return { reason: 'exited', exitCode, message: `Debug sidecar for ${this.target.name} exited${exitCode === undefined ? '' : ` with code ${exitCode}`}.` };
  }

  private async probeFileAccess(): Promise<FileAccess> {
    try {
      // Through the image's entrypoint, because a tools image may ship only a
      // multi-call binary (busybox) with no ls on PATH.
      const exec = await this.container.exec({
        Cmd: [...this.entrypoint, 'ls', '/proc/1/root/'],
        AttachStdout: true,
        AttachStderr: true,
      });
      const out = (await exec.start({ hijack: true, stdin: false })) as Readable;
      const text = await new Promise<string>((resolve) => {
        let collected = '';
        demux(out, (chunk) => (collected += chunk.toString('utf8')));
        const done = () => resolve(collected);
        out.once('end', done);
        out.once('close', done);
        out.once('error', done);
        setTimeout(done, 3000).unref();
      });
      // The output can end a moment before the engine records the exit code.
      let inspect = await exec.inspect();
      for (let i = 0; inspect.Running && i < 20; i++) {
        await new Promise((r) => setTimeout(r, 25));
        inspect = await exec.inspect();
      }
      if (inspect.ExitCode === 0) return { readable: true };
      if (/permission denied/i.test(text)) {
        return { readable: false, error: new FileAccessDeniedError(this.target.name, this.plan.user) };
      }
      return { readable: undefined };
    } catch {
      return { readable: undefined };
    }
  }
}

/** Splits Docker's multiplexed stdout/stderr frames (8-byte header: stream, 0, 0, 0, big-endian length). */
export function demux(stream: Readable, onChunk: (chunk: Buffer, which: OutputStream) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  stream.on('data', (data: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, data]) : data;
    while (buffered.length >= 8) {
      const size = buffered.readUInt32BE(4);
      if (buffered.length < 8 + size) break;
      const which: OutputStream = buffered[0] === 2 ? 'stderr' : 'stdout';
      const payload = buffered.subarray(8, 8 + size);
      buffered = buffered.subarray(8 + size);
      if (payload.length) onChunk(Buffer.from(payload), which);
    }
  });
}
