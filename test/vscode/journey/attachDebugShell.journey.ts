/**
 * A person opens our Containers view, right-clicks a running shell-less
 * container, picks "Attach Debug Shell", types `ps` in the terminal that opens
 * and sees the target's own process: what `docker exec` cannot give them.
 */
import * as assert from 'node:assert/strict';
import { ensureShelllessImage, ensureToolsImage, removeTestContainersNamed, startTarget } from '../../docker/fixtures';
import { Journey, journeyEngine, STEP_TIMEOUT_MS } from './workbench';

/** Not the suite's label or the docker tests': each run's cleanup must only reach its own containers. */
const JOURNEY_LABEL = 'io.distroless.test.journey';
/** The pid keeps runs that share the engine (other worktrees) apart; it also orders the row near the top. */
const NAME = `demo-web-${process.pid}`;
/** A sidecar's start includes creating the container, attaching and probing file access. */
const SIDECAR_TIMEOUT_MS = 45_000;

export const attachDebugShellJourney: Journey = {
  name: 'attach-debug-shell',
  async run({ page, screenshot }) {
    const docker = (await journeyEngine()).docker;
    await ensureShelllessImage(docker);
    await ensureToolsImage(docker);
    await removeTestContainersNamed(docker, NAME, JOURNEY_LABEL);
    await startTarget(docker, { name: NAME, label: JOURNEY_LABEL });
    try {
      // The activity bar's entry, as a person finds it.
      await page.locator('.activitybar .action-item .action-label[aria-label^="Distroless"]').click();
      const view = page.locator('.sidebar .pane').filter({ hasText: 'Containers' });
      const row = view.locator('.monaco-list-row').filter({ hasText: NAME }).first();
      await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      // The mark comes from looking inside the container, which is what makes it worth a sidecar.
      await row.filter({ hasText: 'no shell' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await screenshot('containers-view');

      await row.click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu');
      const attach = menu.locator('.action-label').filter({ hasText: /^Attach Debug Shell$/ });
      await attach.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await screenshot('context-menu');
      // Picked by keyboard, as in the quick-fix journey: a click that lands while the menu
      // is still settling is swallowed by its pointer guard, and the menu stays open.
      await attach.hover();
      await menu.locator('.action-item.focused').filter({ hasText: /^Attach Debug Shell$/ }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });

      const terminal = page.locator('.terminal-wrapper.active');
      await terminal.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      // Room for the banner and ps together, with the containers view still beside them.
      await page.locator('.part.panel .action-label[aria-label^="Maximize Panel Size"]').click();
      await page.locator('.part.panel .action-label[aria-label^="Restore Panel Size"]').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      const rows = terminal.locator('.xterm-rows');
      // The banner names the target once the sidecar has joined it; the shell's prompt follows.
      await rows.filter({ hasText: `Debug sidecar for ${NAME}` }).waitFor({ state: 'visible', timeout: SIDECAR_TIMEOUT_MS });
      await rows.filter({ hasText: /[$#]\s*$/m }).waitFor({ state: 'visible', timeout: SIDECAR_TIMEOUT_MS });
      await screenshot('terminal-banner');

      await terminal.click();
      await page.keyboard.type('ps');
      await page.keyboard.press('Enter');
      await rows.filter({ hasText: /httpd -f -p 8080/ }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      const text = await rows.innerText();
      // PID 1 is the target's main process: the sidecar sees into the target, not only itself.
      assert.match(text, /^\s*1\s+\S+\s+.*httpd -f -p 8080/m, `ps lists the target's httpd as PID 1:\n${text}`);
      await screenshot('ps-output', { readme: 'attach-debug-shell.png' });
    } finally {
      await removeTestContainersNamed(docker, NAME, JOURNEY_LABEL);
    }
  },
};
