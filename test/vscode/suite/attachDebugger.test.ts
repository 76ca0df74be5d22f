import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { SIDECAR_LABEL } from '../../../server/src/docker';
import type { AttachDebuggerResult } from '../../../client/src/commands/attachDebugger';
import { ensureNodeAppImage, NODE_APP_IMAGE } from '../../docker/debuggerFixtures';
import { ensureToolsImage, removeTestContainersNamed, startTarget } from '../../docker/fixtures';
import { containerPrefix, engineOrSkip, nextEvent, VSCODE_TEST_LABEL, workspaceRoot } from './helpers';

const PREFIX = containerPrefix('debugger');
/** Attaching (process listing, SIGUSR1, forward) plus js-debug's start. */
const ATTACH_TIMEOUT_MS = 60_000;

interface StoppedEvent {
  session: vscode.DebugSession;
  body: { reason: string; threadId: number };
}

/** Watches every debug adapter's `stopped` events (js-debug's attach runs its target in a child session). */
function watchStops(): { next(reason: string, timeoutMs: number): Promise<StoppedEvent>; dispose(): void } {
  const emitter = new vscode.EventEmitter<StoppedEvent>();
  const seen: StoppedEvent[] = [];
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker: (session) => ({
      onDidSendMessage: (message: { type?: string; event?: string; body?: StoppedEvent['body'] }) => {
        if (message.type === 'event' && message.event === 'stopped' && message.body) {
          const e = { session, body: message.body };
          seen.push(e);
          emitter.fire(e);
        }
      },
    }),
  });
  return {
    next: (reason, timeoutMs) => {
      const already = seen.find((e) => e.body.reason === reason);
      return already ? Promise.resolve(already) : nextEvent(emitter.event, (e) => e.body.reason === reason, timeoutMs, `a "${reason}" stop`);
    },
    dispose: () => {
      registration.dispose();
      emitter.dispose();
    },
  };
}

/**
 * Records the `disconnect` requests VS Code sends to every debug adapter, as the
 * adapter gets them: registered after the extension's own tracker, so it sees
 * each message after the extension's. terminateDebuggee: true makes js-debug
 * SIGKILL the tree of this machine's process with the debuggee's in-container
 * PID (1), and Delve kill the target.
 */
function watchDisconnects(): { sent: Array<{ session: string; terminateDebuggee: unknown }>; dispose(): void } {
  const sent: Array<{ session: string; terminateDebuggee: unknown }> = [];
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker: (session) => ({
      onWillReceiveMessage: (message: { type?: string; command?: string; arguments?: { terminateDebuggee?: unknown } }) => {
        if (message.type === 'request' && message.command === 'disconnect') sent.push({ session: session.name, terminateDebuggee: message.arguments?.terminateDebuggee });
      },
    }),
  });
  return { sent, dispose: () => registration.dispose() };
}

