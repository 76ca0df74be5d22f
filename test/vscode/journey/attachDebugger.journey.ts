/**
 * A person sets a breakpoint in their own server.js, right-clicks the running
 * shell-less container built from it, picks "Attach Debugger", and VS Code
 * stops on that line inside the container: no rebuild, no restart, no
 * published port.
 */
import { ensureNodeAppImage, NODE_APP_IMAGE } from '../../docker/debuggerFixtures';
import { ensureToolsImage, removeTestContainersNamed, startTarget } from '../../docker/fixtures';
import { activeEditor, Journey, journeyEngine, quickOpen, STEP_TIMEOUT_MS, waitForEditorText } from './workbench';

const JOURNEY_LABEL = 'io.distroless.test.journey';
const NAME = `demo-api-${process.pid}`;
/** Listing, SIGUSR1, the forward, then js-debug attaching and the next tick. */
const ATTACH_TIMEOUT_MS = 120_000;

export const attachDebuggerJourney: Journey = {
  name: 'attach-debugger',
  timeoutMs: 6 * 60_000,
  async run({ page, screenshot }) {
    const docker = (await journeyEngine()).docker;
    await ensureToolsImage(docker);
    await ensureNodeAppImage();
    await removeTestContainersNamed(docker, NAME, JOURNEY_LABEL);
    await startTarget(docker, { name: NAME, label: JOURNEY_LABEL, image: NODE_APP_IMAGE });
    try {
      await quickOpen(page, 'debug-node/server.js');
      await waitForEditorText(page, 'ticks += 1;');
      await activeEditor(page).locator('.view-line').filter({ hasText: /ticks[ \u00a0]\+=[ \u00a0]1;/ }).click();
      await page.keyboard.press('F9');
      await activeEditor(page).locator('.codicon-debug-breakpoint').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });

      await page.locator('.activitybar .action-item .action-label[aria-label^="Distroless"]').click();
      const view = page.locator('.sidebar .pane').filter({ hasText: 'Containers' });
      const row = view.locator('.monaco-list-row').filter({ hasText: NAME }).first();
      await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await row.click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu');
      const attach = menu.locator('.action-label').filter({ hasText: /^Attach Debugger$/ });
      await attach.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await screenshot('context-menu');
      await attach.hover();
      await menu.locator('.action-item.focused').filter({ hasText: /^Attach Debugger$/ }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });

      // The debug toolbar once the session runs, then the editor marks the top stack frame on the workspace's own line.
      await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: ATTACH_TIMEOUT_MS }).catch(async (err: Error) => {
        await screenshot('no-debug-session');
        throw err;
      });
      await activeEditor(page).locator('.debug-top-stack-frame-line').first().waitFor({ state: 'attached', timeout: ATTACH_TIMEOUT_MS }).catch(async (err: Error) => {
        await screenshot('not-stopped');
        throw err;
      });
      // The Run and Debug view opens on the break; its call stack names the container's process.
      await page.locator('.debug-call-stack-title, .pane-header').filter({ hasText: /Call Stack/i }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await new Promise((r) => setTimeout(r, 1000));
      await screenshot('breakpoint-hit', { readme: 'attach-debugger-breakpoint.png' });
      await page.locator('.debug-toolbar .action-label[aria-label^="Disconnect"], .debug-toolbar .action-label[aria-label^="Stop"]').first().click();
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    } finally {
      await removeTestContainersNamed(docker, NAME, JOURNEY_LABEL);
    }
  },
};
