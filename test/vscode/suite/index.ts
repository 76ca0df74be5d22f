/**
 * The entry point VS Code calls as extensionTestsPath (the same `run()` for
 * @vscode/test-electron and for VS Code's server in a browser). Runs every
 * `*.test.js` beside it with mocha and writes a JSON summary, because in the
 * browser the runner cannot see this process's exit code or its console.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { REPO_ROOT } from '../../support/paths';

/** What the runners read. Written once, after the last test, or when loading fails. */
export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  tests: Array<{ title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number }>;
  failures: Array<{ title: string; message: string; stack?: string }>;
}

export const RESULTS_ENV = 'DISTROLESS_TEST_RESULTS';

export function resultsPath(): string {
  return process.env[RESULTS_ENV] || path.join(REPO_ROOT, 'test-results', 'vscode-suite.json');
}

function writeResults(file: string, results: SuiteResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written to a temporary name and renamed so that a runner watching for the
  // file never reads half of it.
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(partial, file);
}

export function run(): Promise<void> {
  const file = resultsPath();
  // A results file left by an earlier run must not pass for this one.
  fs.rmSync(file, { force: true });
  const started = Date.now();
  const results: SuiteResults = { passed: 0, failed: 0, pending: 0, durationMs: 0, tests: [], failures: [] };
  const finish = (): SuiteResults => {
    results.durationMs = Date.now() - started;
    writeResults(file, results);
    return results;
  };

  // DISTROLESS_SUITE_GREP runs only the tests whose full title matches (one feature's tests while working on it).
  const grep = process.env.DISTROLESS_SUITE_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  const testFiles = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of testFiles) mocha.addFile(path.join(__dirname, f));

  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const done = finish();
        if (failures > 0 || done.failed > 0) reject(new Error(`${done.failed} of ${done.passed + done.failed} extension tests failed`));
        else if (done.passed === 0) reject(new Error(`no extension test ran (looked for *.test.js in ${__dirname})`));
        else resolve();
      });
      runner.on('pass', (test) => {
        results.passed++;
        results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      });
      runner.on('pending', (test) => {
        results.pending++;
        results.tests.push({ title: test.fullTitle(), state: 'pending' });
      });
      // Hook failures ("before each" ...) arrive here too, so they count as failures.
      runner.on('fail', (test, error: Error) => {
        results.failed++;
        results.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration });
        results.failures.push({ title: test.fullTitle(), message: error.message, stack: error.stack });
      });
    } catch (error) {
      // A test file that throws while loading never reaches the runner's events.
      const e = error instanceof Error ? error : new Error(String(error));
      results.failed++;
      results.failures.push({ title: 'loading the test files', message: e.message, stack: e.stack });
      finish();
      reject(e);
    }
  });
}
