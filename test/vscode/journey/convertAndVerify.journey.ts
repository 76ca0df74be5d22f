/**
 * A person opens a Go server's Dockerfile, runs "Distroless: Convert and Verify" from
 * the command palette, watches the progress notification while both images are built
 * and run on the local engine, then reads the diff and the report beside it while the
 * question "Apply the conversion?" waits (issue 15: the report opens beside the diff
 * before the user applies). They press Apply and save: the file on disk is the
 * conversion, and nothing was written before the answer.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureToolsImage } from '../../docker/fixtures';
import { buildStandins } from '../../docker/standins';
import { GO_VERIFY_CONVERTED, GO_VERIFY_DOCKERFILE, GO_VERIFY_RUNTIME } from '../goVerify';
import { FIXTURE_WORKSPACE } from '../support';
import { editorText, Journey, journeyEngine, quickOpen, runFromPalette, STEP_TIMEOUT_MS, visibleText, waitForEditorText, waitForFileText } from './workbench';

/**
 * Two builds and two runs of a few seconds each: about 80 s on an idle two-core
 * machine, three minutes under load (the suite test's numbers), more when the layer
 * cache is cold.
 */
const VERIFY_TIMEOUT_MS = 10 * 60_000;
const REPORT_TAB = 'Dockerfile verify report.txt';
const DIFF_TAB = `Dockerfile ↔ distroless (${GO_VERIFY_RUNTIME})`;
const QUESTION = /Verified: the converted image builds, starts, keeps running and answers like the original, without a shell\. \(on .*\) Apply the conversion to Dockerfile\?/;

export const convertAndVerifyJourney: Journey = {
  name: 'convert-and-verify',
  timeoutMs: VERIFY_TIMEOUT_MS + 4 * 60_000,
  async run({ page, workspace, screenshot }) {
    const engine = await journeyEngine();
    // The port probe runs in the tools image; the Dockerfile and its conversion name stand-in images.
    await ensureToolsImage(engine.docker);
    await buildStandins();

    const onDisk = path.join(workspace, GO_VERIFY_DOCKERFILE);
    const original = fs.readFileSync(path.join(FIXTURE_WORKSPACE, GO_VERIFY_DOCKERFILE), 'utf8');
    await quickOpen(page, GO_VERIFY_DOCKERFILE);
    await waitForEditorText(page, 'FROM golang:1.22');
    // Room for the diff and the report side by side: the explorer is not needed from here on.
    await page.keyboard.press('Control+B');
    await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });

    await runFromPalette(page, 'Convert and Verify');
    const progress = page.locator('.notification-toast').filter({ hasText: 'Verifying the conversion of Dockerfile' });
    await progress.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await screenshot('progress');

    // The question is a notification: nothing modal covers the diff and the report.
    const dialog = page.locator('.notification-toast').filter({ hasText: QUESTION });
    await dialog.waitFor({ state: 'visible', timeout: VERIFY_TIMEOUT_MS });
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal dialog covers the report');
    await progress.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });

    // Two groups: the diff in one, the report in the other, both in view while the question waits.
    const groups = page.locator('.editor-group-container');
    assert.equal(await groups.count(), 2, 'the report opens in a group of its own beside the diff');
    const diffGroup = groups.filter({ hasText: DIFF_TAB });
    const reportGroup = groups.filter({ hasText: REPORT_TAB });
    await diffGroup.locator('.monaco-diff-editor .editor.modified .view-lines').filter({ hasText: GO_VERIFY_RUNTIME }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const reportLines = reportGroup.locator('.monaco-editor .view-lines');
    await reportLines.filter({ hasText: 'Verified:' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    // The verdict is the report's first line, seen without scrolling.
    assert.match(visibleText(await reportLines.innerText({ timeout: STEP_TIMEOUT_MS })), /^Verified: /);
    assert.equal(await reportGroup.locator('.monaco-diff-editor').count(), 0, 'the report is not behind the diff');
    const report = visibleText(await reportLines.innerText({ timeout: STEP_TIMEOUT_MS }));
    assert.match(report, new RegExp(`^Convert and Verify: Dockerfile → ${GO_VERIFY_RUNTIME.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(report, /^ +original +converted$/m);
    assert.match(report, /^built +yes +yes$/m);
    assert.match(report, /^shell +\/bin\/sh +none$/m);
    assert.match(report, /^main process user +0:0 +65532:65532$/m);
    assert.match(report, /^up after \d+ s +yes +yes$/m);
    assert.match(report, /^port 8080\/tcp +answers +answers$/m);
    assert.match(report, /^Verified: the converted image builds, starts, keeps running and answers like the original, without a shell\.$/m);
    assert.equal(fs.readFileSync(onDisk, 'utf8'), original, 'nothing is written before the answer');
    await screenshot('report-beside-diff', { readme: 'convert-verify.png' });

    await dialog.locator('.monaco-button').filter({ hasText: /^Apply$/ }).click();
    await dialog.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await page.locator('.monaco-diff-editor').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await waitForEditorText(page, `FROM ${GO_VERIFY_RUNTIME}`);
    const applied = await editorText(page);
    assert.match(applied, /COPY --from=build \/app\/server \/usr\/local\/bin\/server/, `the runtime stage copies the binary:\n${applied}`);
    await screenshot('applied');

    // The web workbench saves after a delay by itself (files.autoSave); the person saves anyway.
    await page.keyboard.press('Control+S');
    await waitForFileText(onDisk, GO_VERIFY_CONVERTED, STEP_TIMEOUT_MS);
  },
};
