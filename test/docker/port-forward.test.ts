import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import { FORWARD_PORT_LABEL, PortForward, PortUnavailableError, SIDECAR_LABEL, TargetNotRunningError } from '../../server/src/docker';
import { engineOrSkip, findEngine } from './engine';
import { buildStandins } from './standins';
import { ensureShelllessImage, ensureToolsImage, INDEX_TEXT, removeTestContainersNamed, startBuiltCli, startTarget, waitFor } from './fixtures';

const PREFIX = 'distroless-pf-test';
/** A shell-less echo server with a listen backlog of 1024 (stand-in image, test/docker/standins.sh). */
const NODE_IMAGE = 'gcr.io/distroless/nodejs22-debian13:nonroot';
const NODE_ECHO = "require('net').createServer({ allowHalfOpen: true }, (s) => s.pipe(s)).listen(9000, '127.0.0.1', 1024)";
/** Our own label: other worktrees' runs remove every TEST_LABEL container when they start. */
const LABEL = 'io.distroless.test.portforward';

function httpGet(port: number, path = '/index.html'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Sends `data`, half-closes, and collects everything until the far side closes. */
function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.end(data));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

/** Resolves with the error code a connection ends with, or 'end' for an orderly close. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('GET / HTTP/1.0\r\n\r\n'));
    socket.on('data', () => undefined);
    socket.on('end', () => resolve('end'));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('port-forward against a real engine', { concurrency: false }, () => {
  const open: PortForward[] = [];

  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await removeTestContainersNamed(engine.docker, PREFIX, LABEL);
    await ensureToolsImage(engine.docker);
    await ensureShelllessImage(engine.docker);
  });

  after(async () => {
    for (const f of open) await f.close();
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeTestContainersNamed(engine.docker, PREFIX, LABEL);
  });

  it('reaches a port the shell-less target listens on only on its own 127.0.0.1, without publishing anything', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    // NetworkMode none: the only way in is through the target's own network namespace.
    await startTarget(engine.docker, { name: `${PREFIX}-http`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const forward = await engine.openPortForward({ target: `${PREFIX}-http`, remotePort: 8080 });
    open.push(forward);
    assert.ok(forward.localPort > 0);
    assert.equal(forward.description, `127.0.0.1:${forward.localPort} → ${PREFIX}-http:8080`);
    const first = await httpGet(forward.localPort);
    assert.equal(first.status, 200);
    assert.equal(first.body, INDEX_TEXT + '\n');
    // Several connections at once, each its own exec.
    const many = await Promise.all([1, 2, 3, 4].map(() => httpGet(forward.localPort)));
    assert.deepEqual(many.map((r) => r.body), [1, 2, 3, 4].map(() => INDEX_TEXT + '\n'));

    // The sidecar is labelled as a forward of this target, runs as the target's user, with no capabilities.
    const info = await engine.docker.getContainer(forward.sidecarId).inspect();
    assert.equal(info.Config.Labels[SIDECAR_LABEL], forward.target.id);
    assert.equal(info.Config.Labels[FORWARD_PORT_LABEL], '8080');
    assert.equal(info.Config.User, '65532:65532');
    assert.deepEqual(info.HostConfig.CapDrop, ['ALL']);
    assert.equal(info.HostConfig.NetworkMode, `container:${forward.target.id}`);
    // The target itself is untouched: nothing published.
    const target = await engine.docker.getContainer(`${PREFIX}-http`).inspect();
    assert.deepEqual(target.HostConfig.PortBindings ?? {}, {});

    const end = await forward.close();
    assert.equal(end.reason, 'closed');
    await waitFor('sidecar removed', async () => (await engine.docker.getContainer(forward.sidecarId).inspect().then(() => undefined, () => true)));
    assert.notEqual(await connectOutcome(forward.localPort), 'end', 'the local port is closed after close()');
  });

  it('carries binary data both ways with half-close, and runs several forwards at once', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    // An echo server (busybox nc -e cat) in a shell-less target.
    await startTarget(engine.docker, { name: `${PREFIX}-echo`, label: LABEL, cmd: ['nc', '-ll', '-p', '9000', '-e', 'cat'] });
    const echo = await engine.openPortForward({ target: `${PREFIX}-echo`, remotePort: 9000 });
    open.push(echo);
    const payload = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const back = await roundTrip(echo.localPort, payload);
    assert.equal(back.length, payload.length);
    assert.ok(back.equals(payload), 'echoed bytes are identical');

    await startTarget(engine.docker, { name: `${PREFIX}-web2`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const web = await engine.openPortForward({ target: `${PREFIX}-web2`, remotePort: 8080 });
    open.push(web);
    const [a, b] = await Promise.all([roundTrip(echo.localPort, Buffer.from('ping')), httpGet(web.localPort)]);
    assert.equal(a.toString(), 'ping');
    assert.equal(b.body, INDEX_TEXT + '\n');
    await echo.close();
    // Closing one leaves the other working.
    assert.equal((await httpGet(web.localPort)).body, INDEX_TEXT + '\n');
    await web.close();
  });

  it('clients that disconnect mid-stream, many times on one forward, raise no MaxListenersExceededWarning', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    // An endless stream: every connection gets zeros until it goes away.
    await startTarget(engine.docker, { name: `${PREFIX}-zero`, label: LABEL, cmd: ['nc', '-ll', '-p', '9000', '-e', 'cat', '/dev/zero'] });
    const forward = await engine.openPortForward({ target: `${PREFIX}-zero`, remotePort: 9000 });
    open.push(forward);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const closed = new Promise<void>((resolve) => {
        let n = 0;
        forward.onEvent((e) => e.kind !== 'connection-opened' && ++n === 30 && resolve());
      });
      // Half read a little and hang up; half never read (their socket fills) and hang up.
      for (let i = 0; i < 30; i++) {
        await new Promise<void>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port: forward.localPort });
          socket.on('error', reject);
          if (i % 2 === 0) {
            let got = 0;
            socket.on('data', (d: Buffer) => {
              got += d.length;
              if (got > 256 * 1024) {
                socket.destroy();
                resolve();
              }
            });
          } else {
            socket.pause();
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 150);
          }
        });
      }
      await closed;
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      assert.equal(forward.activeConnections, 0);
      assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
      // The forward still works after all that.
      const bytes = await new Promise<number>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port: forward.localPort });
        socket.once('data', (d: Buffer) => {
          socket.destroy();
          resolve(d.length);
        });
      });
      assert.ok(bytes > 0);
    } finally {
      process.off('warning', onWarning);
    }
    await forward.close();
  });

  it('one exec of the forwarder carries 200 concurrent connections echoing random bytes; a closed port fails per connection meanwhile', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    // A shell-less Node.js target with a real listen backlog: busybox's nc and httpd listen
    // with a backlog of 1 and 9, and 200 connections at once overflow them (SYN retries, resets).
    await buildStandins();
    await startTarget(engine.docker, { name: `${PREFIX}-many`, label: LABEL, image: NODE_IMAGE, cmd: ['-e', NODE_ECHO] });
    const since = Math.floor(Date.now() / 1000) - 1;
    const forward = await engine.openPortForward({ target: `${PREFIX}-many`, remotePort: 9000 });
    open.push(forward);
    const closedPort = await engine.openPortForward({ target: `${PREFIX}-many`, remotePort: 9999 });
    open.push(closedPort);
    assert.equal(forward.carrier, 'forwarder');
    const notes: string[] = [];
    forward.onEvent((e) => e.kind !== 'connection-opened' && e.message && notes.push(e.message));
    const failures: string[] = [];
    closedPort.onEvent((e) => e.kind === 'connection-failed' && failures.push(e.message ?? ''));
    await waitFor('the target listening', async () => (await roundTrip(forward.localPort, Buffer.from('up')).catch(() => Buffer.alloc(0))).toString() === 'up' || undefined);

    let started = process.hrtime.bigint();
    assert.equal((await roundTrip(forward.localPort, Buffer.from('one'))).toString(), 'one');
    const oneMs = Number(process.hrtime.bigint() - started) / 1e6;
    const payloads = Array.from({ length: 200 }, (_, i) => crypto.randomBytes(i % 40 === 0 ? 300 * 1024 : 2000 + i));
    started = process.hrtime.bigint();
    const [back, refused] = await Promise.all([
      Promise.all(payloads.map((p) => roundTrip(forward.localPort, p).catch((err: Error) => Buffer.from(err.message)))),
      Promise.all([1, 2, 3].map(() => connectOutcome(closedPort.localPort))),
    ]);
    const manyMs = Number(process.hrtime.bigint() - started) / 1e6;
    t.diagnostic(`forwarder: 1 connection ${oneMs.toFixed(0)} ms, 200 concurrent ${manyMs.toFixed(0)} ms (${(manyMs / oneMs).toFixed(1)}x)`);
    assert.deepEqual(notes, []);
    back.forEach((b, i) => assert.ok(b.equals(payloads[i]), `connection ${i}: ${b.length} of ${payloads[i].length} bytes`));
    assert.deepEqual(refused, ['ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
    await waitFor('three failures reported', async () => (failures.length === 3 ? true : undefined));
    for (const f of failures) assert.equal(f, `Nothing accepted the connection on 127.0.0.1:9999 inside ${PREFIX}-many: Connection refused`);

    // The engine's own record: the sidecar got exactly one exec, the forwarder.
    const events = await engine.docker.getEvents({ since, until: Math.ceil(Date.now() / 1000), filters: { container: [forward.sidecarId] } });
    const text = await new Promise<string>((resolve) => {
      let body = '';
      events.on('data', (d: Buffer) => (body += d.toString()));
      events.on('end', () => resolve(body));
    });
    const execs = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { Action: string }).filter((e) => e.Action.startsWith('exec_create'));
    assert.deepEqual(execs.map((e) => e.Action.trim()), ['exec_create: /distroless-forwarder']);
    await forward.close();
    await closedPort.close();
  });

  it('with execPerConnection (as when the forwarder cannot run) every connection is its own exec of nc, said once', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await buildStandins();
    await startTarget(engine.docker, { name: `${PREFIX}-nc`, label: LABEL, image: NODE_IMAGE, cmd: ['-e', NODE_ECHO] });
    const forward = await engine.openPortForward({ target: `${PREFIX}-nc`, remotePort: 9000, execPerConnection: true });
    open.push(forward);
    const fallbacks: string[] = [];
    forward.onEvent((e) => e.kind === 'fallback' && fallbacks.push(e.message ?? ''));
    assert.equal(forward.carrier, 'exec-per-connection');
    await waitFor('the target listening', async () => (await roundTrip(forward.localPort, Buffer.from('up')).catch(() => Buffer.alloc(0))).toString() === 'up' || undefined);
    const count = Number(process.env.DISTROLESS_PF_NC_CONNECTIONS ?? 10);
    let started = process.hrtime.bigint();
    assert.equal((await roundTrip(forward.localPort, Buffer.from('one'))).toString(), 'one');
    const oneMs = Number(process.hrtime.bigint() - started) / 1e6;
    const payloads = Array.from({ length: count }, (_, i) => crypto.randomBytes(2000 + i));
    started = process.hrtime.bigint();
    const back = await Promise.all(payloads.map((p) => roundTrip(forward.localPort, p)));
    const manyMs = Number(process.hrtime.bigint() - started) / 1e6;
    t.diagnostic(`exec per connection: 1 connection ${oneMs.toFixed(0)} ms, ${count} concurrent ${manyMs.toFixed(0)} ms (${(manyMs / oneMs).toFixed(1)}x)`);
    back.forEach((b, i) => assert.ok(b.equals(payloads[i])));
    assert.deepEqual(fallbacks, [`Forwarding ${forward.description} with one exec of nc per connection (slower): asked for.`]);
    await forward.close();
  });

  it('a port nothing listens on: the client gets a reset and the forward reports why', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-closed`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const forward = await engine.openPortForward({ target: `${PREFIX}-closed`, remotePort: 9999 });
    open.push(forward);
    const failed = new Promise<string>((resolve) => forward.onEvent((e) => e.kind === 'connection-failed' && resolve(e.message ?? '')));
    assert.equal(await connectOutcome(forward.localPort), 'ECONNRESET');
    assert.match(await failed, /^Nothing accepted the connection on 127\.0\.0\.1:9999 inside distroless-pf-test-closed: .*(refused|can't connect)/);
    await forward.close();
  });

  it('a stopped target ends the forward with a message and leaves nothing behind', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-stop`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const forward = await engine.openPortForward({ target: `${PREFIX}-stop`, remotePort: 8080, localPort: 0 });
    open.push(forward);
    await target.stop({ t: 0 });
    const end = await forward.ended;
    assert.equal(end.reason, 'target-stopped');
    assert.equal(end.message, `Target container ${PREFIX}-stop stopped; stopped forwarding 127.0.0.1:${forward.localPort} → ${PREFIX}-stop:8080.`);
    const left = await engine.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${forward.target.id}`] } });
    assert.deepEqual(left.map((c) => c.Id), []);
  });

  it('refuses a local port in use, a stopped target and a bad port with one clear line, creating nothing', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-bad`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as net.AddressInfo).port;
    try {
      await assert.rejects(engine.openPortForward({ target: `${PREFIX}-bad`, remotePort: 8080, localPort: busyPort }), (err: Error) => {
        assert.ok(err instanceof PortUnavailableError);
        assert.match(err.message, new RegExp(`^Local port 127\\.0\\.0\\.1:${busyPort} is already in use; pick another local port, e\\.g\\. "\\d*:8080" \\(or ":8080" for any free one\\)\\.$`));
        return true;
      });
    } finally {
      busy.close();
    }
    await assert.rejects(engine.openPortForward({ target: `${PREFIX}-bad`, remotePort: 70000 }), PortUnavailableError);
    const sidecars = await engine.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${(await target.inspect()).Id}`] } });
    assert.deepEqual(sidecars, [], 'no sidecar was created for refused requests');
    await target.stop({ t: 0 });
    await assert.rejects(engine.openPortForward({ target: `${PREFIX}-bad`, remotePort: 8080 }), TargetNotRunningError);
  });
});

describe('distroless port-forward (the built CLI as a process)', { concurrency: false }, () => {
  after(async () => {
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeTestContainersNamed(engine.docker, `${PREFIX}-cli`, LABEL);
  });

  const startCli = (args: string[]) => startBuiltCli(['port-forward', ...args]);

  it('forwards two ports until Ctrl+C (SIGINT), then removes its sidecars and exits 0', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-cli`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const targetId = (await target.inspect()).Id;
    const { child, out, exited } = startCli([`${PREFIX}-cli`, ':8080', '0:8080']);
    const ports = await waitFor('two Forwarding lines', async () => {
      const m = [...out.stdout.matchAll(/^Forwarding 127\.0\.0\.1:(\d+) -> distroless-pf-test-cli:8080$/gm)].map((x) => Number(x[1]));
      return m.length === 2 && out.stdout.includes('Press Ctrl+C to stop.') ? m : undefined;
    }, 30000);
    for (const port of ports) assert.equal((await httpGet(port)).body, INDEX_TEXT + '\n');
    const sidecars = await engine.docker.listContainers({ filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } });
    assert.equal(sidecars.length, 2);
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(out.stderr, '');
    const left = await engine.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } });
    assert.deepEqual(left, []);
  });

  it('a killed CLI (SIGKILL, no cleanup code runs) leaves no sidecar behind: the engine closes its stdin and it exits', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-cli-kill`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const targetId = (await target.inspect()).Id;
    const { child, out, exited } = startCli([`${PREFIX}-cli-kill`, ':8080']);
    await waitFor('Forwarding line', async () => /^Forwarding /m.exec(out.stdout)?.[0], 30000);
    assert.equal((await engine.docker.listContainers({ filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } })).length, 1);
    child.kill('SIGKILL');
    await exited;
    await waitFor('the sidecar gone after its owner was killed', async () =>
      (await engine.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } })).length === 0 ? true : undefined, 15000);
  });

  it('exits 1 with a message when the target stops', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-cli-stop`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const { out, exited } = startCli([`${PREFIX}-cli-stop`, ':8080']);
    const port = await waitFor('Forwarding line', async () => /^Forwarding 127\.0\.0\.1:(\d+)/m.exec(out.stdout)?.[1], 30000);
    await target.stop({ t: 0 });
    assert.equal(await exited, 1);
    assert.equal(out.stderr, `distroless port-forward: Target container ${PREFIX}-cli-stop stopped; stopped forwarding 127.0.0.1:${port} → ${PREFIX}-cli-stop:8080.\n`);
  });

  it('exits 125 with one line when the target is not running or the local port is taken', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-cli-bad`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as net.AddressInfo).port;
    try {
      const inUse = startCli([`${PREFIX}-cli-bad`, `${busyPort}:8080`]);
      assert.equal(await inUse.exited, 125);
      assert.match(inUse.out.stderr, new RegExp(`^distroless port-forward: Local port 127\\.0\\.0\\.1:${busyPort} is already in use; [^\\n]*\\n$`));
    } finally {
      busy.close();
    }
    await target.stop({ t: 0 });
    const stopped = startCli([`${PREFIX}-cli-bad`, '8080']);
    assert.equal(await stopped.exited, 125);
    assert.match(stopped.out.stderr, /^distroless port-forward: Container "distroless-pf-test-cli-bad" is not running \(state: exited\)\. [^\n]*\n$/);
  });
});
