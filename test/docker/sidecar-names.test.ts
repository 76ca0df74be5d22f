/** Sidecars are named `<target>-debug-<n>`, the smallest n free, so `docker ps` shows whose they are. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SidecarSession } from '../../server/src/docker';
import { cleanEngineAroundSuite } from './suiteEngine';
import { engineOrSkip } from './engine';
import { ensureShelllessImage, ensureToolsImage, startTarget, waitFor } from './fixtures';

/** Own label and prefix: other worktrees' runs remove the shared test label's containers. */
const LABEL = 'io.distroless.test.ux-names';
const TARGET = 'distroless-ux-names-target';

describe('sidecar names', { concurrency: false }, () => {
  cleanEngineAroundSuite(TARGET, LABEL, [ensureToolsImage, ensureShelllessImage]);

  it('two sidecars on one target are <target>-debug-1 and -2; a closed one frees its number', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: TARGET, label: LABEL });
    const open = () => engine.openSidecar({ target: TARGET, tty: false, command: ['sleep', '30'] });
    const nameOf = async (s: SidecarSession) => (await engine.docker.getContainer(s.containerId).inspect()).Name.replace(/^\//, '');
    const first = await open();
    const second = await open();
    try {
      assert.equal(await nameOf(first), `${TARGET}-debug-1`);
      assert.equal(await nameOf(second), `${TARGET}-debug-2`);
      await first.close();
      await waitFor('the first sidecar to go', async () => ((await engine.docker.listContainers({ all: true, filters: { name: [`${TARGET}-debug-1`] } })).length === 0 ? true : undefined));
      const third = await open();
      try {
        assert.equal(await nameOf(third), `${TARGET}-debug-1`);
      } finally {
        await third.close();
      }
    } finally {
      await first.close();
      await second.close();
    }
  });
});
