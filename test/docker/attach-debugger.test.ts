import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import type Docker from 'dockerode';
import { DEBUGGER_LABEL, DebuggerSession, DockerService, DebuggerUnavailableError, PtraceNotAllowedError, SIDECAR_LABEL } from '../../server/src/docker';
import { connectDap } from '../support/dapClient';
import { cdpClient, connectWebSocket } from '../../server/src/docker/webSocket';
import { engineOrSkip, findEngine } from './engine';
import { ensureShelllessImage, ensureToolsImage, removeTestContainersNamed, startBuiltCli, startTarget, waitFor } from './fixtures';
import { DELVE_IMAGE, ensureGoImages, ensureNodeAppImage, GO_APP_IMAGE, GO_APP_NAMED_NODE_IMAGE, NODE_APP_IMAGE } from './debuggerFixtures';

const PREFIX = 'distroless-dbg-test';
const LABEL = 'io.distroless.test.debugger';

async function sidecarsOf(docker: Docker, targetId: string) {
  return docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } });
}

async function startNodeApp(docker: Docker, name: string) {
  const container = await startTarget(docker, { name, label: LABEL, image: NODE_APP_IMAGE });
  const info = await container.inspect();
  return { container, id: info.Id, startedAt: info.State.StartedAt, config: JSON.stringify(info.Config) };
}

/** The target kept running, was not restarted and its configuration is unchanged. */
async function assertUntouched(docker: Docker, before: { id: string; startedAt: string; config: string }) {
  const now = await docker.getContainer(before.id).inspect();
  assert.equal(now.State.Running, true);
  assert.equal(now.State.StartedAt, before.startedAt);
  assert.equal(now.RestartCount, 0);
  assert.equal(JSON.stringify(now.Config), before.config);
}

/** Whether anything answers the inspector's /json/list on the target's 127.0.0.1:9229 (through a forward of our own). */
async function inspectorOn(engine: DockerService, id: string): Promise<boolean> {
  const forward = await engine.openPortForward({ target: id, remotePort: 9229 });
  try {
    return await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: forward.localPort, path: '/json/list', agent: false, timeout: 3000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
  } finally {
    await forward.close();
  }
}

async function evaluateThrough(webSocketUrl: string) {
  const ws = await connectWebSocket(webSocketUrl);
  const cdp = cdpClient(ws);
  try {
    return {
      uid: await cdp.evaluate('process.getuid()'),
      pid: await cdp.evaluate('process.pid'),
      script: await cdp.evaluate('process.argv[1]'),
    };
  } finally {
    ws.close();
  }
}

