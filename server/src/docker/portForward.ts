/**
 * Port forwarding into a container's network namespace, for shell-less targets
 * that listen only on their own localhost or on a port that was never
 * published. Nothing about the target changes: a small sidecar joins its
 * network (and PID) namespace, the forwarder (server/forwarder/forwarder.c, a few KB
 * static program for the sidecar's architecture) is copied into it through the
 * archive API, and ONE exec of it carries every local connection as a stream over
 * the engine's hijacked exec stream (forwarderProtocol.ts). When that cannot be
 * (no binary for the architecture, the copy refused, the forwarder does not start,
 * a remote host given by name) every local connection becomes its own exec of
 * `nc <host> <port>` instead, and the forward says so once (a `fallback` event).
 * This works the same on Docker and on Podman's Docker-compatible API, remote
 * engines included, because no container port is published and nothing listens
 * on the engine's host.
 */
import * as net from 'net';
import { Duplex, Readable } from 'stream';
import Docker from 'dockerode';
import { inspectTarget, SIDECAR_LABEL, SIDECAR_OWNER_LABEL, SIDECAR_TARGET_NAME_LABEL, TargetInfo } from './containers';
import { DockerError, engineMessage, SidecarFailedError, statusCodeOf, TargetNotRunningError } from './errors';
import { DEFAULT_TOOLS_IMAGE } from './plan';
import { checkImageRef } from './references';
import { createNamed, demux, ensureImage, ownerTag, PullProgress, removeOrphanSidecars } from './sidecar';
import { sessionLabelFor, SIDECAR_SESSION_LABEL } from './sidecarIdentity';
import { FORWARDER_PATH, forwarderBinary, singleFileTar } from './forwarderBinary';
import { ForwarderMux, openPayload } from './forwarderProtocol';

/** Label marking a sidecar as a port forward; its value is the target port. */
export const FORWARD_PORT_LABEL = 'io.distroless.sidecar.forward-port';

export class PortUnavailableError extends DockerError {
  constructor(message: string) {
    super('port-unavailable', message);
    this.name = 'PortUnavailableError';
  }
}

export interface PortSpec {
  /** 0: any free port. */
  localPort: number;
  remotePort: number;
}

