/**
 * CI's way to run the extension suite and the user journeys: VS Code's server from
 * the npm package code-server, with headless Debian Chromium as the window
 * (shared/recipes/vscode-in-a-browser.md). Called by test/vscode/runCodeServer.sh,
 * which installs the tools first.
 *
 *   node out/test/vscode/browser/runInBrowser.js [suite] [journey]   (default: both)
 *
 * Exits non-zero when a test fails, when the suite never reports, or when a
 * journey fails; its last line is "N passed, N failed".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, RunningServer } from './codeServer';
import { Browser, CHROMIUM_ARGS, loadPlaywright, Page } from './playwright';
import { JOURNEYS } from '../journey/index';
import { ensureDir, JourneySkipped, waitForWorkbench } from '../journey/workbench';
import { copyWorkspace, printSuiteResults, readSuiteResults, REPO_ROOT, RESULTS_DIR, SUITE_DIR } from '../support';
import type { SuiteResults } from '../suite/index';

const TOOLS_DIR = process.env.DISTROLESS_TOOLS_DIR ?? path.join(REPO_ROOT, '.tools', 'code-server');
const CHROMIUM = process.env.DISTROLESS_CHROMIUM ?? '/usr/bin/chromium';
/**
 * The suite takes about half a minute here, plus about three for Convert and Verify's two
 * builds, which first waits for the stand-in images CI builds in the background (about
 * 20 minutes on a fresh machine); a hung extension host must still not eat CI's 90 minutes.
 */
const SUITE_TIMEOUT_MS = Number(process.env.DISTROLESS_SUITE_TIMEOUT_MS ?? 30 * 60_000);
const JOURNEY_TIMEOUT_MS = Number(process.env.DISTROLESS_JOURNEY_TIMEOUT_MS ?? 180_000);
/** Only the journeys whose name contains this (as DISTROLESS_SUITE_GREP picks suite tests). */
const JOURNEY_GREP = process.env.DISTROLESS_JOURNEY_GREP ?? '';
const SUITE_RESULTS = path.join(RESULTS_DIR, 'vscode-suite.json');
const VIEWPORT = { width: 1280, height: 800 };
/** Where journeys put the pictures the README shows; written only on request (docs/testing.md). */
const README_SCREENSHOTS = path.join(REPO_ROOT, 'media', 'screenshots');
const UPDATE_SCREENSHOTS = process.env.DISTROLESS_UPDATE_SCREENSHOTS === '1';

interface Tally {
  passed: number;
  failed: number;
}

function workbenchUrl(server: RunningServer, workspace: string, payload: Array<[string, string]>): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const entries = payload.map(([key, value]) => [key, remote(value)]);
  return `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(entries))}`;
}

/** The page's console goes to a log file; errors also go to stdout, since they explain a suite that never reports. */
function recordConsole(page: Page, logFile: string): void {
  const log = fs.createWriteStream(logFile);
  page.on('console', (message) => {
    log.write(`[${message.type()}] ${message.text()}\n`);
  });
  page.on('pageerror', (error) => {
    log.write(`[pageerror] ${error.stack ?? error.message}\n`);
  });
}

function timeout<T>(ms: number, what: string): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Resolves with the results file once the suite has written it. Fails early when
 * the extension host exits without writing it, and after SUITE_TIMEOUT_MS.
 */
function waitForSuiteResults(server: RunningServer): { promise: Promise<SuiteResults>; cancel: () => void } {
  const dir = path.dirname(SUITE_RESULTS);
  const name = path.basename(SUITE_RESULTS);
  let settle: (() => void) | undefined;
  const promise = new Promise<SuiteResults>((resolve, reject) => {
    let done = false;
    const finish = (error: Error | undefined): void => {
      if (done) return;
      done = true;
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(readSuiteResults(SUITE_RESULTS));
    };
    settle = () => finish(new Error('cancelled'));
    // The suite renames a complete file into place, so its appearance means it is whole.
    const watcher = fs.watch(dir, (_event, file) => {
      if (file === name && fs.existsSync(SUITE_RESULTS)) finish(undefined);
    });
    const timer = setTimeout(() => finish(new Error(`the extension suite did not report within ${SUITE_TIMEOUT_MS} ms`)), SUITE_TIMEOUT_MS);
    server.onExtensionHostExit((code) => {
      // The results are written before run() returns, so before the host exits.
      if (fs.existsSync(SUITE_RESULTS)) finish(undefined);
      else finish(new Error(`the extension host exited with code ${code} and the suite wrote no results`));
    });
    if (fs.existsSync(SUITE_RESULTS)) finish(undefined);
  });
  return { promise, cancel: () => settle?.() };
}

