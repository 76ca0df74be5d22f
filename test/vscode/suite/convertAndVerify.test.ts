import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { VerifyReport } from '../../../server/src/docker/verify';
import { ensureToolsImage } from '../../docker/fixtures';
import { buildStandins } from '../../docker/standins';
import { GO_VERIFY_CONVERTED, GO_VERIFY_DOCKERFILE, GO_VERIFY_RUNTIME } from '../goVerify';
import { closeAllEditors, engineOrSkip, fixtureCopy, fixtureText, openDockerfile, waitForRule, workspaceRoot } from './helpers';

/** The Dockerfile and the files beside it (the build context) in a fresh scratch folder. */
function fixtureFolderCopy(relativePath: string): vscode.Uri {
  const uri = fixtureCopy(relativePath);
  const source = path.join(workspaceRoot(), path.dirname(relativePath));
  for (const file of fs.readdirSync(source)) {
    if (file !== path.basename(relativePath)) fs.copyFileSync(path.join(source, file), path.join(path.dirname(uri.fsPath), file));
  }
  return uri;
}

function tabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

describe('Convert and Verify (real Docker engine)', () => {
  before(async function () {
    // CI builds the stand-ins in the background meanwhile (about 20 minutes on a fresh machine); standins.sh waits for that run.
    this.timeout(28 * 60_000);
    const docker = await engineOrSkip(this);
    // The port probe runs in the sidecar's tools image (busybox nc), built locally when missing.
    await ensureToolsImage(docker);
    await buildStandins();
  });

  after(closeAllEditors);

  it('builds and runs the original and the converted image, then opens the report with both sides beside the diff', async function () {
    this.timeout(10 * 60_000);
    assert.equal(vscode.workspace.isTrusted, true, 'Convert and Verify runs only in a trusted workspace; the test workspace must be trusted');
    const uri = fixtureFolderCopy(GO_VERIFY_DOCKERFILE);
    const editor = await openDockerfile(uri);
    await waitForRule(uri, 'final-stage-full-os');

    const report = await vscode.commands.executeCommand<VerifyReport | undefined>('distroless.convertAndVerify', uri, { ask: false });
    assert.ok(report, 'the command returned its report (undefined: it stopped early; the Distroless log says why)');
    assert.equal(report.verified, true, `verified; problems: ${report.problems.join('; ')}`);
    for (const side of ['original', 'converted'] as const) {
      assert.equal(report[side].built, true, `${side} built`);
      assert.equal(report[side].started, true, `${side} started`);
      assert.equal(report[side].stayedUp, true, `${side} stayed up`);
      assert.deepEqual(report[side].ports.map((p) => `${p.port}/${p.protocol} ${p.answering ? 'answers' : 'silent'}`), ['8080/tcp answers'], `${side}: port 8080 answers`);
    }
    assert.equal(report.original.hasShell, true, 'the original (golang stand-in) has a shell');
    assert.equal(report.converted.hasShell, false, 'the converted image has none');
    assert.equal(report.converted.user, '65532:65532', 'the converted app runs as nonroot, read from its process');

    const diff = tabs().find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'distroless-converted');
    assert.ok(diff, `the diff of the conversion is open; tabs: ${tabs().map((t) => t.label).join(', ')}`);
    const diffInput = diff.input as vscode.TabInputTextDiff;
    assert.equal(diffInput.original.toString(), uri.toString(), 'the diff\'s left side is the Dockerfile');
    assert.equal((await vscode.workspace.openTextDocument(diffInput.modified)).getText(), GO_VERIFY_CONVERTED, 'the diff\'s right side is the conversion');

    const reportTab = tabs().find((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'distroless-verify-report');
    assert.ok(reportTab, `the report is open; tabs: ${tabs().map((t) => t.label).join(', ')}`);
    assert.notEqual(reportTab.group.viewColumn, diff.group.viewColumn, 'the report is beside the diff, not behind it');
    const text = (await vscode.workspace.openTextDocument((reportTab.input as vscode.TabInputText).uri)).getText();
    const lines = text.split('\n');
    // The verdict is the first line; what was converted to what is at the end.
    assert.equal(lines[0], 'Verified: the converted image builds, starts, keeps running and answers like the original, without a shell.');
    assert.ok(lines.includes(`Convert and Verify: Dockerfile → ${GO_VERIFY_RUNTIME}`), text);
    // Both sides, one column each, on every row.
    assert.match(text, /^ +original +converted$/m);
    assert.match(text, /^built +yes +yes$/m);
    assert.match(text, /^shell +\/bin\/sh +none$/m);
    assert.match(text, /^main process user +0:0 +65532:65532$/m);
    assert.match(text, /^started +yes +yes$/m);
    assert.match(text, /^up after \d+ s +yes +yes$/m);
    assert.match(text, /^port 8080\/tcp +answers +answers$/m);
    assert.match(text, /^Verified: the converted image builds, starts, keeps running and answers like the original, without a shell\.$/m);

    assert.equal(editor.document.getText(), fixtureText(GO_VERIFY_DOCKERFILE), 'nothing is applied without the answer to the question');
  });
});