/** `[<local>:]<port>` as kubectl port-forward writes it (`:8080` means any free local port). Throws with a one-line reason. */
export function parsePortSpec(spec: string): PortSpec {
  const m = /^(?:(\d*):)?(\d+)$/.exec(spec.trim());
  const bad = () => new Error(`"${spec}" is not a port: give <port> or <local>:<port>, numbers from 1 to 65535 (e.g. 8080 or 18080:8080)`);
  if (!m) throw bad();
  const remotePort = Number(m[2]);
  const localPort = m[1] === undefined ? remotePort : m[1] === '' ? 0 : Number(m[1]);
  if (!validPort(remotePort) || (localPort !== 0 && !validPort(localPort))) throw bad();
  return { localPort, remotePort };
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

export interface PortForwardOptions {
  target: string;
  remotePort: number;
  /** 0 or absent: any free port. */
  localPort?: number;
  /** Local address to listen on; default 127.0.0.1 (never all interfaces unless asked). */
  localAddress?: string;
  /** Address inside the target's network namespace; default 127.0.0.1. */
  remoteHost?: string;
  /** Tools image with `nc` (busybox has it); default busybox:latest. */
  image?: string;
  onPullProgress?: (progress: PullProgress) => void;
  /** Carry each connection on its own exec of nc, as when the forwarder cannot run (slower; for engines that refuse it, and tests). */
  execPerConnection?: boolean;
}

export type PortForwardEndReason = 'closed' | 'target-stopped' | 'error';

export interface PortForwardEnd {
  reason: PortForwardEndReason;
  message: string;
}

export interface PortForwardEvent {
  /** fallback: connections are carried one exec of nc each (slower), once per forward, with why. */
  kind: 'connection-opened' | 'connection-closed' | 'connection-failed' | 'fallback';
  /** For connection-failed: why (e.g. nothing listens on the port); for fallback: why and what it means. */
  message?: string;
}

/** How connections reach the target: all on one forwarder exec, or an exec of nc each. */
export type PortForwardCarrier = 'forwarder' | 'exec-per-connection';

export interface PortForward {
  readonly target: TargetInfo;
  readonly sidecarId: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteHost: string;
  readonly remotePort: number;
  /** Connections being forwarded right now. */
  readonly activeConnections: number;
  readonly carrier: PortForwardCarrier;
  /** One line for logs and views: `127.0.0.1:18080 → web:8080`. */
  readonly description: string;
  onEvent(listener: (event: PortForwardEvent) => void): { dispose(): void };
  /** Stops listening, drops the connections and removes the sidecar. */
  close(): Promise<PortForwardEnd>;
  /** Settles once: closed by us, target stopped, or the sidecar died. */
  readonly ended: Promise<PortForwardEnd>;
}

/**
 * Listens locally first (so a port in use fails before anything is created on
 * the engine), then starts the forwarding sidecar. Throws PortUnavailableError,
 * TargetNotFoundError, TargetNotRunningError, ImageUnavailableError,
 * SidecarFailedError.
 */
export async function openPortForward(docker: Docker, opts: PortForwardOptions): Promise<PortForward> {
  if (!validPort(opts.remotePort)) throw new PortUnavailableError(`${opts.remotePort} is not a port number (1-65535).`);
  const localPort = opts.localPort ?? 0;
  if (localPort !== 0 && !validPort(localPort)) throw new PortUnavailableError(`${localPort} is not a port number (1-65535).`);
  const target = await inspectTarget(docker, opts.target);
  if (!target.running) throw new TargetNotRunningError(target.name, target.state);
  const localAddress = opts.localAddress ?? '127.0.0.1';
  const server = await listen(localAddress, localPort, opts.remotePort);
  try {
    const image = opts.image?.trim() ? checkImageRef(opts.image) : DEFAULT_TOOLS_IMAGE;
    const [, imageInfo] = await Promise.all([
      removeOrphanSidecars(docker).catch(() => []),
      ensureImage(docker, image, opts.onPullProgress).then(() => docker.getImage(image).inspect()),
    ]);
    const remoteHost = opts.remoteHost ?? '127.0.0.1';
    const arch = imageInfo.Architecture || (await docker.version().then((v) => v.Arch, () => ''));
    const binary = !opts.execPerConnection && openPayload(remoteHost, opts.remotePort) ? forwarderBinary(arch) : undefined;
    const sidecar = await startForwarder(docker, target, image, opts.remotePort, binary);
    const entrypoint = imageInfo.Config?.Entrypoint;
    const prefix = !entrypoint ? [] : Array.isArray(entrypoint) ? entrypoint : ['/bin/sh', '-c', entrypoint];
    const carrier = opts.execPerConnection
      ? 'asked for'
      : !openPayload(remoteHost, opts.remotePort)
      ? `the forwarder connects to IP addresses only, not "${remoteHost}"`
      : !binary
        ? `no forwarder is built for the sidecar's architecture (${arch || 'unknown'})`
        : sidecar.copyFailure ?? (await startCarrier(sidecar.container));
    return new Forward(docker, target, server, sidecar, carrier, prefix, localAddress, remoteHost, opts.remotePort);
  } catch (err) {
    server.close();
    throw err;
  }
}

function listen(host: string, port: number, remotePort: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      const suggestion = `${port + 10000 <= 65535 ? port + 10000 : ''}:${remotePort}`;
      if (err.code === 'EADDRINUSE') reject(new PortUnavailableError(`Local port ${where} is already in use; pick another local port, e.g. "${suggestion}" (or ":${remotePort}" for any free one).`));
      else if (err.code === 'EACCES') reject(new PortUnavailableError(`Not allowed to listen on ${where} (ports below 1024 need privileges); use a local port above 1023, e.g. "${suggestion}".`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new PortUnavailableError(`Cannot listen on ${host}: no such local address. Use 127.0.0.1 or an address of this machine.`));
      else reject(new PortUnavailableError(`Cannot listen on ${where}: ${err.message}`));
    });
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}

