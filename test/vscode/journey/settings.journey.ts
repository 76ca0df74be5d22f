/**
 * A person in a remote window (code-server is one: the extension runs on the server)
 * opens the Settings editor and looks for the extension's settings. The User tab shows
 * every setting but the engine address, which VS Code applies per machine from the
 * Remote tab (scope machine-overridable); the Remote tab shows that one too.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../../support/paths';
import type { Page } from '../browser/playwright';
import { Journey, STEP_TIMEOUT_MS } from './workbench';

const QUERY = '@ext:distroless-tools.distroless-vscode';
/** Every setting package.json declares but the per-machine ones (distroless.docker.host). */
const IN_USER_TAB = (() => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { scope?: string }> } | Array<{ properties: Record<string, { scope?: string }> }> } };
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  const settings = sections.flatMap((section) => Object.values(section.properties));
  const perMachine = settings.filter((setting) => setting.scope === 'machine' || setting.scope === 'machine-overridable').length;
  // The journey is about exactly one setting in the Remote tab: a second would need its own check there.
  assert.equal(perMachine, 1, 'only distroless.docker.host is per machine');
  return settings.length - perMachine;
})();

async function searchSettings(page: Page, query: string): Promise<void> {
  const input = page.locator('.settings-editor .settings-header .suggest-input-container');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(query);
}

async function count(page: Page): Promise<string> {
  const widget = page.locator('.settings-editor .settings-count-widget');
  await widget.filter({ hasText: /Settings? Found/ }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  return (await widget.innerText()).trim();
}

function row(page: Page, key: string) {
  return page.locator(`.settings-editor .monaco-list-row[data-key="${key}"], .settings-editor [data-key="${key}"]`).first();
}

export const settingsJourney: Journey = {
  name: 'settings-remote-user-tab',
  async run({ page, screenshot }) {
    await page.keyboard.press('Control+Shift+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await page.keyboard.type('>Preferences: Open User Settings');
    const command = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Preferences: Open User Settings$/ }).first();
    await command.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await command.click();
    await page.locator('.settings-editor').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    // A remote window: the tabs are User, Remote and Workspace.
    const tabs = page.locator('.settings-editor .settings-tabs-widget .action-label');
    const remoteTab = tabs.filter({ hasText: /Remote/ }).first();
    await remoteTab.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const userTab = tabs.filter({ hasText: /^User$/ }).first();
    await userTab.click();

    await searchSettings(page, QUERY);
    await page.locator('.settings-editor .settings-count-widget').filter({ hasText: `${IN_USER_TAB} Settings Found` }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS })
      .catch(async () => assert.fail(`the User tab shows ${await count(page)} of the extension's settings, expected ${IN_USER_TAB}`));
    for (const key of ['distroless.sidecar.image', 'distroless.sidecar.extraCapabilities', 'distroless.imageTagCompletion', 'distroless.inspectLocalImages', 'distroless.imageFacts.registryLookups']) {
      await searchSettings(page, key);
      await row(page, key).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS }).catch(async () => assert.fail(`${key} is not in the User tab (${await count(page)})`));
    }
    await searchSettings(page, 'distroless.sidecar.image');
    await screenshot('user-tab');

    await searchSettings(page, 'distroless.docker.host');
    await remoteTab.click();
    await row(page, 'distroless.docker.host').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS }).catch(async () => assert.fail(`distroless.docker.host is not in the Remote tab (${await count(page)})`));
    await screenshot('remote-tab');
  },
};
