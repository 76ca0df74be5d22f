/**
 * A person opens a Dockerfile, reads in the status bar which stage ships and how many
 * problems it has, clicks it and sees our problem's headline in the Problems panel, puts
 * the cursor on it, reads the why in the hover, presses Ctrl+. and picks the fix, and
 * sees the text change.
 */
import * as assert from 'node:assert/strict';
import { activeEditor, editorText, Journey, quickOpen, STEP_TIMEOUT_MS, waitForEditorText } from './workbench';

const FILE = 'scratch-shell-form/Dockerfile';
/** The message, one line: the headline. */
const MESSAGE = 'CMD in shell form needs /bin/sh, which this image lacks: use exec form';
/** The hover at the diagnostic explains it. */
const DETAIL = 'CMD /app --serve is in shell form';
const FIX_TITLE = 'Rewrite as exec form: CMD ["/app", "--serve"]';
/**
 * The status bar item's accessible label: the unnamed last stage of two ships; one
 * error, one warning and one information (the hint is not counted, as in the Problems panel).
 */
const STATUS_BEFORE = 'Ships stage 2; 3 problems';
const STATUS_AFTER = 'Ships stage 2; 2 problems';

export const fixDiagnosticJourney: Journey = {
  name: 'fix-diagnostic',
  async run({ page, screenshot }) {
    await quickOpen(page, FILE);
    await waitForEditorText(page, 'CMD /app --serve');
    // The underline is what tells a person the extension has looked at the file.
    await activeEditor(page).locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await screenshot('dockerfile-open');

    // The status bar item names the shipped stage and counts the problems; a click opens the Problems panel.
    const status = page.locator(`.statusbar-item[aria-label="${STATUS_BEFORE}"]`);
    await status.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    assert.match(await status.innerText(), /stage 2/, 'the status bar names the shipped stage');
    await status.click();
    const problems = page.locator('.markers-panel');
    const problem = problems.locator('.monaco-list-row').filter({ hasText: MESSAGE }).first();
    await problem.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const row = await problem.innerText();
    assert.match(row, /shell-form-in-shellless-stage/, `the row names the rule: ${row}`);
    // The message is the headline alone, one line; the explanation is in the hover.
    assert.equal(row.split('\n')[0]?.trim(), MESSAGE, `the row opens with the headline: ${row}`);
    assert.ok(!row.includes(DETAIL), `the row holds no explanation: ${row}`);
    await screenshot('problems-panel', { readme: 'problems-panel.png' });

    // Selecting a problem (as a click or Enter does) moves the editor's cursor to it.
    await problem.click();
    await page.keyboard.press('Enter');
    await activeEditor(page).locator('textarea').waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
    // editor.action.showHover: the headline (VS Code's problem part), then the rule's link and why (ours).
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover').filter({ hasText: DETAIL });
    await hover.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const hoverText = await hover.innerText();
    assert.ok(hoverText.includes(MESSAGE), `the hover starts with the headline: ${hoverText}`);
    await screenshot('hover', { readme: 'hover.png' });
    await page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget');
    // The preferred fix comes first and is focused; picking it by keyboard is what
    // Ctrl+. then Enter does (a click is swallowed by the menu's pointer guard).
    const fix = menu.locator('.monaco-list-row.focused').filter({ hasText: FIX_TITLE });
    await fix.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await screenshot('quick-fix-menu', { readme: 'quick-fix.png' });
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });

    await waitForEditorText(page, 'CMD ["/app", "--serve"]');
    const text = await editorText(page);
    assert.ok(!text.includes('CMD /app --serve'), `the shell-form line is gone: ${text}`);
    await problems.locator('.monaco-list-row').filter({ hasText: MESSAGE }).waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await page.locator(`.statusbar-item[aria-label="${STATUS_AFTER}"]`).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await screenshot('fixed');
  },
};
