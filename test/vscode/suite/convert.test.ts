import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureCopy, fixtureText, openDockerfile, waitForRule } from './helpers';

const FIXTURE = 'go-single-stage/Dockerfile';

/**
 * What the converter makes of the Go fixture, spelt out so that a change in the
 * engine's output is a visible diff here and not a silently updated snapshot.
 */
const CONVERTED = `# A Go service built and shipped on the toolchain image: ~800 MB, root, a shell.
FROM golang:1.23 AS build
WORKDIR /src
COPY go.mod ./
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /usr/local/bin/hello .
EXPOSE 8080
CMD ["hello"]

# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).
FROM gcr.io/distroless/static-debian13:nonroot
EXPOSE 8080
WORKDIR /src
COPY --from=build /usr/local/bin/hello /app
ENTRYPOINT ["/app"]
`;

/** The diff tab showing a proposed conversion, once it is open. */
async function proposalTab(): Promise<vscode.Tab> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'distroless-converted');
    if (tab) return tab;
    if (Date.now() > deadline) throw new Error('no diff of a proposed conversion opened');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Convert to Distroless', () => {
  afterEach(closeAllEditors);

  it('shows the conversion in a diff with Apply and Discard (no modal): Discard leaves the file, Apply converts it', async () => {
    const uri = fixtureCopy(FIXTURE);
    const editor = await openDockerfile(uri);
    await waitForRule(uri, 'final-stage-full-os');

    await vscode.commands.executeCommand('distroless.convertToDistroless', uri);
    const shown = await proposalTab();
    assert.equal((shown.input as vscode.TabInputTextDiff).original.toString(), uri.toString());
    const proposed = await vscode.workspace.openTextDocument((shown.input as vscode.TabInputTextDiff).modified);
    assert.equal(proposed.getText(), CONVERTED, 'the right side is the conversion');
    await vscode.commands.executeCommand('distroless.discardConversion');
    assert.equal(editor.document.getText(), fixtureText(FIXTURE), 'Discard changes nothing');
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'distroless-converted'), false, 'the diff closed');

    await vscode.commands.executeCommand('distroless.convertToDistroless', uri);
    await proposalTab();
    await vscode.commands.executeCommand('distroless.applyConversion');
    assert.equal(editor.document.getText(), CONVERTED);
  });

  it('with { confirm: false } rewrites the Dockerfile to a distroless runtime stage, as one undoable edit', async () => {
    const uri = fixtureCopy(FIXTURE);
    const editor = await openDockerfile(uri);
    await waitForRule(uri, 'final-stage-full-os');

    await vscode.commands.executeCommand('distroless.convertToDistroless', uri, { confirm: false });

    assert.equal(editor.document.getText(), CONVERTED);
    assert.equal(editor.document.isDirty, true, 'the conversion is an edit in the editor, not a write behind its back');
    await waitForRule(uri, 'final-stage-full-os', false);

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), fixtureText(FIXTURE), 'one undo restores the original');
  });

  it('leaves an already distroless Dockerfile alone', async () => {
    const uri = fixtureCopy('node-old-distroless/Dockerfile');
    const editor = await openDockerfile(uri);
    const before = editor.document.getText();
    const version = editor.document.version;

    await vscode.commands.executeCommand('distroless.convertToDistroless', uri, { confirm: false });

    assert.equal(editor.document.getText(), before);
    assert.equal(editor.document.version, version, 'no edit was applied, not even an identical one');
  });
});