interface Forwarder {
  container: Docker.Container;
  /** The keep-alive attach: when this process dies the engine closes it, the sidecar's `cat` sees EOF and it exits. */
  keepAlive: Duplex | Readable;
  removed: Promise<unknown>;
  /** Why the forwarder binary could not be put into the sidecar. */
  copyFailure?: string;
}

/** The one exec of the forwarder that carries every connection. */
interface Carrier {
  mux: ForwarderMux;
  exec: Duplex;
}

/** How long the forwarder may take to say HELLO (an emulated architecture starts slowly). */
const FORWARDER_START_MS = 15000;

/** Starts the forwarder copied into the sidecar; answers why not when it does not run. */
async function startCarrier(container: Docker.Container): Promise<Carrier | string> {
  let exec: Duplex;
  try {
    const created = await container.exec({ Cmd: [FORWARDER_PATH], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
    exec = (await created.start({ hijack: true, stdin: true })) as Duplex;
  } catch (err) {
    return `the forwarder could not be started: ${engineMessage(err)}`;
  }
  const mux = new ForwarderMux((bytes) => {
    if (!exec.destroyed) exec.write(bytes);
  });
  let stderr = '';
  demux(exec, (chunk, which) => (which === 'stdout' ? mux.receive(chunk) : (stderr += chunk.toString('utf8').slice(0, 2000))));
  const gone = () => mux.end(new Error(`the forwarder in the sidecar exited${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`));
  exec.on('end', gone);
  exec.on('close', gone);
  exec.on('error', gone);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the forwarder did not start within ${FORWARDER_START_MS / 1000} s`)), FORWARDER_START_MS);
  });
  try {
    await Promise.race([mux.ready, timeout]);
    return { mux, exec };
  } catch (err) {
    exec.destroy();
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

async function startForwarder(docker: Docker, target: TargetInfo, image: string, remotePort: number, binary: Buffer | undefined): Promise<Forwarder> {
  let container: Docker.Container;
  try {
    container = await createNamed(docker, target.name, (name) => ({
      name,
      Image: image,
      // Blocks on stdin, which our attach holds open: the sidecar lives exactly as long as this process's connection.
      Cmd: ['cat'],
      User: `${target.user.uid}:${target.user.gid}`,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Labels: {
        [SIDECAR_LABEL]: target.id,
        [SIDECAR_TARGET_NAME_LABEL]: target.name,
        [SIDECAR_OWNER_LABEL]: ownerTag(),
        [FORWARD_PORT_LABEL]: String(remotePort),
        [SIDECAR_SESSION_LABEL]: sessionLabelFor(name),
      },
      HostConfig: {
        PidMode: `container:${target.id}`,
        NetworkMode: `container:${target.id}`,
        AutoRemove: true,
        // Connecting to a port needs no capability at all.
        CapDrop: ['ALL'],
      },
    }), 'forward');
  } catch (err) {
    throw await failure(docker, target, err, 'create');
  }
  // Into the created container, before it starts: the sidecar is ours, nothing of the target's is written.
  const copyFailure = binary
    ? await container.putArchive(singleFileTar(FORWARDER_PATH.slice(1), binary), { path: '/' }).then(
        () => undefined,
        (err: unknown) => `copying the forwarder into the sidecar failed: ${engineMessage(err)}`,
      )
    : undefined;
  try {
    const removed = container.wait({ condition: 'removed' });
    removed.catch(() => undefined);
    const keepAlive = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
    await container.start();
    return { container, keepAlive, removed, copyFailure };
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    throw await failure(docker, target, err, 'start');
  }
}

async function failure(docker: Docker, target: TargetInfo, err: unknown, step: string): Promise<Error> {
  const state = await docker
    .getContainer(target.id)
    .inspect()
    .then((t) => ({ running: t.State.Running, status: t.State.Status }))
    .catch(() => ({ running: false, status: 'removed' }));
  if (!state.running) return new TargetNotRunningError(target.name, state.status);
  return new SidecarFailedError(`Could not ${step} the port-forward sidecar for "${target.name}": ${engineMessage(err)}`, { cause: err });
}

class Forward implements PortForward {
  readonly sidecarId: string;
  readonly localPort: number;
  readonly ended: Promise<PortForwardEnd>;
  private readonly sockets = new Set<net.Socket>();
  private readonly listeners = new Set<(e: PortForwardEvent) => void>();
  private readonly abort = new AbortController();
  private resolveEnd!: (end: PortForwardEnd) => void;
  private endedWith: PortForwardEnd | undefined;
  private carried: Carrier | undefined;

  constructor(
    private readonly docker: Docker,
    readonly target: TargetInfo,
    private readonly server: net.Server,
    private readonly sidecar: Forwarder,
    carrier: Carrier | string,
    private readonly execPrefix: readonly string[],
    readonly localAddress: string,
    readonly remoteHost: string,
    readonly remotePort: number,
  ) {
    this.sidecarId = sidecar.container.id;
    this.localPort = (server.address() as net.AddressInfo).port;
    this.ended = new Promise((resolve) => (this.resolveEnd = resolve));
    if (typeof carrier === 'string') {
      // After the caller's onEvent: it runs on the turn openPortForward resolves.
      setImmediate(() => this.fellBack(carrier));
    } else {
      this.carried = carrier;
      // The forwarder dying alone (not with its sidecar or target, which end the forward) leaves nc for new connections.
      carrier.exec.on('close', () => void this.carrierGone(carrier));
    }
    server.on('connection', (socket) => (this.carried && !this.carried.mux.failure ? this.forwardOnCarrier(socket, this.carried) : void this.forward(socket)));
    // The sidecar going away for any reason ends the forward; find out why.
    void sidecar.removed.then(() => this.sidecarGone(), () => this.sidecarGone());
    this.docker
      .getContainer(target.id)
      .wait({ condition: 'not-running', abortSignal: this.abort.signal } as Docker.ContainerWaitOptions)
      .then(() => this.finish({ reason: 'target-stopped', message: this.stoppedMessage() }))
      .catch(() => undefined);
  }

  get activeConnections(): number {
    return this.sockets.size;
  }

  get carrier(): PortForwardCarrier {
    return this.carried && !this.carried.mux.failure ? 'forwarder' : 'exec-per-connection';
  }

  private async carrierGone(carrier: Carrier): Promise<void> {
    if (this.endedWith || this.carried !== carrier) return;
    await new Promise((r) => setTimeout(r, 1000).unref());
    const running = (id: string) => this.docker.getContainer(id).inspect().then((i) => i.State.Running, () => false);
    if ((await running(this.sidecarId)) && (await running(this.target.id))) this.fellBack(carrier.mux.failure?.message ?? 'the forwarder in the sidecar exited');
  }

  private fellBack(why: string): void {
    this.carried = undefined;
    if (this.endedWith) return;
    this.emit({ kind: 'fallback', message: `Forwarding ${this.description} with one exec of nc per connection (slower): ${why}.` });
  }

  private connectFailed(why: string, hint: string): string {
    return /can't connect|connection refused|No route|timed out|unreachable/i.test(why)
      ? `Nothing accepted the connection on ${this.remoteHost}:${this.remotePort} inside ${this.target.name}: ${why}`
      : `The forwarding sidecar could not connect to ${this.remoteHost}:${this.remotePort} inside ${this.target.name}${hint}: ${why}`;
  }

  private forwardOnCarrier(socket: net.Socket, carrier: Carrier): void {
    if (this.endedWith) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    carrier.mux.connect(socket, this.remoteHost, this.remotePort, {
      opened: () => this.emit({ kind: 'connection-opened' }),
      failed: (why) => {
        if (!this.endedWith) this.emit({ kind: 'connection-failed', message: this.connectFailed(why, '') });
      },
      closed: (why) => {
        if (!this.endedWith) this.emit({ kind: 'connection-closed', ...(why ? { message: `The connection to ${this.remoteHost}:${this.remotePort} inside ${this.target.name} failed: ${why}` } : {}) });
      },
    });
  }

  get description(): string {
    return `${this.localAddress}:${this.localPort} → ${this.target.name}:${this.remotePort}`;
  }

  onEvent(listener: (event: PortForwardEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  close(): Promise<PortForwardEnd> {
    return this.finish({ reason: 'closed', message: `Stopped forwarding ${this.description}.` });
  }

  private stoppedMessage(): string {
    return `Target container ${this.target.name} stopped; stopped forwarding ${this.description}.`;
  }

  private async sidecarGone(): Promise<void> {
    if (this.endedWith) return;
    const running = await this.docker
      .getContainer(this.target.id)
      .inspect()
      .then((t) => t.State.Running)
      .catch(() => false);
    await this.finish(
      running
        ? { reason: 'error', message: `The port-forward sidecar for ${this.target.name} went away (removed outside this tool?); stopped forwarding ${this.description}.` }
        : { reason: 'target-stopped', message: this.stoppedMessage() },
    );
  }

  private async finish(end: PortForwardEnd): Promise<PortForwardEnd> {
    if (this.endedWith) return this.ended;
    this.endedWith = end;
    this.abort.abort();
    this.server.close();
    for (const s of this.sockets) s.destroy();
    this.sidecar.keepAlive.destroy();
    this.carried?.exec.destroy();
    await this.sidecar.container.remove({ force: true }).catch((err: unknown) => {
      if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 409) end = { reason: 'error', message: `${end.message} Removing its sidecar failed: ${engineMessage(err)}` };
    });
    // `ended` means gone: AutoRemove may still be running when remove answers 409.
    await Promise.race([this.sidecar.removed.catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.resolveEnd(end);
    return end;
  }

  private emit(event: PortForwardEvent): void {
    for (const l of this.listeners) l(event);
  }

  private async forward(socket: net.Socket): Promise<void> {
    if (this.endedWith) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    let upstream: Duplex;
    try {
      const exec = await this.sidecar.container.exec({
        Cmd: [...this.execPrefix, 'nc', this.remoteHost, String(this.remotePort)],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      upstream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    } catch (err) {
      this.sockets.delete(socket);
      socket.destroy();
      if (!this.endedWith) this.emit({ kind: 'connection-failed', message: `Could not open a connection to ${this.target.name}:${this.remotePort}: ${engineMessage(err)}` });
      return;
    }
    this.emit({ kind: 'connection-opened' });
    let stderr = '';
    let sent = 0;
    // One wait for 'drain' per side at a time: chunks already demultiplexed keep arriving
    // after a pause, and a client gone mid-stream never drains (one listener per chunk
    // would pile up into a MaxListenersExceededWarning).
    let socketFull = false;
    let upstreamFull = false;
    demux(upstream, (chunk, which) => {
      if (which === 'stderr') {
        stderr += chunk.toString('utf8');
        return;
      }
      if (socket.destroyed) return;
      sent += chunk.length;
      if (!socket.write(chunk) && !socketFull) {
        socketFull = true;
        upstream.pause();
        socket.once('drain', () => {
          socketFull = false;
          upstream.resume();
        });
      }
    });
    socket.on('data', (chunk: Buffer) => {
      if (upstream.destroyed) return;
      if (!upstream.write(chunk) && !upstreamFull) {
        upstreamFull = true;
        socket.pause();
        upstream.once('drain', () => {
          upstreamFull = false;
          socket.resume();
        });
      }
    });
    // Half-close both ways: a client that ends its request still gets the answer.
    socket.on('end', () => upstream.end());
    let done = false;
    const close = () => {
      if (done) return;
      done = true;
      this.sockets.delete(socket);
      if (sent === 0 && stderr.trim()) {
        // The client sees a reset, as it would from a closed port.
        socket.resetAndDestroy();
        const why = stderr.trim().split('\n').pop() ?? '';
        if (!this.endedWith) this.emit({ kind: 'connection-failed', message: this.connectFailed(why, ' (does the tools image have nc? busybox does)') });
      } else {
        socket.end();
        this.emit({ kind: 'connection-closed' });
      }
    };
    upstream.on('end', close);
    upstream.on('close', close);
    upstream.on('error', close);
    socket.on('close', () => {
      upstream.destroy();
      this.sockets.delete(socket);
    });
    socket.resume();
  }
}
