/**
 * Sessions against a real engine: a debug shell detached from its terminal keeps
 * its sidecar and reconnects with the output made meanwhile; port forwards show
 * their live connections in the rows under their target; Stop removes sidecars.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { DockerService } from '../../server/src/docker';
import { SidecarBridge } from '../../client/src/terminal/sidecarBridge';
import { SessionRegistry } from '../../client/src/sessions/sessionRegistry';
import { containerChildren } from '../../client/src/views/containerChildren';
import { engineOrSkip, findEngine } from './engine';
import { ensureShelllessImage, ensureToolsImage, removeTestContainersNamed, startTarget, TOOLS_IMAGE, waitFor } from './fixtures';

const PREFIX = 'distroless-sessions-test';
const LABEL = 'io.distroless.test.sessions';

async function exists(svc: DockerService, id: string): Promise<boolean> {
  return svc.docker.getContainer(id).inspect().then(() => true, () => false);
}

function recordBridge(bridge: SidecarBridge) {
  const record = { output: '', done: 0 };
  bridge.onDidWrite((text) => (record.output += text));
  const after = (mark: number, re: RegExp, what: string) => waitFor(what, async () => (re.test(record.output.slice(mark)) ? true : undefined), 15000);
  return { record, after };
}

describe('debug sessions against a real engine', { concurrency: false }, () => {
  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await removeTestContainersNamed(engine.docker, PREFIX, LABEL);
    await ensureToolsImage(engine.docker);
    await ensureShelllessImage(engine.docker);
  });
  after(async () => {
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeTestContainersNamed(engine.docker, PREFIX, LABEL);
  });

  it('a detached shell keeps its sidecar; reconnecting shows what it printed meanwhile and takes typing again', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-shell`, label: LABEL });
    const first = new SidecarBridge({ start: (d) => engine.openSidecar({ target: `${PREFIX}-shell`, image: TOOLS_IMAGE, cols: d?.columns, rows: d?.rows }) });
    const one = recordBridge(first);
    first.open({ columns: 100, rows: 30 });
    await one.after(0, /Debug sidecar for/, 'the banner');
    const session = first.currentSession!;
    let mark = one.record.output.length;
    first.handleInput('sleep 1; echo later-$((20+1))\r');
    await one.after(mark, /sleep 1/, 'the typed line echoed');
    assert.equal(first.detach(), true);
    // VS Code disposes the terminal: close() must leave the sidecar running.
    await first.close();
    assert.equal(await exists(engine, session.containerId), true, 'sidecar still running after its terminal closed');
    await new Promise((r) => setTimeout(r, 1500));

    const second = new SidecarBridge({ start: async () => session, startingText: 'Reconnected' });
    const two = recordBridge(second);
    second.open({ columns: 80, rows: 24 });
    await two.after(0, /later-21/, 'output printed while detached');
    assert.ok(!one.record.output.includes('later-21'), 'the first terminal did not get it');
    mark = two.record.output.length;
    second.handleInput('echo again-$((1+1))\r');
    await two.after(mark, /again-2/, 'typing after reconnecting');
    // Closing the reconnected terminal (not detached) removes the sidecar.
    await second.close();
    await waitFor('sidecar removed', async () => ((await exists(engine, session.containerId)) ? undefined : true));
  });

  it('detach is refused when there is nothing running to keep', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const bridge = new SidecarBridge({ start: () => engine.openSidecar({ target: `${PREFIX}-absent`, image: TOOLS_IMAGE }) });
    bridge.onDidWrite(() => undefined);
    bridge.open(undefined);
    assert.equal(bridge.detach(), false);
    await bridge.close();
  });

  it('a forward row counts live connections; Stop removes its sidecar', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-fwd`, label: LABEL, cmd: ['nc', '-ll', '-p', '9000', '-e', 'cat'] });
    const targetId = (await target.inspect()).Id;
    const forward = await engine.openPortForward({ target: targetId, remotePort: 9000 });
    const registry = new SessionRegistry();
    const reg = registry.add({ kind: 'forward', id: 'f', targetId, targetName: `${PREFIX}-fwd`, sidecarId: forward.sidecarId, startedAt: new Date(), forward, stop: async () => void (await forward.close()) });
    void forward.ended.then(() => reg.dispose());
    const rowText = () => containerChildren(targetId, `${PREFIX}-fwd`, registry.forTarget(targetId)).map((r) => `${r.label} | ${r.description}`);
    assert.deepEqual(rowText(), ['Files | read-only', `Port 9000 → 127.0.0.1:${forward.localPort} | forwarding · 0 connections`]);
    const socket = net.connect({ host: '127.0.0.1', port: forward.localPort });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('x');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    assert.deepEqual(rowText()[1], `Port 9000 → 127.0.0.1:${forward.localPort} | forwarding · 1 connection`);
    await registry.get('f')!.stop();
    await forward.ended;
    assert.deepEqual(rowText(), ['Files | read-only']);
    assert.equal(await exists(engine, forward.sidecarId), false);
    socket.destroy();
  });
});
