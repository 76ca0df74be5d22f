/**
 * Follows the engine's container events (`GET /events`) so views refresh when
 * containers start, stop or go away, without polling. When the stream breaks
 * (engine restarted, socket gone) it reconnects with exponential backoff; it
 * never retries in a tight loop.
 */
import type Docker from 'dockerode';
import { LISTING_HELPER_LABEL } from './containers';
import { isOurSidecar } from './sidecarIdentity';

export interface ContainerEvent {
  /** start, die, destroy, create, pause, unpause, rename, ... */
  action: string;
  id: string;
  name?: string;
}

/** Container actions that change what the containers view shows. */
export const VIEW_ACTIONS = ['create', 'start', 'restart', 'die', 'stop', 'kill', 'destroy', 'pause', 'unpause', 'rename', 'update'] as const;

export interface EngineEventsOptions {
  /** Returns the engine to follow; rejects when none answers (then we back off). */
  docker: () => Promise<Docker>;
  onEvent: (event: ContainerEvent) => void;
  /**
   * Called after every (re)connection, because events that happened while the
   * stream was down are lost: the listener should refresh everything.
   */
  onConnected?: () => void;
  /** Called when connecting or the stream fails, before the backoff wait. */
  onDisconnected?: (error: Error) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface EngineEventsWatcher {
  dispose(): void;
  /** Resolves once the next connection is up (for tests). */
  readonly connected: Promise<void>;
}

/** Parses one line of the events stream (Docker and Podman's compatible API). */
/**
 * Calls `onLine` with each non-empty line of a newline-delimited stream (the engine's
 * event stream is one JSON object per line, split across chunks at random).
 */
export function onStreamLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.on('data', (chunk: Buffer | string) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) onLine(line);
    }
  });
}

export function parseEventLine(line: string): ContainerEvent | undefined {
  let raw: { Type?: unknown; Action?: unknown; status?: unknown; id?: unknown; Actor?: { ID?: unknown; Attributes?: Record<string, unknown> } };
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (raw.Type !== undefined && raw.Type !== 'container') return undefined;
  const action = typeof raw.Action === 'string' ? raw.Action : typeof raw.status === 'string' ? raw.status : undefined;
  const id = typeof raw.Actor?.ID === 'string' ? raw.Actor.ID : typeof raw.id === 'string' ? raw.id : undefined;
  if (!action || !id) return undefined;
  const name = raw.Actor?.Attributes?.name;
  // A listing helper comes and goes for each directory the view expands: refreshing the
  // view on its events would list the expanded directories again, and again.
  const attributes = raw.Actor?.Attributes;
  if (attributes?.[LISTING_HELPER_LABEL] !== undefined && typeof name === 'string' && isOurSidecar(name, attributes as Record<string, string>)) return undefined;
  // exec_start: sh ... and health_status: healthy carry details after a colon.
  return { action: action.split(':')[0]!.trim(), id, name: typeof name === 'string' ? name : undefined };
}

export function watchEngineEvents(opts: EngineEventsOptions): EngineEventsWatcher {
  const initialDelay = opts.initialDelayMs ?? 1000;
  const maxDelay = opts.maxDelayMs ?? 30000;
  let delay = initialDelay;
  let disposed = false;
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let markConnected: () => void = () => undefined;
  let connected = new Promise<void>((r) => (markConnected = r));

  const scheduleReconnect = (error: Error) => {
    if (disposed) return;
    opts.onDisconnected?.(error);
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, maxDelay);
  };

  async function connect(): Promise<void> {
    timer = undefined;
    if (disposed) return;
    abort = new AbortController();
    const signal = abort.signal;
    let stream: NodeJS.ReadableStream;
    try {
      const docker = await opts.docker();
      if (disposed) return;
      stream = (await docker.getEvents({
        filters: { type: ['container'], event: [...VIEW_ACTIONS] },
        abortSignal: signal,
      } as Docker.GetEventsOptions)) as NodeJS.ReadableStream;
    } catch (err) {
      if (!disposed) scheduleReconnect(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (disposed) {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      return;
    }
    delay = initialDelay;
    opts.onConnected?.();
    markConnected();
    connected = new Promise<void>((r) => (markConnected = r));
    let ended = false;
    const finish = (error: Error) => {
      if (ended) return;
      ended = true;
      if (!disposed) scheduleReconnect(error);
    };
    onStreamLines(stream, (line) => {
      const event = parseEventLine(line);
      if (event) opts.onEvent(event);
    });
    stream.on('error', (err: Error) => finish(err));
    stream.on('end', () => finish(new Error('the engine closed the events stream')));
    stream.on('close', () => finish(new Error('the engine closed the events stream')));
  }

  void connect();
  return {
    get connected() {
      return connected;
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      abort?.abort();
    },
  };
}
