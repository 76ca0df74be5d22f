/** The terminal bridge (the Pseudoterminal behind "Attach Debug Shell") driven against real sidecars. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DockerService, SidecarEnd, SIDECAR_LABEL, TargetNotRunningError } from '../../server/src/docker';
import { PRESS_ANY_KEY, SidecarBridge } from '../../client/src/terminal/sidecarBridge';
import { cleanEngineAroundSuite } from './suiteEngine';
import { engineOrSkip } from './engine';
import { EDITOR_TEST_LABEL, ensureShelllessImage, ensureToolsImage, startTarget, TOOLS_IMAGE, waitFor } from './fixtures';

const PREFIX = 'distroless-editor-bridge';

async function gone(svc: DockerService, id: string): Promise<boolean> {
  try {
    await svc.docker.getContainer(id).inspect();
    return false;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode === 404;
  }
}

/** A bridge opened the way VS Code opens a Pseudoterminal, with everything it reports recorded. */
function openBridge(svc: DockerService, target: string, dims = { columns: 100, rows: 30 }) {
  const record = { output: '', closes: [] as Array<number | void>, ends: [] as SidecarEnd[], startErrors: [] as unknown[], done: 0 };
  const bridge = new SidecarBridge({
    start: (d) => svc.openSidecar({ target, image: TOOLS_IMAGE, cols: d?.columns, rows: d?.rows }),
    startingText: `Starting a debug sidecar for ${target}…`,
    onEnd: (end) => record.ends.push(end),
    onStartError: (err) => record.startErrors.push(err),
    onDone: () => record.done++,
  });
  bridge.onDidWrite((text) => (record.output += text));
  bridge.onDidClose((code) => record.closes.push(code));
  bridge.open(dims);
  const outputAfter = (mark: number, re: RegExp, what: string) => waitFor(what, async () => (re.test(record.output.slice(mark)) ? true : undefined), 15000);
  return { bridge, record, outputAfter };
}

describe('sidecar terminal bridge against a real engine', { concurrency: false }, () => {
  cleanEngineAroundSuite(PREFIX, EDITOR_TEST_LABEL, [ensureToolsImage, ensureShelllessImage]);

  it('carries typing in and output out, follows resizes, and closing the terminal removes the sidecar', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-io` });
    const { bridge, record, outputAfter } = openBridge(engine, `${PREFIX}-io`);
    assert.match(record.output, /^\x1b\[2mStarting a debug sidecar/, 'something shows at once, before the sidecar is up');
    await outputAfter(0, /Debug sidecar for distroless-editor-bridge-io[^\n]*\r\n/, 'the banner, with CRLF line ends');
    const session = bridge.currentSession!;
    assert.ok(session, 'session is up');
    assert.equal(session.plan.tty, true);

    // Typed as the terminal sends it (Enter is CR); the arithmetic keeps the echo of the typed line from matching.
    let mark = record.output.length;
    bridge.handleInput('echo hi-$((40+2))\r');
    await outputAfter(mark, /hi-42/, 'the echo output');

    mark = record.output.length;
    bridge.handleInput('ps\r');
    await outputAfter(mark, /httpd -f -p 8080/, 'the target\'s process in ps');

    // Colours pass through untouched (escape sequences are not mangled by the bridge).
    mark = record.output.length;
    bridge.handleInput("printf '\\033[31mred\\033[0m-%s\\n' done\r");
    await outputAfter(mark, /\x1b\[31mred\x1b\[0m-done/, 'a coloured line');

    mark = record.output.length;
    bridge.setDimensions({ columns: 123, rows: 41 });
    await new Promise((r) => setTimeout(r, 200));
    bridge.handleInput('stty size\r');
    await outputAfter(mark, /41 123/, 'the new terminal size inside the sidecar');

    await bridge.close();
    assert.equal(await gone(engine, session.containerId), true, 'sidecar removed once close() resolves');
    assert.equal((await session.ended).reason, 'closed');
    assert.deepEqual(record.ends, [], 'a close the user asked for is not reported as an end');
    assert.deepEqual(record.closes, [], 'VS Code closed the terminal itself; no onDidClose needed');
    assert.equal(record.done, 1);
  });

  it('passes multi-byte characters split across chunks intact', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-utf8` });
    const { bridge, record, outputAfter } = openBridge(engine, `${PREFIX}-utf8`);
    await outputAfter(0, /Debug sidecar for/, 'the banner');
    const mark = record.output.length;
    // The pause makes the engine send the first two bytes of each check mark in a chunk of their own.
    bridge.handleInput(`for i in 1 2 3; do printf '\\342\\234'; sleep 0.2; printf '\\223'; done; echo END\r`);
    await outputAfter(mark, /[✓\uFFFD]+END/, 'the output line');
    assert.equal(/[✓\uFFFD]+END/.exec(record.output.slice(mark))![0], '✓✓✓END', 'three whole check marks, no replacement characters');
    await bridge.close();
  });

  it('ends with a message when the target stops, and closes on the next key', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-stop` });
    const { bridge, record, outputAfter } = openBridge(engine, `${PREFIX}-stop`);
    await outputAfter(0, /Debug sidecar for/, 'the banner');
    const sidecarId = bridge.currentSession!.containerId;
    const mark = record.output.length;
    await target.stop({ t: 1 });
    await outputAfter(mark, new RegExp(`Target container ${PREFIX}-stop stopped[^]*${PRESS_ANY_KEY}`), 'the stop message');
    assert.equal(record.ends.length, 1);
    assert.equal(record.ends[0]!.reason, 'target-stopped');
    assert.deepEqual(record.closes, [], 'the terminal stays until the user has read the message');
    assert.equal(record.done, 0, 'still open');
    assert.equal(await gone(engine, sidecarId), true, 'the sidecar is gone');
    bridge.handleInput('q');
    assert.equal(record.closes.length, 1, 'a key closes the terminal');
  });

  it('closes with the shell\'s exit code when the user exits', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-exit` });
    const { bridge, record, outputAfter } = openBridge(engine, `${PREFIX}-exit`);
    await outputAfter(0, /Debug sidecar for/, 'the banner');
    const sidecarId = bridge.currentSession!.containerId;
    bridge.handleInput('exit 3\r');
    await waitFor('onDidClose', async () => (record.closes.length ? true : undefined), 15000);
    assert.deepEqual(record.closes, [3]);
    assert.equal(record.done, 1);
    assert.equal(record.ends[0]?.reason, 'exited');
    assert.equal(await gone(engine, sidecarId), true);
  });

  it('shows why a sidecar could not start, and leaves no container behind', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-stopped` });
    await target.stop({ t: 1 });
    const { bridge, record, outputAfter } = openBridge(engine, `${PREFIX}-stopped`);
    await outputAfter(0, new RegExp(`is not running[^]*${PRESS_ANY_KEY}`), 'the error in the terminal');
    assert.ok(record.startErrors[0] instanceof TargetNotRunningError);
    assert.equal(bridge.currentSession, undefined);
    const sidecars = await engine.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${target.id}`] } });
    assert.deepEqual(sidecars, []);
    bridge.handleInput('\r');
    assert.equal(record.closes.length, 1);
  });

  it('removes the sidecar when the terminal is closed while it is still starting', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-early` });
    const { bridge } = openBridge(engine, `${PREFIX}-early`);
    await bridge.close();
    const sidecars = await engine.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${target.id}`] } });
    assert.deepEqual(sidecars, [], 'nothing left once close() resolves');
  });
});