describe('attach-debugger against a real engine (Node.js)', { concurrency: false }, () => {
  const open: DebuggerSession[] = [];

  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await removeTestContainersNamed(engine.docker, PREFIX, LABEL);
    await ensureToolsImage(engine.docker);
    await ensureShelllessImage(engine.docker);
    await ensureNodeAppImage();
  });

  after(async () => {
    for (const s of open) await s.close();
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeTestContainersNamed(engine.docker, PREFIX, LABEL);
  });

  it('turns on the inspector of the shell-less Node.js target with SIGUSR1 and evaluates inside it through the forward', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startNodeApp(engine.docker, `${PREFIX}-node`);
    const session = await engine.attachDebugger({ target: `${PREFIX}-node` });
    open.push(session);
    assert.equal(session.runtime, 'node');
    assert.deepEqual(
      { pid: session.process.pid, uid: session.process.uid, gid: session.process.gid, argv: session.process.argv, cwd: session.process.cwd },
      { pid: 1, uid: 65532, gid: 65532, argv: ['/nodejs/bin/node', 'server.js'], cwd: '/app' },
    );
    // Only this machine's loopback: nothing published, nothing on other interfaces.
    assert.equal(session.localAddress, '127.0.0.1');
    assert.match(session.inspector!.webSocketUrl, new RegExp(`^ws://127\\.0\\.0\\.1:${session.localPort}/[0-9a-f-]{36}$`));
    assert.equal(session.inspector!.devtoolsUrl, `devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=127.0.0.1:${session.localPort}/${session.inspector!.id}`);
    assert.equal(session.inspector!.title, 'server.js');
    assert.deepEqual(await evaluateThrough(session.inspector!.webSocketUrl), { uid: 65532, pid: 1, script: '/app/server.js' });
    const published = await engine.docker.getContainer(target.id).inspect();
    assert.deepEqual(published.NetworkSettings.Ports ?? {}, {});
    const end = await session.close();
    assert.equal(end.reason, 'closed');
    assert.deepEqual(await sidecarsOf(engine.docker, target.id), []);
    await assertUntouched(engine.docker, target);
    // The inspector we turned on is off again: nothing stays listening in the target.
    await waitFor('the inspector closed', async () => ((await inspectorOn(engine, target.id)) ? undefined : true), 5000);
  });

  it('closing while a debugger is still connected leaves the target running and its inspector on (no inspector.close() under a live session)', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startNodeApp(engine.docker, `${PREFIX}-node-busy`);
    const session = await engine.attachDebugger({ target: `${PREFIX}-node-busy` });
    open.push(session);
    // A debugger that has not disconnected (VS Code's can still be detaching when the session's end reaches us).
    const ws = await connectWebSocket(session.inspector!.webSocketUrl);
    const cdp = cdpClient(ws);
    await cdp.call('Runtime.enable');
    await cdp.call('Debugger.enable');
    try {
      const end = await session.close();
      assert.equal(end.reason, 'closed');
    } finally {
      ws.close();
    }
    assert.deepEqual(await sidecarsOf(engine.docker, target.id), []);
    await new Promise((r) => setTimeout(r, 1500));
    await assertUntouched(engine.docker, target);
    assert.equal(await inspectorOn(engine, target.id), true, 'left on rather than closed under the live session');
  });

  it('an inspector the target was started with stays on after the session', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const container = await startTarget(engine.docker, { name: `${PREFIX}-node-inspect`, label: LABEL, image: NODE_APP_IMAGE, cmd: ['--inspect=127.0.0.1:9229', 'server.js'] });
    const id = (await container.inspect()).Id;
    await waitFor('the inspector on from the start', async () => ((await inspectorOn(engine, id)) ? true : undefined), 10000);
    const session = await engine.attachDebugger({ target: `${PREFIX}-node-inspect` });
    open.push(session);
    assert.equal((await evaluateThrough(session.inspector!.webSocketUrl)).script, '/app/server.js');
    await session.close();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await inspectorOn(engine, id), true);
  });

  it('a local port in use fails before the target is touched: no inspector turned on, no sidecar left', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startNodeApp(engine.docker, `${PREFIX}-node-busyport`);
    const busy = net.createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    try {
      const port = (busy.address() as net.AddressInfo).port;
      await assert.rejects(engine.attachDebugger({ target: `${PREFIX}-node-busyport`, localPort: port }), new RegExp(`^\\w+: Local port 127\\.0\\.0\\.1:${port} is already in use`));
    } finally {
      busy.close();
    }
    await waitFor('one-shot sidecars gone', async () => ((await sidecarsOf(engine.docker, target.id)).length === 0 ? true : undefined), 10000);
    assert.equal(await inspectorOn(engine, target.id), false);
    await assertUntouched(engine.docker, target);
  });

  it('a target running as root: the listing (with the target\'s capabilities) reads its working directory, SIGUSR1 as root', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const container = await startTarget(engine.docker, { name: `${PREFIX}-node-root`, label: LABEL, image: NODE_APP_IMAGE, user: '0:0' });
    const id = (await container.inspect()).Id;
    const session = await engine.attachDebugger({ target: `${PREFIX}-node-root` });
    open.push(session);
    assert.deepEqual({ uid: session.process.uid, cwd: session.process.cwd, exe: session.process.exe }, { uid: 0, cwd: '/app', exe: '/nodejs/bin/node' });
    assert.deepEqual(await evaluateThrough(session.inspector!.webSocketUrl), { uid: 0, pid: 1, script: '/app/server.js' });
    await session.close();
    assert.deepEqual(await sidecarsOf(engine.docker, id), []);
  });

  it('names what a non-Node.js, non-Go target would need, creating nothing that stays', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-busybox`, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const id = (await target.inspect()).Id;
    await assert.rejects(engine.attachDebugger({ target: `${PREFIX}-busybox` }), (err: Error) => {
      assert.ok(err instanceof DebuggerUnavailableError);
      assert.equal(
        err.message,
        `Not a Node.js or Go process: only Node.js (inspector) and Go (Delve) can be attached (PID 1 in ${PREFIX}-busybox: /usr/local/bin/busybox httpd -f -p 127.0.0.1:8080 -h /www). See https://github.com/distroless-tools/distroless-vscode/blob/main/docs/debugging.md#attach-a-debugger`,
      );
      return true;
    });
    await assert.rejects(engine.attachDebugger({ target: `${PREFIX}-busybox`, pid: 77 }), /^DebuggerUnavailableError: No process 77 in distroless-dbg-test-busybox\. Its processes:\n    1  65532:65532  other   \/usr\/local\/bin\/busybox httpd/);
    await waitFor('one-shot sidecars gone', async () => ((await sidecarsOf(engine.docker, id)).length === 0 ? true : undefined), 10000);
  });
});

