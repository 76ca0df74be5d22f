import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { applyAction, closeAllEditors, fixtureCopy, fixtureText, openDockerfile, rulesOf, waitForDiagnostics, waitForRule } from './helpers';

// Only the CMD changes: moving nodejs20 to nodejs22 may not run what was built for
// Node 20, and changing the runtime user may stop the app, so those two are quick fixes.
const nodeFixed = () => fixtureText('node-old-distroless/Dockerfile').replace('CMD ["node", "server.js"]', 'CMD ["server.js"]');

const SCRATCH_FIXED =
  'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app .\n' +
  'FROM gcr.io/distroless/static-debian13\nCOPY --from=build /out/app /app\nUSER 65532:65532\nCMD ["/app", "--serve"]\n';

describe('fix all', () => {
  afterEach(closeAllEditors);

  it('the distroless.fixAll command fixes every fixable problem in the active editor', async () => {
    const uri = fixtureCopy('node-old-distroless/Dockerfile');
    const editor = await openDockerfile(uri);
    await waitForRule(uri, 'runtime-entrypoint-duplicated');
    await vscode.commands.executeCommand('distroless.fixAll');
    assert.equal(editor.document.getText(), nodeFixed());
    await waitForDiagnostics(uri, (ours) => !rulesOf(ours).includes('runtime-entrypoint-duplicated')
      && rulesOf(ours).includes('runs-as-root') && rulesOf(ours).includes('distroless-end-of-life'));
  });

  it('is offered as the source.fixAll.distroless code action', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    const editor = await openDockerfile(uri);
    await waitForRule(uri, 'shell-form-in-shellless-stage');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll.value,
    );
    const ours = (actions ?? []).filter((a) => a.kind?.value === 'source.fixAll.distroless');
    assert.equal(ours.length, 1, `one fix-all action among ${(actions ?? []).map((a) => a.kind?.value).join(', ')}`);
    await applyAction(ours[0]);
    assert.equal(editor.document.getText(), SCRATCH_FIXED);
    await waitForRule(uri, 'shell-form-in-shellless-stage', false);
  });

  it('leaves a Dockerfile with nothing to fix unchanged', async () => {
    const uri = fixtureCopy('format/Dockerfile');
    const editor = await openDockerfile(uri);
    await vscode.commands.executeCommand('distroless.fixAll');
    assert.equal(editor.document.getText(), fixtureText('format/Dockerfile'));
    assert.equal(editor.document.isDirty, false);
  });
});
