/**
 * A person runs "Convert to Distroless" from the command palette, reads the
 * proposed Dockerfile in a diff beside the modal question, declines (nothing
 * changes), runs it again and applies it. The modal is answered here because the
 * extension host cannot answer it (the suite covers the { confirm: false } path).
 */
import * as assert from 'node:assert/strict';
import type { Page } from '../browser/playwright';
import { editorText, Journey, quickOpen, STEP_TIMEOUT_MS, waitForEditorText } from './workbench';

const FILE = 'go-single-stage/Dockerfile';
const RUNTIME = 'gcr.io/distroless/static-debian13:nonroot';
const QUESTION = `Convert Dockerfile to a go build on ${RUNTIME}?`;

async function runConvert(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.type('Distroless: Convert to Distroless');
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: 'Convert to Distroless' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}

export const convertJourney: Journey = {
  name: 'convert',
  async run({ page, screenshot }) {
    await quickOpen(page, FILE);
    await waitForEditorText(page, 'FROM golang:1.23');

    await runConvert(page);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.filter({ hasText: QUESTION }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const proposed = page.locator('.monaco-diff-editor .editor.modified .view-lines');
    await proposed.filter({ hasText: RUNTIME }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await screenshot('diff-and-question');

    await dialog.locator('.monaco-button').filter({ hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await page.locator('.monaco-diff-editor').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await waitForEditorText(page, 'FROM golang:1.23');
    const declined = await editorText(page);
    assert.ok(!declined.includes(RUNTIME) && !declined.includes('AS build'), `declining leaves the Dockerfile as it was:\n${declined}`);
    await screenshot('declined');

    await runConvert(page);
    await dialog.filter({ hasText: QUESTION }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await dialog.locator('.monaco-button').filter({ hasText: 'Apply' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await waitForEditorText(page, `FROM ${RUNTIME}`);
    const applied = await editorText(page);
    assert.match(applied, /FROM golang:1\.23 AS build/, `the build stage is named:\n${applied}`);
    assert.match(applied, /COPY --from=build \/usr\/local\/bin\/hello \/app/, `the runtime stage copies the binary:\n${applied}`);
    await screenshot('applied');
  },
};
