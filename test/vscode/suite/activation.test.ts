import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, EXTENSION_ID, fixtureCopy, openDockerfile, waitForRule } from './helpers';
import { resultsPath } from './index';

/**
 * Where the activation timings go (beside the suite's results): docs/benchmarks.md
 * reports them. Recorded, never asserted: a busy machine changes the numbers, not the verdict.
 */
const activationResultsPath = (): string => path.join(path.dirname(resultsPath()), 'vscode-activation.json');

// Runs first (files run in name order) in a fresh profile, where nothing has opened a Dockerfile yet.
describe('activation', () => {
  afterEach(closeAllEditors);

  it('is installed, idle until a Dockerfile opens, then active with diagnostics and commands', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded from extensionDevelopmentPath`);
    assert.equal(extension.isActive, false, 'activation is onLanguage:dockerfile only, so nothing has activated it yet');

    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    const opening = performance.now();
    const editor = await openDockerfile(uri);
    const opened = performance.now();
    assert.equal(editor.document.languageId, 'dockerfile');
    // The activation the open started (activate() returns the one in flight): loading
    // dist/client.js, registering commands and views, starting the language server.
    await extension.activate();
    const activated = performance.now();
    // Diagnostics come from the language server that activation starts: seeing them
    // proves activation ran to the end, without polling isActive.
    await waitForRule(uri, 'shell-form-in-shellless-stage');
    const diagnosed = performance.now();
    assert.equal(extension.isActive, true);
    const client = path.join(extension.extensionPath, 'dist', 'client.js');
    fs.mkdirSync(path.dirname(activationResultsPath()), { recursive: true });
    fs.writeFileSync(activationResultsPath(), `${JSON.stringify({
      openEditorMs: Math.round(opened - opening),
      activationMs: Math.round(activated - opening),
      firstDiagnosticsMs: Math.round(diagnosed - opening),
      clientBundleBytes: fs.statSync(client).size,
      recordedAt: new Date().toISOString(),
    }, null, 2)}\n`);

    const commands = await vscode.commands.getCommands(true);
    for (const id of ['distroless.fixAll', 'distroless.restartServer']) assert.ok(commands.includes(id), `${id} is registered`);
  });

  it('treats a Containerfile as a Dockerfile (contributed file name)', async () => {
    const uri = fixtureCopy('containerfile/Containerfile');
    const editor = await openDockerfile(uri);
    assert.equal(editor.document.languageId, 'dockerfile');
    await waitForRule(uri, 'shell-form-in-shellless-stage');
  });

  it('keeps checking after distroless.restartServer', async () => {
    const uri = fixtureCopy('distroless-root/Dockerfile');
    const editor = await openDockerfile(uri);
    await waitForRule(uri, 'runs-as-root');
    await vscode.commands.executeCommand('distroless.restartServer');
    // Stopping the client clears its diagnostics, so seeing the rule again proves the
    // new server checked the open document, and the edit proves it follows changes.
    await waitForRule(uri, 'runs-as-root');
    await editor.edit((b) => b.insert(new vscode.Position(editor.document.lineCount - 1, 0), 'USER 65532\n'));
    await waitForRule(uri, 'runs-as-root', false);
  });
});
