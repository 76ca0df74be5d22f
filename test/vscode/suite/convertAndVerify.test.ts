import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { VerifyReport } from '../../../server/src/docker/verify';
import { REPO_ROOT } from '../../support/paths';
import { ensureToolsImage } from '../../docker/fixtures';
import { closeAllEditors, engineOrSkip, fixtureCopy, fixtureText, openDockerfile, waitForRule, workspaceRoot } from './helpers';

/** A Go hello server on golang:1.22, one of the offline stand-in images; WORKDIR /app as in issue 15's defect. */
const FIXTURE = 'go-verify/Dockerfile';

/** The conversion the diff's right side shows, spelt out so that a change in the engine's output is a visible diff here. */
const CONVERTED = `# A Go hello server for Convert and Verify: golang:1.22 is a stand-in image here (test/docker/standins.sh).
FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o server .
EXPOSE 8080
CMD ["./server"]

# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).
FROM gcr.io/distroless/static-debian13:nonroot
EXPOSE 8080
WORKDIR /app
COPY --from=build /app/server /usr/local/bin/server
ENTRYPOINT ["/usr/local/bin/server"]
`;

/**
 * The stand-in base images (test/docker/standins.sh: seconds when they exist, a debootstrap
 * when not), run without blocking the extension host.
 */
function buildStandins(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(REPO_ROOT, 'test/docker/standins.sh')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the stand-in images could not be built (exit ${code}):\n${stderr}`))));
  });
}

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
    const uri = fixtureFolderCopy(FIXTURE);
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
    assert.equal((await vscode.workspace.openTextDocument(diffInput.modified)).getText(), CONVERTED, 'the diff\'s right side is the conversion');

    const reportTab = tabs().find((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'distroless-verify-report');
    assert.ok(reportTab, `the report is open; tabs: ${tabs().map((t) => t.label).join(', ')}`);
    assert.notEqual(reportTab.group.viewColumn, diff.group.viewColumn, 'the report is beside the diff, not behind it');
    const text = (await vscode.workspace.openTextDocument((reportTab.input as vscode.TabInputText).uri)).getText();
    const lines = text.split('\n');
    assert.equal(lines[0], 'Convert and Verify: Dockerfile → gcr.io/distroless/static-debian13:nonroot');
    // Both sides, one column each, on every row.
    assert.match(text, /^ +original +converted$/m);
    assert.match(text, /^built +yes +yes$/m);
    assert.match(text, /^shell +\/bin\/sh +none$/m);
    assert.match(text, /^main process user +0:0 +65532:65532$/m);
    assert.match(text, /^started +yes +yes$/m);
    assert.match(text, /^up after \d+ s +yes +yes$/m);
    assert.match(text, /^port 8080\/tcp +answers +answers$/m);
    assert.match(text, /^Verified: the converted image builds, starts, keeps running and answers like the original, without a shell\.$/m);

    assert.equal(editor.document.getText(), fixtureText(FIXTURE), 'nothing is applied without the answer to the question');
  });
});
