/**
 * The Convert quick fix (on final-stage-full-os) previews as the Convert command does:
 * the diff first, nothing changed until Apply, and the diff's title says when the build
 * stage's image changes (node:latest → node:24), as the notification beside it does.
 */
import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, diagnosticOf, EVENT_TIMEOUT_MS, fixtureCopy, fixtureText, openDockerfile, quickFixesAt, waitForRule } from './helpers';

const FIXTURE = 'node-latest/Dockerfile';

async function proposalTab(): Promise<vscode.Tab> {
  const deadline = Date.now() + EVENT_TIMEOUT_MS;
  for (;;) {
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'distroless-converted');
    if (tab) return tab;
    if (Date.now() > deadline) throw new Error('no diff of a proposed conversion opened');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the Convert quick fix', () => {
  afterEach(closeAllEditors);

  it('shows the diff first, names the build stage\'s new image, and changes nothing until Apply', async () => {
    const uri = fixtureCopy(FIXTURE);
    const editor = await openDockerfile(uri);
    const fullOs = diagnosticOf(await waitForRule(uri, 'final-stage-full-os'), 'final-stage-full-os');
    const fixes = (await quickFixesAt(uri, fullOs.range)).filter((a) => a.title.startsWith('Convert'));
    assert.deepEqual(fixes.map((a) => a.title), ['Convert to Distroless (shows the changes first)']);
    const [convert] = fixes;
    assert.equal(convert!.edit, undefined, 'no whole-file edit behind the quick fix');
    assert.ok(convert!.command);
    await vscode.commands.executeCommand(convert!.command.command, ...(convert!.command.arguments ?? []));
    const tab = await proposalTab();
    assert.equal(tab.label, 'Dockerfile ↔ distroless (gcr.io/distroless/nodejs24-debian13:nonroot), build stage node:latest → node:24');
    assert.equal(editor.document.getText(), fixtureText(FIXTURE), 'nothing changed yet');
    await vscode.commands.executeCommand('distroless.applyConversion');
    assert.match(editor.document.getText(), /^FROM node:24 AS build$/m);
  });
});
