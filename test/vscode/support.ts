/** What both runners share: the workspace copy and reading the suite's results. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';
import type { SuiteResults } from './suite/index';

export { REPO_ROOT };
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
export const SUITE_DIR = path.join(REPO_ROOT, 'out', 'test', 'vscode', 'suite');
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'vscode', 'workspace');

/** A fresh copy of the fixture workspace, so tests may write settings and scratch files into it. */
export function copyWorkspace(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `distroless-vscode-${label}-`));
  fs.cpSync(FIXTURE_WORKSPACE, dir, { recursive: true, filter: (source) => path.basename(source) !== '.scratch' });
  return dir;
}

export function readSuiteResults(file: string): SuiteResults {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
}

export function printSuiteResults(results: SuiteResults): void {
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip';
    console.log(`  ${mark} ${t.title}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`);
  }
  for (const f of results.failures) {
    console.log(`\n  FAILED: ${f.title}\n    ${(f.stack ?? f.message).split('\n').join('\n    ')}`);
  }
}