describe('Attach Debugger (real Docker engine, VS Code\'s JavaScript debugger)', () => {
  let docker: Docker | undefined;

  before(async function () {
    this.timeout(10 * 60_000);
    docker = await engineOrSkip(this);
    await removeTestContainersNamed(docker, PREFIX, VSCODE_TEST_LABEL);
    await ensureToolsImage(docker);
    await ensureNodeAppImage();
  });

  after(async () => {
    await vscode.debug.stopDebugging();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    if (docker) await removeTestContainersNamed(docker, PREFIX, VSCODE_TEST_LABEL);
  });

  it('attaches a node session to the shell-less target, hits a breakpoint in the workspace file, and ends when the target stops', async function () {
    this.timeout(3 * ATTACH_TIMEOUT_MS);
    const engine = docker ?? (await engineOrSkip(this));
    const name = `${PREFIX}-node`;
    const target = await startTarget(engine, { name, image: NODE_APP_IMAGE, label: VSCODE_TEST_LABEL });
    const targetId = (await target.inspect()).Id;

    // server.js's `ticks += 1;`: runs twice a second inside the container.
    const script = path.join(workspaceRoot(), 'debug-node', 'server.js');
    const document = await vscode.workspace.openTextDocument(script);
    const line = document.getText().split('\n').findIndex((l) => l.includes('ticks += 1;'));
    assert.ok(line > 0, 'the breakpoint line is in server.js');
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(document.uri, new vscode.Position(line, 0)))]);

    const stops = watchStops();
    const disconnects = watchDisconnects();
    try {
      const started = nextEvent(vscode.debug.onDidStartDebugSession, (s) => s.configuration.request === 'attach', ATTACH_TIMEOUT_MS, 'the attach session');
      const result = (await vscode.commands.executeCommand('distroless.attachDebugger', targetId)) as AttachDebuggerResult | undefined;
      assert.ok(result, 'Attach Debugger returned its session');
      assert.equal(result.runtime, 'node');
      assert.deepEqual(result.roots, { localRoot: path.join(workspaceRoot(), 'debug-node'), remoteRoot: '/app', dockerfile: path.join(workspaceRoot(), 'debug-node', 'Dockerfile') });
      assert.equal(result.configuration?.type, 'node');
      assert.equal(result.configuration?.request, 'attach');
      assert.equal(result.configuration?.address, '127.0.0.1');
      assert.equal(result.configuration?.port, result.localPort);
      const session = await started;

      const stop = await stops.next('breakpoint', ATTACH_TIMEOUT_MS);
      const trace = (await stop.session.customRequest('stackTrace', { threadId: stop.body.threadId, levels: 1 })) as { stackFrames: Array<{ name: string; line: number; source?: { path?: string } }> };
      const top = trace.stackFrames[0]!;
      // The frame is in the workspace's own file: remoteRoot /app mapped onto debug-node/.
      // In code-server the path comes as the workbench's remote URI; its path is the file's.
      const framePath = top.source?.path ?? '';
      assert.equal(/^[a-z-]+:\/\//.test(framePath) ? vscode.Uri.parse(framePath).path : framePath, script);
      assert.equal(top.line, line + 1);
      assert.match(top.name, /\btick$/, 'js-debug names the frame after the function ("Timeout.tick")');
      const evaluated = (await stop.session.customRequest('evaluate', { expression: 'process.getuid() + " " + process.argv[1]', frameId: (trace.stackFrames[0] as unknown as { id: number }).id, context: 'repl' })) as { result: string };
      assert.equal(evaluated.result, "'65532 /app/server.js'");
      // js-debug's bootloader is a path on this machine: in the target's NODE_OPTIONS it would break every Node.js process the target starts.
      const nodeOptions = (await stop.session.customRequest('evaluate', { expression: 'String(process.env.NODE_OPTIONS)', frameId: (trace.stackFrames[0] as unknown as { id: number }).id, context: 'repl' })) as { result: string };
      assert.equal(nodeOptions.result, "'undefined'");

      // The target stopping ends the debug session and removes the sidecars.
      const ended = nextEvent(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, ATTACH_TIMEOUT_MS, 'the session to end');
      await target.stop({ t: 0 });
      await ended;
      const deadline = Date.now() + 15_000;
      let left = await engine.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } });
      while (left.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        left = await engine.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } });
      }
      assert.deepEqual(left, []);
      assert.deepEqual(disconnects.sent.filter((d) => d.terminateDebuggee === true), [], 'no adapter is told to terminate the debuggee');
    } finally {
      stops.dispose();
      disconnects.dispose();
    }
  });

  it('closing the debug session removes the sidecars; the target keeps running', async function () {
    this.timeout(3 * ATTACH_TIMEOUT_MS);
    const engine = docker ?? (await engineOrSkip(this));
    const name = `${PREFIX}-node-close`;
    const target = await startTarget(engine, { name, image: NODE_APP_IMAGE, label: VSCODE_TEST_LABEL });
    const before = await target.inspect();
    const disconnects = watchDisconnects();
    try {
      const started = nextEvent(vscode.debug.onDidStartDebugSession, (s) => s.configuration.request === 'attach', ATTACH_TIMEOUT_MS, 'the attach session');
      const result = (await vscode.commands.executeCommand('distroless.attachDebugger', before.Id)) as AttachDebuggerResult | undefined;
      assert.ok(result, 'Attach Debugger returned its session');
      const session = await started;
      assert.equal((await engine.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${before.Id}`] } })).length, 1, 'the forward\'s sidecar while attached');

      const ended = nextEvent(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, ATTACH_TIMEOUT_MS, 'the session to end');
      await vscode.debug.stopDebugging(session);
      await ended;
      const deadline = Date.now() + 15_000;
      let left = await engine.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${before.Id}`] } });
      while (left.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        left = await engine.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${before.Id}`] } });
      }
      assert.deepEqual(left, []);
      const now = await target.inspect();
      // How it ended tells who stopped it: 137 SIGKILL (docker kill, the OOM killer, a process-tree kill), 143 SIGTERM, 139 SIGSEGV and 134 SIGABRT (the process crashed), 138 SIGUSR1 before Node.js set its handler.
      const how = now.State.Running ? '' : `exit code ${now.State.ExitCode}, OOMKilled ${now.State.OOMKilled}, finished ${now.State.FinishedAt}, output: ${(await target.logs({ stdout: true, stderr: true, tail: 20 })).toString('utf8').slice(-1500)}`;
      assert.equal(now.State.Running, true, `the target stopped: ${how}`);
      assert.equal(now.State.StartedAt, before.State.StartedAt);
      // Stop (vscode.debug.stopDebugging) asks for terminateDebuggee; what reaches the adapters must not.
      assert.ok(disconnects.sent.length > 0, 'VS Code sent the adapters a disconnect');
      assert.deepEqual(disconnects.sent.filter((d) => d.terminateDebuggee === true), [], 'no adapter is told to terminate the debuggee');
    } finally {
      disconnects.dispose();
    }
  });
});
