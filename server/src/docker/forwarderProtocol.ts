/**
 * The Node side of server/forwarder/forwarder.c: the framing and the streams of one
 * forwarder process, which carries every connection of a port forward over one exec's
 * stdin/stdout. Frames, both ways: [type u8][stream id u32 BE][length u32 BE][payload];
 * forwarder.c's header comment is the protocol's reference.
 *
 * Flow control is a window of WINDOW bytes per stream and direction: we send a stream
 * at most WINDOW bytes the forwarder has not yet written to its socket (it answers WINDOW
 * frames as it writes), and hand it a WINDOW frame for every chunk the local client's
 * socket took. A slow client or a slow server therefore holds back only its own stream,
 * never the shared exec (no head-of-line blocking), and neither side buffers more than
 * WINDOW bytes per stream.
 */
import * as net from 'net';

export const FrameType = { open: 1, data: 2, close: 3, abort: 4, window: 5, hello: 6, opened: 7, error: 8 } as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];
/** Per stream and direction; also the largest payload. Must equal WINDOW in forwarder.c. */
export const WINDOW = 65536;
const HEADER = 9;

export interface Frame {
  type: number;
  id: number;
  payload: Buffer;
}

export function encodeFrame(type: FrameTypeCode, id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const frame = Buffer.allocUnsafe(HEADER + payload.length);
  frame[0] = type;
  frame.writeUInt32BE(id >>> 0, 1);
  frame.writeUInt32BE(payload.length, 5);
  payload.copy(frame, HEADER);
  return frame;
}

/** OPEN's payload: [family 4|6][port u16 BE][address]. Undefined for a host name: the forwarder has no resolver. */
export function openPayload(host: string, port: number): Buffer | undefined {
  const address = host === 'localhost' ? '127.0.0.1' : host.replace(/^\[(.*)\]$/, '$1');
  const family = net.isIP(address);
  if (family === 4) {
    return Buffer.from([4, port >> 8, port & 0xff, ...address.split('.').map(Number)]);
  }
  if (family === 6) {
    const bytes = ipv6Bytes(address);
    return bytes && Buffer.concat([Buffer.from([6, port >> 8, port & 0xff]), bytes]);
  }
  return undefined;
}

function ipv6Bytes(address: string): Buffer | undefined {
  if (address.includes('%')) return undefined; // a zone needs a scope id
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parts = (s: string) => (s ? s.split(':') : []);
  const groups = tail === undefined ? parts(head) : [...parts(head), ...Array(8 - parts(head).length - parts(tail).length).fill('0'), ...parts(tail)];
  if (groups.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Splits a byte stream into frames, whatever the chunking. Throws on a frame no forwarder sends. */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const frames: Frame[] = [];
    let at = 0;
    while (this.buffered.length - at >= HEADER) {
      const length = this.buffered.readUInt32BE(at + 5);
      if (length > WINDOW) throw new Error(`not a forwarder frame (length ${length})`);
      if (this.buffered.length - at < HEADER + length) break;
      frames.push({ type: this.buffered[at], id: this.buffered.readUInt32BE(at + 1), payload: Buffer.from(this.buffered.subarray(at + HEADER, at + HEADER + length)) });
      at += HEADER + length;
    }
    this.buffered = this.buffered.subarray(at);
    return frames;
  }
}

export interface StreamHandlers {
  /** The forwarder connected. */
  opened(): void;
  /** The connection was never made: the forwarder's errno text. */
  failed(reason: string): void;
  /** The connection ended after it opened (orderly, reset or the client gone); `reason` when the forwarder reported a failure. */
  closed(reason?: string): void;
}

interface Stream {
  socket: net.Socket;
  handlers: StreamHandlers;
  /** Bytes we may still send before the forwarder's next WINDOW. */
  credit: number;
  queue: Buffer[];
  opened: boolean;
  /** Our client half-closed. */
  localEnded: boolean;
  /** CLOSE sent: after the client's last byte. */
  closeSent: boolean;
  /** The forwarder's socket read EOF. */
  remoteEnded: boolean;
  finished: boolean;
}

/**
 * The streams of one forwarder process. `send` writes to its stdin; feed its stdout to
 * `receive`. `ready` settles with the HELLO line.
 */
export class ForwarderMux {
  readonly ready: Promise<string>;
  private readonly streams = new Map<number, Stream>();
  private readonly decoder = new FrameDecoder();
  private nextId = 1;
  private resolveReady!: (hello: string) => void;
  private rejectReady!: (err: Error) => void;
  private dead: Error | undefined;