describe('distroless attach-debugger (the built CLI as a process)', { concurrency: false }, () => {
  after(async () => {
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeTestContainersNamed(engine.docker, `${PREFIX}-cli`, LABEL);
  });

  const startCli = (args: string[]) => startBuiltCli(['attach-debugger', ...args]);

  async function attached(out: { stdout: string }) {
    return waitFor('the inspector address', async () => /^ {2}(ws:\/\/127\.0\.0\.1:(\d+)\/[0-9a-f-]+)$/m.exec(out.stdout) ?? undefined, 60000);
  }

  it('prints the ws:// and DevTools addresses, evaluates through them, and Ctrl+C removes the sidecars leaving the target running', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startNodeApp(engine.docker, `${PREFIX}-cli`);
    const { child, out, exited } = startCli([`${PREFIX}-cli`]);
    const [, wsUrl, port] = await attached(out);
    const id = wsUrl!.slice(wsUrl!.lastIndexOf('/') + 1);
    await waitFor('the prompt', async () => (out.stdout.includes('Press Ctrl+C') ? true : undefined));
    assert.equal(
      out.stdout,
      [
        `Inspector of process 1 (/nodejs/bin/node server.js) in ${PREFIX}-cli, as 65532:65532`,
        `  ${wsUrl}`,
        `DevTools: devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=127.0.0.1:${port}/${id}`,
        `VS Code: attach a "node" debug session to 127.0.0.1:${port}`,
        'Press Ctrl+C to stop (the container keeps running).',
        '',
      ].join('\n'),
    );
    assert.equal(out.stderr, 'Turning on the inspector of process 1 (/nodejs/bin/node server.js) with SIGUSR1, as 65532:65532\n');
    assert.deepEqual(await evaluateThrough(wsUrl!), { uid: 65532, pid: 1, script: '/app/server.js' });
    assert.equal((await sidecarsOf(engine.docker, target.id)).length, 1);
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.deepEqual(await sidecarsOf(engine.docker, target.id), []);
    await assertUntouched(engine.docker, target);
  });

  it('a killed CLI (SIGKILL) leaves no sidecar behind and the target running', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startNodeApp(engine.docker, `${PREFIX}-cli-kill`);
    const { child, out, exited } = startCli([`${PREFIX}-cli-kill`, '--port', ':9229']);
    const [, wsUrl] = await attached(out);
    assert.equal((await evaluateThrough(wsUrl!)).uid, 65532);
    child.kill('SIGKILL');
    await exited;
    await waitFor('the sidecar gone after its owner was killed', async () => ((await sidecarsOf(engine.docker, target.id)).length === 0 ? true : undefined), 15000);
    await assertUntouched(engine.docker, target);
  });

  it('exits 1 with a message when the target stops', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startNodeApp(engine.docker, `${PREFIX}-cli-stop`);
    const { out, exited } = startCli([`${PREFIX}-cli-stop`]);
    const [, , port] = await attached(out);
    await target.container.stop({ t: 0 });
    assert.equal(await exited, 1);
    assert.match(out.stderr, new RegExp(`\\ndistroless attach-debugger: Target container ${PREFIX}-cli-stop stopped; stopped forwarding 127\\.0\\.0\\.1:${port} → ${PREFIX}-cli-stop:9229\\.\\n$`));
    assert.deepEqual(await sidecarsOf(engine.docker, target.id), []);
  });

  it('exits 125 with one line for a stopped or unknown container', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startNodeApp(engine.docker, `${PREFIX}-cli-stopped`);
    await target.container.stop({ t: 0 });
    const stopped = startCli([`${PREFIX}-cli-stopped`]);
    assert.equal(await stopped.exited, 125);
    assert.match(stopped.out.stderr, /^distroless attach-debugger: [^\n]*distroless-dbg-test-cli-stopped[^\n]*\n$/);
    const unknown = startCli([`${PREFIX}-cli-nonexistent`]);
    assert.equal(await unknown.exited, 125);
    assert.match(unknown.out.stderr, /^distroless attach-debugger: [^\n]+\n$/);
  });
});

