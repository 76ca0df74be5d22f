/**
 * A person runs "Convert to Distroless" from the command palette, reads the proposed
 * Dockerfile in a diff (nothing modal covers it: Apply and Discard sit in the diff's
 * title bar, and a notification says what else changes), discards it (nothing
 * changes), runs it again and applies it from the title bar.
 */
import * as assert from 'node:assert/strict';
import { editorText, Journey, quickOpen, runFromPalette, STEP_TIMEOUT_MS, waitForEditorText } from './workbench';

const FILE = 'go-single-stage/Dockerfile';
const RUNTIME = 'gcr.io/distroless/static-debian13:nonroot';
const QUESTION = `Convert Dockerfile to a go build on ${RUNTIME}?`;

export const convertJourney: Journey = {
  name: 'convert',
  async run({ page, screenshot }) {
    await quickOpen(page, FILE);
    await waitForEditorText(page, 'FROM golang:1.23');

    await runFromPalette(page, 'Convert to Distroless');
    const proposed = page.locator('.monaco-diff-editor .editor.modified .view-lines');
    await proposed.filter({ hasText: RUNTIME }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const apply = page.locator('.editor-actions .action-label[aria-label="Apply Conversion"]');
    const discard = page.locator('.editor-actions .action-label[aria-label="Discard Conversion"]');
    await apply.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await discard.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const notification = page.locator('.notification-toast').filter({ hasText: QUESTION });
    await notification.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal dialog covers the diff');
    await screenshot('diff-with-apply-discard', { readme: 'convert.png' });

    await discard.click();
    await page.locator('.monaco-diff-editor').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await waitForEditorText(page, 'FROM golang:1.23');
    const declined = await editorText(page);
    assert.ok(!declined.includes(RUNTIME) && !declined.includes('AS build'), `discarding leaves the Dockerfile as it was:\n${declined}`);
    await screenshot('discarded');

    await runFromPalette(page, 'Convert to Distroless');
    await proposed.filter({ hasText: RUNTIME }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await apply.click();
    await page.locator('.monaco-diff-editor').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await waitForEditorText(page, `FROM ${RUNTIME}`);
    const applied = await editorText(page);
    assert.match(applied, /FROM golang:1\.23 AS build/, `the build stage is named:\n${applied}`);
    assert.match(applied, /COPY --from=build \/usr\/local\/bin\/hello \/app/, `the runtime stage copies the binary:\n${applied}`);
    await screenshot('applied');
  },
};
