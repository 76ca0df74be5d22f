/**
 * A Debug Adapter Protocol client over TCP (Content-Length framed JSON), enough
 * for a test to talk to Delve: requests with their responses, events kept in
 * order and awaited by name.
 */
import * as net from 'node:net';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  success?: boolean;
  message?: string;
  body?: Record<string, unknown>;
  request_seq?: number;
}

export interface DapClient {
  request<T = Record<string, unknown>>(command: string, args?: object): Promise<T>;
  /** The first event named `name` after the last one taken (already received ones count). */
  event(name: string, timeoutMs?: number): Promise<DapMessage>;
  close(): void;
  readonly closed: Promise<void>;
}

export function connectDap(port: number, host = '127.0.0.1'): Promise<DapClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => resolve(client(socket)));
    socket.once('error', reject);
  });
}

function client(socket: net.Socket): DapClient {
  let seq = 1;
  let buffered = Buffer.alloc(0);
  const pending = new Map<number, { resolve: (m: DapMessage) => void; reject: (e: Error) => void; command: string }>();
  const events: DapMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    for (;;) {
      const headerEnd = buffered.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffered.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (buffered.length < headerEnd + 4 + length) return;
      const msg = JSON.parse(buffered.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as DapMessage;
      buffered = buffered.subarray(headerEnd + 4 + length);
      if (msg.type === 'response') {
        const p = pending.get(msg.request_seq!);
        pending.delete(msg.request_seq!);
        if (msg.success) p?.resolve(msg);
        else p?.reject(new Error(`${p.command} failed: ${msg.message ?? ''} ${JSON.stringify(msg.body ?? {})}`));
      } else if (msg.type === 'event') {
        events.push(msg);
        for (const w of waiters.splice(0)) w();
      }
    }
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  void closed.then(() => {
    for (const p of pending.values()) p.reject(new Error(`connection closed before the ${p.command} response`));
    pending.clear();
  });
  socket.on('error', () => undefined);
  return {
    request<T>(command: string, args?: object): Promise<T> {
      const message = JSON.stringify({ seq: seq, type: 'request', command, arguments: args ?? {} });
      const done = new Promise<DapMessage>((resolve, reject) => pending.set(seq, { resolve, reject, command }));
      seq++;
      socket.write(`Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
      return done.then((m) => (m.body ?? {}) as T);
    },
    async event(name: string, timeoutMs = 15000): Promise<DapMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = events.findIndex((e) => e.event === name);
        if (i >= 0) return events.splice(0, i + 1)[i]!;
        if (Date.now() > deadline) throw new Error(`no "${name}" event within ${timeoutMs} ms (got: ${events.map((e) => e.event).join(', ')})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200).unref();
        });
      }
    },
    close: () => socket.end(),
    closed,
  };
}
