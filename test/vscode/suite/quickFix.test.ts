import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { applyAction, closeAllEditors, diagnosticOf, fixtureCopy, fixtureText, openDockerfile, quickFixesAt, waitForRule } from './helpers';

/**
 * The quick fixes VS Code offers on a diagnostic's range, as the lightbulb lists them.
 * (vscode.executeCodeActionProvider drops CodeAction.diagnostics, so fixes are told apart by title.)
 */
async function fixFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic, title: string): Promise<vscode.CodeAction> {
  const actions = await quickFixesAt(uri, diagnostic.range);
  const fix = actions.find((a) => a.title === title);
  assert.ok(fix, `"${title}" among the quick fixes offered: ${actions.map((a) => a.title).join(' | ') || 'none'}`);
  assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
  return fix;
}

describe('quick fixes', () => {
  afterEach(closeAllEditors);

  it('rewrite shell form as exec form, and the diagnostic goes away', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    const editor = await openDockerfile(uri);
    const shellForm = diagnosticOf(await waitForRule(uri, 'shell-form-in-shellless-stage'), 'shell-form-in-shellless-stage');
    const fix = await fixFor(uri, shellForm, 'Rewrite as exec form: CMD ["/app", "--serve"]');
    assert.equal(fix.isPreferred, true);
    await applyAction(fix);
    assert.equal(editor.document.getText(), fixtureText('scratch-shell-form/Dockerfile').replace('CMD /app --serve', 'CMD ["/app", "--serve"]'));
    await waitForRule(uri, 'shell-form-in-shellless-stage', false);
  });

  it('add a non-root USER before the shipped stage\'s CMD', async () => {
    const uri = fixtureCopy('go-single-stage/Dockerfile');
    const editor = await openDockerfile(uri);
    const root = diagnosticOf(await waitForRule(uri, 'runs-as-root'), 'runs-as-root');
    await applyAction(await fixFor(uri, root, 'Add USER 65532:65532'));
    assert.equal(editor.document.getText(), fixtureText('go-single-stage/Dockerfile').replace('CMD ["hello"]', 'USER 65532:65532\nCMD ["hello"]'));
    await waitForRule(uri, 'runs-as-root', false);
  });

  it('move a distroless base to its :nonroot tag', async () => {
    const uri = fixtureCopy('distroless-root/Dockerfile');
    const editor = await openDockerfile(uri);
    const root = diagnosticOf(await waitForRule(uri, 'runs-as-root'), 'runs-as-root');
    const fix = await fixFor(uri, root, 'Use the :nonroot tag (uid 65532)');
    assert.equal(fix.isPreferred, true);
    await applyAction(fix);
    assert.equal(
      editor.document.getText(),
      '# A static binary on distroless static: the base image defaults to root.\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY hello /hello\nENTRYPOINT ["/hello"]\n',
    );
    await waitForRule(uri, 'runs-as-root', false);
  });
});
