/** The containers view's model and event stream against a real engine. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { OperationCancelledError } from '../../server/src/docker';
import { ContainerEvent, watchEngineEvents } from '../../server/src/docker/engineEvents';
import { ContainersSource } from '../../client/src/views/containersSource';
import { containerRefFromArg } from '../../client/src/views/commandTarget';
import { cleanEngineAroundSuite } from './suiteEngine';
import { engineOrSkip } from './engine';
import { EDITOR_TEST_LABEL, ensureShellImage, ensureShelllessImage, ensureToolsImage, removeContainer, SHELL_IMAGE, SHELLLESS_IMAGE, startTarget, TOOLS_IMAGE, waitFor } from './fixtures';

const PREFIX = 'distroless-editor-test';

describe('containers view against a real engine', { concurrency: false }, () => {
  cleanEngineAroundSuite(PREFIX, EDITOR_TEST_LABEL, [ensureToolsImage, ensureShelllessImage, ensureShellImage]);

  it('lists containers by name with state, image, icon and a mark for shell-less ones; hides sidecars', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const shellless = await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-shellless` });
    const withShell = await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-shell`, image: SHELL_IMAGE });
    const stopped = await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-stopped`, image: SHELL_IMAGE, cmd: ['true'] });
    await waitFor('the stopped target to exit', async () => ((await stopped.inspect()).State.Running ? undefined : true));
    const session = await engine.openSidecar({ target: `${PREFIX}-shellless`, image: TOOLS_IMAGE, tty: false, stdin: false, command: ['sleep', '30'] });
    try {
      const source = new ContainersSource();
      const items = (await source.items(engine)).filter((i) => i.label.startsWith(PREFIX));
      const byName = new Map(items.map((i) => [i.label, i]));
      assert.deepEqual([...byName.keys()].sort(), [`${PREFIX}-shell`, `${PREFIX}-shellless`, `${PREFIX}-stopped`]);
      assert.ok(!items.some((i) => i.containerId === session.containerId), 'the sidecar is not listed');

      const sl = byName.get(`${PREFIX}-shellless`)!;
      assert.equal(sl.containerId, shellless.id);
      assert.equal(sl.contextValue, 'distroless.container.running.shellless');
      assert.equal(sl.iconId, 'vm-active');
      assert.match(sl.description, new RegExp(`^no shell · ${SHELLLESS_IMAGE.replace(/[/.]/g, '\\$&')} · Up `));
      assert.equal(containerRefFromArg(sl), shellless.id, 'commands get the container from our item');

      const sh = byName.get(`${PREFIX}-shell`)!;
      assert.equal(sh.containerId, withShell.id);
      assert.equal(sh.contextValue, 'distroless.container.running.shell');
      assert.equal(sh.iconId, 'vm-running');
      assert.ok(sh.description.startsWith(SHELL_IMAGE));

      const st = byName.get(`${PREFIX}-stopped`)!;
      assert.equal(st.contextValue, 'distroless.container.stopped');
      assert.equal(st.iconId, 'vm-outline');
      assert.match(st.description, /Exited \(0\)/);

      // Running first, then by name.
      assert.deepEqual(items.map((i) => i.label), [`${PREFIX}-shell`, `${PREFIX}-shellless`, `${PREFIX}-stopped`]);
      assert.equal(source.knownShell(shellless.id), false);
      assert.equal(source.knownShell(withShell.id), true);
    } finally {
      await session.close();
    }
  });

  it('follows container events: start, die, destroy', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const events: ContainerEvent[] = [];
    const watcher = watchEngineEvents({ docker: async () => engine.docker, onEvent: (e) => events.push(e) });
    try {
      await watcher.connected;
      const target = await startTarget(engine.docker, { label: EDITOR_TEST_LABEL, name: `${PREFIX}-events` });
      const saw = (action: string) => waitFor(`a ${action} event`, async () => (events.some((e) => e.id === target.id && e.action === action) ? true : undefined));
      await saw('start');
      await removeContainer(engine.docker, target.id);
      await saw('die');
      await saw('destroy');
      assert.equal(events.find((e) => e.id === target.id)?.name, `${PREFIX}-events`);
    } finally {
      watcher.dispose();
    }
  });

  it('cancels a tools image pull in flight', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    // A "registry" that accepts connections and never answers keeps the engine's pull waiting.
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const abort = new AbortController();
      const progress: string[] = [];
      const pull = engine.ensureImage(`127.0.0.1:${port}/distroless-test/never:1`, (p) => progress.push(p.status), abort.signal);
      pull.catch(() => undefined);
      const reached = await waitFor('the engine to contact the fake registry', async () => (sockets.length ? true : undefined), 8000).catch(() => false);
      if (!reached) {
        // A remote engine cannot reach our 127.0.0.1.
        if (process.env.CI === 'true') assert.fail('the local engine never contacted the fake registry');
        t.skip('the engine does not share this machine\'s loopback');
        return;
      }
      const started = Date.now();
      abort.abort();
      await assert.rejects(pull, (err: unknown) => err instanceof OperationCancelledError && /cancelled/.test(err.message));
      assert.ok(Date.now() - started < 2000, 'cancelling does not wait for the pull');
      assert.deepEqual(progress.slice(0, 1), ['Pulling']);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('does not pull at all with an already cancelled signal, even for a present image', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(engine.ensureImage(TOOLS_IMAGE, undefined, abort.signal), OperationCancelledError);
    assert.equal(await engine.imagePresent(TOOLS_IMAGE), true);
    assert.equal(await engine.imagePresent('distroless-test/absent:never'), false);
  });
});
