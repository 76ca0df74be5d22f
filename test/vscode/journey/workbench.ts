/**
 * Driving VS Code's workbench the way a person does: keys, menus, panels. Every
 * wait is on a selector with a time limit; the selectors are VS Code 1.100's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from '../browser/playwright';

export const STEP_TIMEOUT_MS = 30_000;

export interface JourneyContext {
  page: Page;
  /** The workspace copy this page has open (a fresh copy of test/vscode/workspace). */
  workspace: string;
  /**
   * Saves a screenshot as test-results/journey-<journey>-<nn>-<step>.png. With
   * `readme`, the same picture also goes to media/screenshots/<readme>, but only
   * when DISTROLESS_UPDATE_SCREENSHOTS=1: the committed pictures change on purpose,
   * never as a side effect of a CI run.
   */
  screenshot(step: string, options?: { readme?: string }): Promise<string>;
}

/**
 * Thrown by a journey that cannot run here (no Docker engine outside CI); the
 * runner reports it as skipped with the message, neither passed nor failed.
 */
export class JourneySkipped extends Error {}

export interface Journey {
  name: string;
  /** Longer than the runner's default, for a journey that waits on the Docker engine's builds. */
  timeoutMs?: number;
  run(context: JourneyContext): Promise<void>;
}

/** Monaco renders spaces as U+00A0; compare what a person reads. */
export function visibleText(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // The explorer lists the folder once the remote file system answers.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
}

/** Ctrl+P, type the path, pick the row that shows it. */
export async function quickOpen(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.type(relativePath);
  const fileName = path.basename(relativePath);
  const directory = path.dirname(relativePath);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: fileName }).filter({ hasText: directory }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
}

export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
}

/** Waits until the active editor shows `text` somewhere in its visible lines. */
export async function waitForEditorText(page: Page, text: string): Promise<void> {
  await activeEditor(page).locator('.view-lines').filter({ hasText: visibleToMonaco(text) }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
}

export async function editorText(page: Page): Promise<string> {
  return visibleText(await activeEditor(page).locator('.view-lines').innerText({ timeout: STEP_TIMEOUT_MS }));
}

function visibleToMonaco(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[ \\u00a0]');
  return new RegExp(escaped);
}

export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}
