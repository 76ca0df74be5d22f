// The port-forward sidecar's forwarder (server/forwarder/forwarder.c) and its Node side
// (server/src/docker/forwarderProtocol.ts): the framing alone, then the real binaries for
// both architectures (aarch64 under qemu-aarch64) carrying real TCP connections on this
// machine, the committed ones and, when the compilers are here, ones rebuilt from source.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeFrame, FrameDecoder, FrameType, ForwarderMux, openPayload, WINDOW } from '../../server/src/docker/forwarderProtocol';
import { dockerArch, forwarderBinary, singleFileTar } from '../../server/src/docker/forwarderBinary';

const ROOT = path.resolve(__dirname, '../../..');
const SOURCE_DIR = path.join(ROOT, 'server/forwarder');
const CI = process.env.CI === 'true';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, command)));
}

describe('forwarder framing', () => {
  it('encodes [type][id u32 BE][length u32 BE][payload] and decodes it back whatever the chunking', () => {
    const frames = [encodeFrame(FrameType.data, 7, Buffer.from('hello')), encodeFrame(FrameType.close, 0xfffffffe), encodeFrame(FrameType.window, 3, Buffer.from([0, 1, 0, 0]))];
    assert.deepEqual([...frames[0]], [2, 0, 0, 0, 7, 0, 0, 0, 5, 104, 101, 108, 108, 111]);
    const all = Buffer.concat(frames);
    for (const size of [1, 2, 5, 9, 13, all.length]) {
      const decoder = new FrameDecoder();
      const got = [];
      for (let at = 0; at < all.length; at += size) got.push(...decoder.push(all.subarray(at, at + size)));
      assert.deepEqual(got.map((f) => [f.type, f.id, f.payload.toString('hex')]), [
        [2, 7, Buffer.from('hello').toString('hex')],
        [3, 0xfffffffe, ''],
        [5, 3, '00010000'],
      ]);
    }
  });

  it('refuses a frame longer than the window (not a forwarder speaking)', () => {
    const header = Buffer.from([2, 0, 0, 0, 1, 0, 1, 0, 1]);
    assert.throws(() => new FrameDecoder().push(header), /not a forwarder frame \(length 65537\)/);
    assert.equal(WINDOW, 65536);
  });

  it('OPEN carries an IP address and port; a host name is refused (the forwarder has no resolver)', () => {
    assert.deepEqual([...openPayload('127.0.0.1', 8080)!], [4, 0x1f, 0x90, 127, 0, 0, 1]);
    assert.deepEqual([...openPayload('localhost', 80)!], [4, 0, 80, 127, 0, 0, 1]);
    assert.deepEqual([...openPayload('::1', 443)!], [6, 1, 0xbb, ...Array(15).fill(0), 1]);
    assert.deepEqual([...openPayload('[fe80::1:2]', 1)!].slice(3), [0xfe, 0x80, ...Array(10).fill(0), 0, 1, 0, 2]);
    assert.deepEqual([...openPayload('::ffff:10.0.0.1', 1)!].slice(3), [...Array(10).fill(0), 0xff, 0xff, 10, 0, 0, 1]);
    assert.equal(openPayload('db.internal', 5432), undefined);
    assert.equal(openPayload('fe80::1%eth0', 5432), undefined);
  });

  it('the tar put into the sidecar is one executable file the real tar reads', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forwarder-tar-'));
    try {
      const data = crypto.randomBytes(5000);
      fs.writeFileSync(path.join(dir, 'a.tar'), singleFileTar('distroless-forwarder', data));
      const listing = execFileSync('tar', ['-tvf', path.join(dir, 'a.tar')], { encoding: 'utf8' });
      assert.match(listing, /^-rwxr-xr-x 0\/0 +5000 .* distroless-forwarder\n$/);
      execFileSync('tar', ['-xf', path.join(dir, 'a.tar'), '-C', dir]);
      assert.ok(fs.readFileSync(path.join(dir, 'distroless-forwarder')).equals(data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the binary by Docker\'s, Podman\'s or uname\'s name of the architecture, and none for others', () => {
    assert.equal(dockerArch('x86_64'), 'amd64');
    assert.equal(dockerArch('aarch64'), 'arm64');
    assert.ok(forwarderBinary('amd64')?.equals(fs.readFileSync(path.join(SOURCE_DIR, 'bin/forwarder-amd64'))));
    assert.ok(forwarderBinary('aarch64')?.equals(fs.readFileSync(path.join(SOURCE_DIR, 'bin/forwarder-arm64'))));
    assert.equal(forwarderBinary('s390x'), undefined);
  });
});

describe('forwarder binaries (committed)', () => {
  it('were built from the forwarder.c in the tree (rerun server/forwarder/build.sh after changing it)', () => {
    const recorded = fs.readFileSync(path.join(SOURCE_DIR, 'bin/SOURCE.sha256'), 'utf8').trim();
    const actual = crypto.createHash('sha256').update(fs.readFileSync(path.join(SOURCE_DIR, 'forwarder.c'))).digest('hex');
    assert.equal(recorded, actual);
  });

  it('are small static executables for x86_64 and aarch64', () => {
    for (const [arch, machine] of [['amd64', 62], ['arm64', 183]] as const) {
      const elf = fs.readFileSync(path.join(SOURCE_DIR, `bin/forwarder-${arch}`));
      assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF');
      assert.equal(elf.readUInt16LE(18), machine);
      assert.ok(elf.length <= 20 * 1024, `${arch}: ${elf.length} bytes`);
      // No PT_INTERP (3) program header: nothing to load but itself.
      const phoff = Number(elf.readBigUInt64LE(32));
      const types = Array.from({ length: elf.readUInt16LE(56) }, (_, i) => elf.readUInt32LE(phoff + i * elf.readUInt16LE(54)));
      assert.ok(!types.includes(3), `${arch} is static`);
    }
  });
});

interface Runner {
  label: string;
  command: (binary: string) => [string, string[]];
  skip: string | false;
}

const nativeArch = process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined;
const emulator = (arch: string) => (arch === 'arm64' ? 'qemu-aarch64' : 'qemu-x86_64');
function runnerFor(arch: 'amd64' | 'arm64'): Runner {
  if (arch === nativeArch) return { label: arch, command: (b) => [b, []], skip: false };
  const qemu = emulator(arch);
  const skip = onPath(qemu) ? false : `${qemu} is not on PATH (Debian package qemu-user)`;
  if (skip && CI) throw new Error(`CI=true but ${skip}`);
  return { label: `${arch} under ${qemu}`, command: (b) => [qemu, [b]], skip };
}

const rebuilt = (() => {
  const missing = ['gcc', 'aarch64-linux-gnu-gcc'].filter((cc) => !onPath(cc));
  if (missing.length) {
    if (CI) throw new Error(`CI=true but ${missing.join(', ')} not on PATH (Debian packages gcc, gcc-aarch64-linux-gnu)`);
    return { dir: '', skip: `${missing.join(', ')} not on PATH (Debian packages gcc, gcc-aarch64-linux-gnu)` };
  }
  return { dir: '', skip: false as const };
})();

/** A forwarder process and its mux, with a local listener whose connections it carries to `port`. */
class Harness {
  readonly child: ChildProcess;
  readonly mux: ForwarderMux;
  readonly events: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly listeners: net.Server[] = [];

  constructor(command: [string, string[]]) {
    this.child = spawn(command[0], command[1], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.mux = new ForwarderMux((bytes) => this.child.stdin!.write(bytes));
    this.child.stdout!.on('data', (chunk: Buffer) => this.mux.receive(chunk));
    this.child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      this.mux.end(new Error('the forwarder exited'));
      resolve(code);
    }));
  }

  /** Local connections to the returned port are carried to remotePort. */
  async listen(remotePort: number): Promise<number> {
    const listener = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) =>
      this.mux.connect(socket, '127.0.0.1', remotePort, {
        opened: () => this.events.push('opened'),
        failed: (why) => this.events.push(`failed: ${why}`),
        closed: (why) => this.events.push(why ? `closed: ${why}` : 'closed'),
      }));
    this.listeners.push(listener);
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    return (listener.address() as net.AddressInfo).port;
  }

  async stop(): Promise<number | null> {
    for (const l of this.listeners) l.close();
    this.child.stdin!.end();
    return this.exited;
  }
}

