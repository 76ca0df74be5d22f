/**
 * Driving VS Code's workbench the way a person does: keys, menus, panels. Every
 * wait is on a selector with a time limit; the selectors are VS Code 1.100's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DockerService } from '../../../server/src/docker';
import { findEngine } from '../../docker/engine';
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
  /**
   * The KUBECONFIG of the VS Code server and so of every kubectl the extension and its
   * terminals run. Absent until a journey writes it (kubectl then has no cluster), and
   * removed after each journey.
   */
  kubeconfig: string;
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

/** The local Docker engine; without one the journey is skipped, except under CI=true, where it fails. */
export async function journeyEngine(): Promise<DockerService> {
  const engine = await findEngine();
  if (!(engine instanceof Error)) return engine;
  if (process.env.CI === 'true') throw new Error(`CI=true but no Docker engine is available (start one with: bash .ci/docker-engine.sh start): ${engine.message}`);
  throw new JourneySkipped(`no Docker engine: ${engine.message}`);
}

/** Ctrl+Shift+P, type "Distroless: <title>", run the row it focuses once that row is the command. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  // The palette lists the extension's commands once its contributions are read; its activity-bar entry shows they are.
  await page.locator('.activitybar .action-item .action-label[aria-label^="Distroless"]').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.type(`Distroless: ${title}`);
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: title }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}

/** Resolves once `file` holds exactly `expected`, woken by the folder's change events; fails with what it holds after `timeoutMs`. */
export function waitForFileText(file: string, expected: string, timeoutMs: number): Promise<void> {
  const read = (): string => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      // A save that replaces the file may leave a moment without it.
      return `(unreadable: ${error instanceof Error ? error.message : String(error)})`;
    }
  };
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const watcher = fs.watch(path.dirname(file), () => {
      if (read() === expected) finish();
    });
    const timer = setTimeout(() => finish(new Error(`${file} does not hold the expected text after ${timeoutMs} ms; it holds:\n${read()}`)), timeoutMs);
    // Checked after the watch starts, so a write between the two is not missed.
    if (read() === expected) finish();
  });
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
