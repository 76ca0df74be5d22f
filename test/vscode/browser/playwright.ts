/**
 * playwright-core is installed by test/vscode/installTools.sh outside the project's
 * dependencies (so `npm ci` and the type check need none of it); this is the part
 * of its API the runner and the journeys use, typed here and loaded from that folder.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

export interface WaitOptions {
  state?: 'attached' | 'detached' | 'visible' | 'hidden';
  timeout?: number;
}

export interface Locator {
  click(options?: { button?: 'left' | 'right' | 'middle'; position?: { x: number; y: number }; timeout?: number }): Promise<void>;
  count(): Promise<number>;
  filter(options: { hasText?: string | RegExp; hasNotText?: string | RegExp }): Locator;
  first(): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
  innerText(options?: { timeout?: number }): Promise<string>;
  boundingBox(options?: { timeout?: number }): Promise<{ x: number; y: number; width: number; height: number } | null>;
  hover(options?: { timeout?: number }): Promise<void>;
  isVisible(): Promise<boolean>;
  locator(selector: string): Locator;
  waitFor(options?: WaitOptions): Promise<void>;
}

export interface ConsoleMessage {
  type(): string;
  text(): string;
}

export interface Page {
  goto(url: string, options?: { waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' | 'commit'; timeout?: number }): Promise<unknown>;
  locator(selector: string): Locator;
  keyboard: {
    press(key: string): Promise<void>;
    type(text: string, options?: { delay?: number }): Promise<void>;
  };
  screenshot(options: { path: string; fullPage?: boolean; animations?: 'disabled' | 'allow' }): Promise<Buffer>;
  setDefaultTimeout(timeoutMs: number): void;
  on(event: 'console', listener: (message: ConsoleMessage) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  close(): Promise<void>;
}

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

export interface PlaywrightCore {
  chromium: {
    launch(options: { executablePath: string; headless?: boolean; args?: string[]; timeout?: number }): Promise<Browser>;
  };
}

export function loadPlaywright(toolsDir: string): PlaywrightCore {
  const requireFromTools = createRequire(path.join(toolsDir, 'package.json'));
  return requireFromTools('playwright-core') as PlaywrightCore;
}

/** Flags from the recipe: no sandbox as root, and nothing that reaches for the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