async function server(onSocket: (s: net.Socket) => void): Promise<{ port: number; server: net.Server }> {
  const srv = net.createServer({ allowHalfOpen: true }, onSocket);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, server: srv };
}

function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.end(data));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

function outcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('x'));
    socket.on('data', () => undefined);
    socket.on('end', () => resolve('end'));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function protocolSuite(label: string, binaryOf: () => string, runner: Runner, skip: string | false): void {
  describe(`forwarder ${label}, ${runner.label}`, { skip: runner.skip || skip, timeout: 120000 }, () => {
    let echo: { port: number; server: net.Server };
    let firehose: { port: number; server: net.Server };
    const firehoseClosed: Array<() => void> = [];
    let h: Harness;

    before(async () => {
      echo = await server((s) => s.pipe(s));
      // Writes until its client goes away, then says so.
      firehose = await server((s) => {
        const block = Buffer.alloc(32 * 1024, 0x5a);
        const pump = () => {
          while (!s.destroyed && s.write(block));
        };
        s.on('drain', pump);
        s.on('error', () => undefined);
        s.on('close', () => firehoseClosed.shift()?.());
        pump();
      });
      h = new Harness(runner.command(binaryOf()));
      assert.equal(await h.mux.ready, 'distroless-forwarder 1');
    });

    after(async () => {
      echo?.server.close();
      firehose?.server.close();
      if (h) assert.equal(await h.stop(), 0, 'stdin EOF ends the forwarder with 0');
    });

    it('carries 200 concurrent connections, each its own bytes both ways with half-close, and big ones past the window', async () => {
      const port = await h.listen(echo.port);
      const payloads = Array.from({ length: 200 }, (_, i) => crypto.randomBytes(i % 50 === 0 ? 3 * WINDOW + 123 : 1000 + i * 37));
      const back = await Promise.all(payloads.map((p) => roundTrip(port, p)));
      back.forEach((b, i) => assert.ok(b.equals(payloads[i]), `connection ${i}: ${b.length} of ${payloads[i].length} bytes`));
      await waitUntil(() => h.mux.size === 0);
      assert.equal(h.events.filter((e) => e === 'opened').length, 200);
      assert.equal(h.events.filter((e) => e === 'closed').length, 200);
    });

    it('a closed port fails that connection (reset, the errno text) while the others keep working', async () => {
      const closed = await server(() => undefined);
      closed.server.close();
      const h2 = new Harness(runner.command(binaryOf()));
      try {
        const refused = await h2.listen(closed.port);
        const ok = await h.listen(echo.port);
        const [a, b, c] = await Promise.all([outcome(refused), roundTrip(ok, Buffer.from('still here')), outcome(refused)]);
        assert.equal(a, 'ECONNRESET');
        assert.equal(c, 'ECONNRESET');
        assert.equal(b.toString(), 'still here');
        assert.deepEqual(h2.events, ['failed: Connection refused', 'failed: Connection refused']);
      } finally {
        assert.equal(await h2.stop(), 0);
      }
    });

    it('a client that never reads holds back only its own stream; hanging up mid-stream closes the far socket', async () => {
      const port = await h.listen(firehose.port);
      const stalled = net.connect({ host: '127.0.0.1', port });
      stalled.pause();
      stalled.on('error', () => undefined);
      await new Promise((r) => stalled.once('connect', r));
      await new Promise((r) => setTimeout(r, 300));
      // Head-of-line: the stalled stream's window is full, yet new streams flow.
      const echoPort = await h.listen(echo.port);
      const data = crypto.randomBytes(4 * WINDOW);
      assert.ok((await roundTrip(echoPort, data)).equals(data));
      // A reader that takes some and hangs up; then the stalled one hangs up.
      const farClosed = new Promise<void>((r) => firehoseClosed.push(r));
      await new Promise<void>((resolve) => {
        const reader = net.connect({ host: '127.0.0.1', port });
        let got = 0;
        reader.on('data', (d: Buffer) => {
          got += d.length;
          if (got > 5 * WINDOW) {
            reader.destroy();
            resolve();
          }
        });
      });
      await farClosed;
      const stalledClosed = new Promise<void>((r) => firehoseClosed.push(r));
      stalled.destroy();
      await stalledClosed;
      await waitUntil(() => h.mux.size === 0);
    });
  });
}


async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

for (const arch of ['amd64', 'arm64'] as const) {
  const runner = runnerFor(arch);
  protocolSuite('committed', () => path.join(SOURCE_DIR, `bin/forwarder-${arch}`), runner, false);
  protocolSuite('rebuilt from forwarder.c', () => {
    if (!rebuilt.dir) {
      rebuilt.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forwarder-build-'));
      execFileSync('bash', [path.join(SOURCE_DIR, 'build.sh'), rebuilt.dir], { stdio: 'ignore' });
    }
    return path.join(rebuilt.dir, `forwarder-${arch}`);
  }, runner, rebuilt.skip);
}

process.on('exit', () => {
  if (rebuilt.dir) fs.rmSync(rebuilt.dir, { recursive: true, force: true });
});