  constructor(private readonly send: (bytes: Buffer) => void) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined);
  }

  get size(): number {
    return this.streams.size;
  }

  get failure(): Error | undefined {
    return this.dead;
  }

  /** Carries `socket` (paused, allowHalfOpen) to host:port inside the forwarder's network. */
  connect(socket: net.Socket, host: string, port: number, handlers: StreamHandlers): void {
    const payload = openPayload(host, port);
    if (!payload) throw new Error(`the forwarder connects to IP addresses only, not "${host}"`);
    if (this.dead) throw this.dead;
    // Ids are never reused, so a late frame for an ended stream can only be ignored.
    const id = this.nextId++;
    const stream: Stream = { socket, handlers, credit: WINDOW, queue: [], opened: false, localEnded: false, closeSent: false, remoteEnded: false, finished: false };
    this.streams.set(id, stream);
    this.send(encodeFrame(FrameType.open, id, payload));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      stream.queue.push(chunk);
      this.pump(id, stream);
    });
    socket.on('end', () => {
      stream.localEnded = true;
      this.pump(id, stream);
    });
    socket.on('close', () => {
      if (this.streams.get(id) !== stream) return;
      this.streams.delete(id);
      // Both directions ended in order: the forwarder ends the stream itself once its
      // buffer is written; anything else (a client gone mid-stream) drops it there now.
      if (!(stream.closeSent && stream.remoteEnded) && !this.dead) this.send(encodeFrame(FrameType.abort, id));
      this.finish(stream, () => handlers.closed());
    });
    socket.resume();
  }

  /** Feed the forwarder's stdout. */
  receive(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.end(err as Error);
      return;
    }
    for (const frame of frames) this.onFrame(frame);
  }

  /** The forwarder is gone (or spoke nonsense): every stream ends. */
  end(reason: Error): void {
    if (this.dead) return;
    this.dead = reason;
    this.rejectReady(reason);
    for (const [id, stream] of this.streams) {
      this.streams.delete(id);
      stream.socket.destroy();
      this.finish(stream, () => (stream.opened ? stream.handlers.closed(reason.message) : stream.handlers.failed(reason.message)));
    }
  }

  private finish(stream: Stream, report: () => void): void {
    if (stream.finished) return;
    stream.finished = true;
    report();
  }

  private pump(id: number, stream: Stream): void {
    if (this.dead) return;
    while (stream.queue.length && stream.credit > 0) {
      const head = stream.queue[0];
      const n = Math.min(head.length, stream.credit);
      this.send(encodeFrame(FrameType.data, id, n === head.length ? head : head.subarray(0, n)));
      stream.credit -= n;
      if (n === head.length) stream.queue.shift();
      else stream.queue[0] = head.subarray(n);
    }
    // The client's bytes wait in its own socket until the forwarder has room for them.
    if (stream.queue.length) stream.socket.pause();
    else if (!stream.socket.destroyed) stream.socket.resume();
    if (stream.localEnded && stream.queue.length === 0 && !stream.closeSent) {
      stream.closeSent = true;
      this.send(encodeFrame(FrameType.close, id));
    }
  }

  private onFrame(frame: Frame): void {
    if (frame.type === FrameType.hello) {
      this.resolveReady(frame.payload.toString('utf8'));
      return;
    }
    const stream = this.streams.get(frame.id);
    if (!stream) return;
    switch (frame.type) {
      case FrameType.opened:
        stream.opened = true;
        stream.handlers.opened();
        return;
      case FrameType.data: {
        const length = frame.payload.length;
        // The WINDOW goes back once the client's socket took the bytes: a slow client slows only its stream.
        stream.socket.write(frame.payload, (err) => {
          if (!err && this.streams.get(frame.id) === stream && !this.dead) this.send(encodeFrame(FrameType.window, frame.id, u32(length)));
        });
        return;
      }
      case FrameType.window:
        stream.credit += frame.payload.length === 4 ? frame.payload.readUInt32BE(0) : 0;
        this.pump(frame.id, stream);
        return;
      case FrameType.close:
        stream.remoteEnded = true;
        stream.socket.end();
        return;
      case FrameType.error:
      case FrameType.abort: {
        // The forwarder has forgotten the stream: the client sees a reset, as from a closed port.
        this.streams.delete(frame.id);
        const reason = frame.payload.toString('utf8');
        stream.socket.resetAndDestroy();
        this.finish(stream, () => (frame.type === FrameType.error ? stream.handlers.failed(reason) : stream.handlers.closed(reason)));
        return;
      }
    }
  }
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}
