/**
 * The smallest WebSocket client (RFC 6455) needed to speak the Chrome
 * DevTools protocol: text messages out (masked), text messages in, ping
 * answered, fragments joined. Node 20 has no global WebSocket without a flag,
 * and the `ws` package is not among the dependencies.
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { Socket } from 'node:net';

export interface TextSocket {
  send(text: string): void;
  onMessage(listener: (text: string) => void): void;
  /** Resolves when the connection closes (either side). */
  readonly closed: Promise<void>;
  close(): void;
}

export function connectWebSocket(url: string): Promise<TextSocket> {
  const u = new URL(url);
  const key = crypto.randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname,
      port: Number(u.port),
      path: u.pathname + u.search,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
      agent: false,
    });
    req.on('response', (res) => reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)));
    req.on('error', reject);
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      const expected = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      if (res.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(new Error('WebSocket upgrade answered with the wrong Sec-WebSocket-Accept'));
        return;
      }
      resolve(frames(socket, head));
    });
    req.end();
  });
}

function frames(socket: Socket, head: Buffer): TextSocket {
  const listeners: Array<(text: string) => void> = [];
  let buffered = head;
  let fragments: Buffer[] = [];
  const write = (opcode: number, payload: Buffer) => {
    const mask = crypto.randomBytes(4);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (len >= 126 && len < 65536) {
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 126;
      header.writeUInt16BE(len, 2);
    } else if (len >= 65536) {
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(len), 2);
    }
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i % 4]!;
    socket.write(Buffer.concat([header, mask, masked]));
  };
  const parse = () => {
    for (;;) {
      if (buffered.length < 2) return;
      const fin = (buffered[0]! & 0x80) !== 0;
      const opcode = buffered[0]! & 0x0f;
      let len = buffered[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buffered.length < 4) return;
        len = buffered.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buffered.length < 10) return;
        len = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffered.length < offset + len) return;
      const payload = buffered.subarray(offset, offset + len);
      buffered = buffered.subarray(offset + len);
      if (opcode === 9) write(10, payload);
      else if (opcode === 8) socket.end();
      else if (opcode === 1 || opcode === 0) {
        fragments.push(Buffer.from(payload));
        if (fin) {
          const text = Buffer.concat(fragments).toString('utf8');
          fragments = [];
          for (const l of listeners) l(text);
        }
      }
    }
  };
  socket.on('data', (d: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, d]) : d;
    parse();
  });
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  queueMicrotask(parse);
  return {
    send: (text) => write(1, Buffer.from(text, 'utf8')),
    onMessage: (l) => void listeners.push(l),
    closed,
    close: () => {
      write(8, Buffer.alloc(0));
      socket.end();
    },
  };
}

/** Chrome DevTools protocol over a TextSocket: `call(method, params)` resolves with `result` or rejects with `error.message`. */
export function cdpClient(ws: TextSocket) {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const events: Array<{ method: string; params: unknown }> = [];
  ws.onMessage((text) => {
    const msg = JSON.parse(text) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
    } else if (msg.method) events.push({ method: msg.method, params: msg.params });
  });
  return {
    events,
    call<T = unknown>(method: string, params: object = {}): Promise<T> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    },
    /** Runtime.evaluate with returnByValue: the value itself. */
    async evaluate(expression: string): Promise<unknown> {
      const r = await this.call<{ result: { value?: unknown }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, returnByValue: true });
      if (r.exceptionDetails) throw new Error(`evaluate(${expression}) threw: ${r.exceptionDetails.text}`);
      return r.result.value;
    },
  };
}