async function runSuite(browser: Browser, server: RunningServer, tally: Tally): Promise<void> {
  console.log('== extension suite in VS Code (code-server) + headless Chromium');
  ensureDir(RESULTS_DIR);
  fs.rmSync(SUITE_RESULTS, { force: true });
  const workspace = copyWorkspace('suite');
  const page = await browser.newPage({ viewport: VIEWPORT });
  recordConsole(page, path.join(RESULTS_DIR, 'vscode-suite-console.log'));
  const results = waitForSuiteResults(server);
  try {
    await page.goto(workbenchUrl(server, workspace, [['extensionDevelopmentPath', REPO_ROOT], ['extensionTestsPath', SUITE_DIR]]));
    const outcome = await results.promise;
    printSuiteResults(outcome);
    tally.passed += outcome.passed;
    tally.failed += outcome.failed;
    if (outcome.passed + outcome.failed === 0) {
      console.log('  FAIL the suite ran no test');
      tally.failed++;
    }
  } catch (error) {
    results.cancel();
    console.log(`  FAIL ${error instanceof Error ? error.message : String(error)}`);
    console.log(`       (server log: ${path.relative(REPO_ROOT, path.join(RESULTS_DIR, 'code-server.log'))}, page console: test-results/vscode-suite-console.log)`);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'vscode-suite-failure.png') }).catch(() => undefined);
    tally.failed++;
  } finally {
    await page.close().catch(() => undefined);
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

async function runJourneys(browser: Browser, server: RunningServer, kubeconfig: string, tally: Tally): Promise<void> {
  console.log('== user journeys through the page');
  ensureDir(RESULTS_DIR);
  for (const old of fs.readdirSync(RESULTS_DIR)) if (/^journey-.*\.png$/.test(old)) fs.rmSync(path.join(RESULTS_DIR, old));
  for (const journey of JOURNEYS) {
    if (!journey.name.includes(JOURNEY_GREP)) continue;
    const workspace = copyWorkspace(`journey-${journey.name}`);
    const page = await browser.newPage({ viewport: VIEWPORT });
    recordConsole(page, path.join(RESULTS_DIR, `journey-${journey.name}-console.log`));
    page.setDefaultTimeout(30_000);
    let step = 0;
    const started = Date.now();
    const screenshot = async (label: string, options?: { readme?: string }): Promise<string> => {
      step++;
      const file = path.join(RESULTS_DIR, `journey-${journey.name}-${String(step).padStart(2, '0')}-${label}.png`);
      // Menus fade in: a picture taken mid-fade shows them half transparent.
      await page.screenshot({ path: file, animations: 'disabled' });
      console.log(`       ${path.relative(REPO_ROOT, file)} at ${Date.now() - started} ms`);
      if (options?.readme && UPDATE_SCREENSHOTS) {
        const committed = path.join(README_SCREENSHOTS, options.readme);
        ensureDir(README_SCREENSHOTS);
        fs.copyFileSync(file, committed);
        console.log(`       updated ${path.relative(REPO_ROOT, committed)} (${Math.round(fs.statSync(committed).size / 1024)} KB)`);
      }
      return file;
    };
    const limit = timeout<void>(journey.timeoutMs ?? JOURNEY_TIMEOUT_MS, `journey ${journey.name}`);
    try {
      await Promise.race([
        (async () => {
          await page.goto(workbenchUrl(server, workspace, [['extensionDevelopmentPath', REPO_ROOT]]));
          await waitForWorkbench(page);
          console.log(`       workbench ready at ${Date.now() - started} ms`);
          await journey.run({ page, workspace, screenshot, kubeconfig });
        })(),
        limit.promise,
      ]);
      console.log(`  ok   ${journey.name} (${Date.now() - started} ms)`);
      tally.passed++;
    } catch (error) {
      if (error instanceof JourneySkipped) {
        console.log(`  skip ${journey.name}: ${error.message}`);
        continue;
      }
      console.log(`  FAIL ${journey.name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      await screenshot('failure').catch(() => undefined);
      tally.failed++;
    } finally {
      limit.cancel();
      await page.close().catch(() => undefined);
      fs.rmSync(workspace, { recursive: true, force: true });
      fs.rmSync(kubeconfig, { force: true });
    }
  }
}

async function main(): Promise<number> {
  const parts = process.argv.slice(2);
  const wanted = (part: string) => parts.length === 0 || parts.includes(part);
  const unknown = parts.filter((p) => p !== 'suite' && p !== 'journey');
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(', ')}: expected suite and/or journey`);
  const started = Date.now();
  ensureDir(RESULTS_DIR);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-vscode-server-'));
  const tally: Tally = { passed: 0, failed: 0 };
  const kubeconfig = path.join(dataDir, 'kubeconfig');
  const server = await startServer({
    toolsDir: TOOLS_DIR,
    dataDir,
    logFile: path.join(RESULTS_DIR, 'code-server.log'),
    pidFile: process.env.DISTROLESS_SERVER_PIDFILE,
    // The extension host inherits the server's environment: this is how the suite learns where to write,
    // and kubectl (run by the extension and in its terminals) which cluster a journey's test API server is.
    env: { ...process.env, DISTROLESS_TEST_RESULTS: SUITE_RESULTS, KUBECONFIG: kubeconfig },
    startTimeoutMs: 60_000,
  });
  serverPid = server.pid;
  console.log(`VS Code server pid ${server.pid} on 127.0.0.1:${server.port}`);
  let browser: Browser | undefined;
  try {
    browser = await loadPlaywright(TOOLS_DIR).chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    if (wanted('suite')) await runSuite(browser, server, tally);
    if (wanted('journey')) await runJourneys(browser, server, kubeconfig, tally);
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`ran in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}

let serverPid: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // Exiting here runs no finally block, so the server's process group (and only it) is ended first.
  process.once(signal, () => {
    if (serverPid !== undefined) {
      try {
        process.kill(-serverPid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    process.exit(130);
  });
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