describe('attach-debugger against a real engine (Go, Delve)', { concurrency: false }, () => {
  const open: DebuggerSession[] = [];

  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await removeTestContainersNamed(engine.docker, `${PREFIX}-go`, LABEL);
    await ensureToolsImage(engine.docker);
    await ensureGoImages();
  });

  after(async () => {
    for (const s of open) await s.close();
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeTestContainersNamed(engine.docker, `${PREFIX}-go`, LABEL);
  });

  async function startGoApp(docker: Docker, name: string) {
    const container = await startTarget(docker, { name, label: LABEL, image: GO_APP_IMAGE });
    const info = await container.inspect();
    return { container, id: info.Id, startedAt: info.State.StartedAt, config: JSON.stringify(info.Config) };
  }

  it('refuses without a Delve image, and without the user allowing SYS_PTRACE, creating nothing', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startGoApp(engine.docker, `${PREFIX}-go-refused`);
    await assert.rejects(engine.attachDebugger({ target: `${PREFIX}-go-refused` }), (err: Error) => {
      assert.ok(err instanceof DebuggerUnavailableError);
      assert.match(err.message, /^Process 1 in distroless-dbg-test-go-refused is a Go program: attaching needs Delve from a tools image that has dlv and sh \(--tools-image, setting distroless\.debugger\.goImage\)\./);
      return true;
    });
    await assert.rejects(engine.attachDebugger({ target: `${PREFIX}-go-refused`, goImage: DELVE_IMAGE }), (err: Error) => {
      assert.ok(err instanceof PtraceNotAllowedError);
      assert.equal(err.message, `Process 1 in ${PREFIX}-go-refused is a Go program: Delve attaches with ptrace, so its sidecar (as the process's user 65532:65532) gets CAP_SYS_PTRACE. Allow it with --allow-ptrace.`);
      return true;
    });
    // An image that is neither here nor pullable (no registry here): the message names the Delve image's setting.
    await assert.rejects(engine.attachDebugger({ target: `${PREFIX}-go-refused`, goImage: 'localhost:1/distroless-test/no-such-delve:v1', allowPtrace: true }), (err: Error) => {
      assert.ok(err instanceof DebuggerUnavailableError);
      assert.match(err.message, /^The Delve image "localhost:1\/distroless-test\/no-such-delve:v1" is not on the engine and could not be pulled: .+\. Build or load it \(an image with dlv and sh: https:\/\/github\.com\/distroless-tools\/distroless-vscode\/blob\/main\/docs\/debugging\.md#go\), or set another one \(setting distroless\.debugger\.goImage, CLI --tools-image\)\.$/);
      return true;
    });
    await waitFor('one-shot sidecars gone', async () => ((await sidecarsOf(engine.docker, target.id)).length === 0 ? true : undefined), 10000);
  });

  it('a Go program whose name starts with "node" (node_exporter) is found to be Go', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const container = await startTarget(engine.docker, { name: `${PREFIX}-go-node-exporter`, label: LABEL, image: GO_APP_NAMED_NODE_IMAGE });
    await assert.rejects(engine.attachDebugger({ target: `${PREFIX}-go-node-exporter` }), (err: Error) => {
      assert.ok(err instanceof DebuggerUnavailableError);
      assert.match(err.message, /^Process 1 in distroless-dbg-test-go-node-exporter is a Go program: attaching needs Delve/);
      return true;
    });
    const id = (await container.inspect()).Id;
    await waitFor('one-shot sidecars gone', async () => ((await sidecarsOf(engine.docker, id)).length === 0 ? true : undefined), 10000);
  });

  it('attaches Delve with SYS_PTRACE in its own sidecar only, and a DAP client pauses, lists goroutines and reads the stack through the forward', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startGoApp(engine.docker, `${PREFIX}-go`);
    const session = await engine.attachDebugger({ target: `${PREFIX}-go`, goImage: DELVE_IMAGE, allowPtrace: true });
    open.push(session);
    assert.equal(session.runtime, 'go');
    assert.equal(session.localAddress, '127.0.0.1');
    assert.deepEqual({ pid: session.process.pid, uid: session.process.uid, argv: session.process.argv }, { pid: 1, uid: 65532, argv: ['/app/ticker'] });
    // SYS_PTRACE on Delve's sidecar and nowhere else.
    const sidecars = await sidecarsOf(engine.docker, target.id);
    assert.equal(sidecars.length, 2);
    for (const c of sidecars) {
      const info: Docker.ContainerInspectInfo = await engine.docker.getContainer(c.Id).inspect();
      const isDelve = c.Labels[DEBUGGER_LABEL] === 'go';
      assert.equal(info.Id === session.delveSidecarId, isDelve);
      assert.deepEqual(info.HostConfig.CapAdd ?? [], isDelve ? ['SYS_PTRACE'] : []);
      assert.deepEqual(info.HostConfig.CapDrop, ['ALL']);
      assert.equal(info.HostConfig.Privileged, false);
      assert.equal(info.Config.User, '65532:65532');
    }

    const dap = await connectDap(session.localPort);
    const capabilities = await dap.request<{ supportsConfigurationDoneRequest?: boolean }>('initialize', { adapterID: 'go', clientID: 'distroless-test', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    assert.equal(capabilities.supportsConfigurationDoneRequest, true);
    await dap.request('attach', { request: 'attach', mode: 'remote' });
    await dap.event('initialized');
    await dap.request('configurationDone');
    const running = await dap.request<{ threads: Array<{ id: number }> }>('threads');
    await dap.request('pause', { threadId: running.threads[0]!.id });
    const stopped = await dap.event('stopped');
    assert.equal(stopped.body?.reason, 'pause');
    const { threads } = await dap.request<{ threads: Array<{ id: number; name: string }> }>('threads');
    const main = threads.find((th) => /^\[Go 1\] /.test(th.name));
    assert.ok(main, `goroutine 1 among ${threads.map((th) => th.name).join(', ')}`);
    const { stackFrames } = await dap.request<{ stackFrames: Array<{ name: string; line: number; source?: { path?: string } }> }>('stackTrace', { threadId: main.id, levels: 20 });
    const frame = stackFrames.find((f) => f.name === 'main.main');
    assert.ok(frame, `main.main on the stack: ${stackFrames.map((f) => f.name).join(', ')}`);
    assert.equal(frame.source?.path, '/src/main.go');
    assert.equal(frame.line, 17);
    await dap.request('continue', { threadId: main.id });
    await dap.request('disconnect', { terminateDebuggee: false });
    dap.close();

    const end = await session.close();
    assert.equal(end.reason, 'closed');
    assert.deepEqual(await sidecarsOf(engine.docker, target.id), []);
    // Delve detached (SIGINT) rather than leaving the process stopped or killing it.
    await new Promise((r) => setTimeout(r, 1000));
    await assertUntouched(engine.docker, target);
    const top = await engine.docker.getContainer(target.id).top({ ps_args: '-o pid,stat,comm' });
    const states = (top.Processes ?? []).map((p: string[]) => p[1]);
    assert.equal(states.length, 1);
    assert.ok(!states[0]!.startsWith('t'), `not stopped under a tracer: ${JSON.stringify(top.Processes)}`);
  });

  it('the CLI killed with SIGKILL: Delve detaches, no sidecar is left and the target runs', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startGoApp(engine.docker, `${PREFIX}-go-cli`);
    const { child, out, exited } = startBuiltCli(['attach-debugger', '--tools-image', DELVE_IMAGE, '--allow-ptrace', `${PREFIX}-go-cli`]);
    const port = Number(await waitFor('the Delve address', async () => /listening on 127\.0\.0\.1:(\d+)$/m.exec(out.stdout)?.[1], 60000));
    const dap = await connectDap(port);
    await dap.request('initialize', { adapterID: 'go', pathFormat: 'path' });
    dap.close();
    child.kill('SIGKILL');
    await exited;
    await waitFor('the sidecars gone after their owner was killed', async () => ((await sidecarsOf(engine.docker, target.id)).length === 0 ? true : undefined), 20000);
    await assertUntouched(engine.docker, target);
  });
});
