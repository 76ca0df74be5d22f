import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureCopy, openDockerfile } from './helpers';

function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

describe('editing features from dockerfile-language-service', () => {
  afterEach(closeAllEditors);

  it('formatting removes the stray indentation', async () => {
    const uri = fixtureCopy('format/Dockerfile');
    const editor = await openDockerfile(uri);
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>(
      'vscode.executeFormatDocumentProvider', uri, { tabSize: 4, insertSpaces: true },
    );
    assert.ok(edits && edits.length > 0, 'the formatter answers with edits');
    const edit = new vscode.WorkspaceEdit();
    edit.set(uri, edits);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.equal(editor.document.getText(), 'FROM node:22 AS build\nRUN echo hi\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nCOPY --from=build /a /a\n');
  });

  it('hover on an instruction explains it', async () => {
    const uri = fixtureCopy('format/Dockerfile');
    await openDockerfile(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 1));
    const text = hoverText(hovers ?? []);
    assert.match(text, /Set the `baseImage` to use for subsequent instructions/, `hover on FROM, got: ${text.slice(0, 200)}`);
  });
});
