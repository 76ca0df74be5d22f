/**
 * A person puts the cursor on the image of a FROM line with two problems and opens
 * the hover: the problems come first, each one line, with Quick Fix in view without
 * scrolling; then the why, then the image's facts, which name their source once.
 */
import * as assert from 'node:assert/strict';
import { activeEditor, Journey, quickOpen, STEP_TIMEOUT_MS, visibleText, waitForEditorText } from './workbench';

const FILE = 'node-latest/Dockerfile';
const FULL_OS = 'Ships on node:latest, a full OS: ship the artifact on nodejs24-debian13:nonroot';

export const fromHoverJourney: Journey = {
  name: 'from-hover',
  async run({ page, screenshot }) {
    await quickOpen(page, FILE);
    await waitForEditorText(page, 'FROM node:latest');
    await activeEditor(page).locator('.squiggly-warning').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    // Ctrl+G 2:8 puts the cursor on the image; Ctrl+K Ctrl+I opens the hover there.
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await page.keyboard.type('2:8');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover').filter({ hasText: FULL_OS }).first();
    await hover.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    // Our part (the why, the facts) comes after VS Code's problem part.
    await hover.filter({ hasText: 'From the built-in table' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const text = visibleText(await hover.innerText());
    const problem = text.indexOf(FULL_OS);
    assert.ok(problem >= 0 && problem < text.indexOf('final-stage-full-os: '), `the problem comes before its explanation:\n${text}`);
    assert.ok(problem < text.indexOf('From the built-in table'), `the problems come before the image facts:\n${text}`);
    const quickFix = hover.locator('.action-container, .action').filter({ hasText: /Quick Fix/ }).first();
    await quickFix.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const box = await hover.boundingBox();
    const fixBox = await quickFix.boundingBox();
    assert.ok(box && fixBox && fixBox.y >= box.y && fixBox.y + fixBox.height <= box.y + box.height, `Quick Fix is in view without scrolling: hover ${JSON.stringify(box)}, Quick Fix ${JSON.stringify(fixBox)}`);
    // The facts in one paragraph, each source named once with what it gave (the first
    // links to the publisher's page).
    assert.ok(text.includes('node:latest · Not read from a local image: not on this machine. · From the built-in table: has a shell; runs as root (uid 0). · From the built-in table: no entrypoint; runtime node; glibc.'), `the facts:\n${text}`);
    await screenshot('from-hover');
  },
};
