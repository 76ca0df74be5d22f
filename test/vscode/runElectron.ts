/**
 * `npm run test:vscode`: the extension suite in a VS Code desktop build that
 * @vscode/test-electron downloads (so it needs the internet; CI uses
 * runCodeServer.sh instead, with the same suite).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { copyWorkspace, printSuiteResults, readSuiteResults, REPO_ROOT, RESULTS_DIR, SUITE_DIR } from './support';

async function main(): Promise<number> {
  const resultsFile = path.join(RESULTS_DIR, 'vscode-suite.json');
  fs.rmSync(resultsFile, { force: true });
  const workspace = copyWorkspace('electron');
  let exitCode: number;
  try {
    exitCode = await runTests({
      // engines.vscode is ^1.100.0; VSCODE_VERSION=stable (or another) tries a newer one.
      version: process.env.VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: SUITE_DIR,
      extensionTestsEnv: { DISTROLESS_TEST_RESULTS: resultsFile },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } catch (error) {
    // runTests rejects when VS Code exits non-zero, which a failing suite makes it do.
    console.error(error instanceof Error ? error.message : error);
    exitCode = 1;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  if (!fs.existsSync(resultsFile)) {
    console.error(`the extension suite never reported (no ${resultsFile})`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const results = readSuiteResults(resultsFile);
  printSuiteResults(results);
  console.log(`${results.passed} passed, ${results.failed} failed`);
  return results.failed > 0 || results.passed === 0 ? 1 : exitCode;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
