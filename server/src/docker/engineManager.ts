/**
 * One lazily made engine connection for the whole extension. Nothing connects
 * until a view is shown or a command runs, so users who only edit Dockerfiles
 * never touch Docker. No vscode import: the extension maps `state` to the
 * `distroless.engineState` context key.
 */
import { DockerService } from '.';

/** Context key holding EngineState; package.json's viewsWelcome `when` clauses test it. */
export const ENGINE_STATE_CONTEXT_KEY = 'distroless.engineState';

export type EngineState = 'unknown' | 'connecting' | 'reachable' | 'unreachable';

export interface EngineStatus {
  state: EngineState;
  /** The last connection error, shown by the view when unreachable. */
  error?: Error;
  /** Where the engine was found, when reachable. */
  endpoint?: string;
}

export class EngineManager {
  private current: Promise<DockerService> | undefined;
  private generation = 0;
  private status: EngineStatus = { state: 'unknown' };
  private readonly listeners = new Set<(status: EngineStatus) => void>();

  /** `connect` is `createDockerService` bound to the current settings; it is re-read on every new connection. */
  constructor(private readonly connect: () => Promise<DockerService>) {}

  get engineStatus(): EngineStatus {
    return this.status;
  }

  onDidChangeStatus(listener: (status: EngineStatus) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The connected service; connects (once, shared by concurrent callers) when needed. */
  get(): Promise<DockerService> {
    if (this.current) return this.current;
    const generation = ++this.generation;
    this.setStatus({ state: 'connecting' });
    const attempt = this.connect().then(
      (svc) => {
        if (generation === this.generation) this.setStatus({ state: 'reachable', endpoint: svc.endpoint.description });
        return svc;
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        if (generation === this.generation) {
          // Forget the failure so the next caller (Retry, the event watcher's backoff) tries again.
          this.current = undefined;
          this.setStatus({ state: 'unreachable', error });
        }
        throw error;
      },
    );
    this.current = attempt;
    return attempt;
  }

  /**
   * Drops the connection so the next get() resolves the engine again: after a
   * settings change, or when a call on a cached connection failed (engine
   * stopped, socket gone).
   */
  invalidate(): void {
    this.generation++;
    this.current = undefined;
  }

  /** Records a failure seen by a caller of a cached service, without waiting for a reconnect. */
  markUnreachable(error: Error): void {
    this.invalidate();
    this.setStatus({ state: 'unreachable', error });
  }

  private setStatus(status: EngineStatus): void {
    this.status = status;
    for (const l of [...this.listeners]) l(status);
  }
}

/**
 * Errors from a call on an already connected service that mean "the engine is
 * gone" rather than "this request failed": socket errors without an HTTP status.
 */
export function isConnectionFailure(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.statusCode === 'number') return false;
  return typeof e.code === 'string' && ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'EACCES', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(e.code);
}
