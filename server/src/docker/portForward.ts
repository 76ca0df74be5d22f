/**
 * Port forwarding into a container's network namespace, for shell-less targets
 * that listen only on their own localhost or on a port that was never
 * published. Nothing about the target changes: a small sidecar joins its
 * network (and PID) namespace, and every local connection becomes an exec of
 * `nc 127.0.0.1 <port>` inside that sidecar, its stdin/stdout carried over the
 * engine's hijacked exec stream. This works the same on Docker and on Podman's
 * Docker-compatible API, remote engines included, because no container port is
 * published and nothing listens on the engine's host.
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
}

export type PortForwardEndReason = 'closed' | 'target-stopped' | 'error';

export interface PortForwardEnd {
  reason: PortForwardEndReason;
  message: string;
}

export interface PortForwardEvent {
  kind: 'connection-opened' | 'connection-closed' | 'connection-failed';
  /** For connection-failed: why (e.g. nothing listens on the port). */
  message?: string;
}

export interface PortForward {
  readonly target: TargetInfo;
  readonly sidecarId: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteHost: string;
  readonly remotePort: number;
  /** Connections being forwarded right now. */
  readonly activeConnections: number;
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
    const sidecar = await startForwarder(docker, target, image, opts.remotePort);
    const entrypoint = imageInfo.Config?.Entrypoint;
    const prefix = !entrypoint ? [] : Array.isArray(entrypoint) ? entrypoint : ['/bin/sh', '-c', entrypoint];
    return new Forward(docker, target, server, sidecar, prefix, localAddress, opts.remoteHost ?? '127.0.0.1', opts.remotePort);
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
}

async function startForwarder(docker: Docker, target: TargetInfo, image: string, remotePort: number): Promise<Forwarder> {
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
  try {
    const removed = container.wait({ condition: 'removed' });
    removed.catch(() => undefined);
    const keepAlive = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
    await container.start();
    return { container, keepAlive, removed };
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

  constructor(
    private readonly docker: Docker,
    readonly target: TargetInfo,
    private readonly server: net.Server,
    private readonly sidecar: Forwarder,
    private readonly execPrefix: readonly string[],
    readonly localAddress: string,
    readonly remoteHost: string,
    readonly remotePort: number,
  ) {
    this.sidecarId = sidecar.container.id;
    this.localPort = (server.address() as net.AddressInfo).port;
    this.ended = new Promise((resolve) => (this.resolveEnd = resolve));
    server.on('connection', (socket) => void this.forward(socket));
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
        const why = stderr.trim().split('\n').pop();
        const message = /can't connect|connection refused|No route|timed out/i.test(stderr)
          ? `Nothing accepted the connection on ${this.remoteHost}:${this.remotePort} inside ${this.target.name}: ${why}`
          : `The forwarding sidecar could not connect to ${this.remoteHost}:${this.remotePort} inside ${this.target.name} (does the tools image have nc? busybox does): ${why}`;
        if (!this.endedWith) this.emit({ kind: 'connection-failed', message });
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
