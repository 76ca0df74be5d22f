import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { applyAction, closeAllEditors, fixtureCopy, fixtureText, openDockerfile, quickFixesAt, ruleOf, waitForRules } from './helpers';

/**
 * The quick fixes VS Code offers on a diagnostic's range, as the lightbulb lists them.
 * (vscode.executeCodeActionProvider drops CodeAction.diagnostics, so fixes are told apart by title.)
 */
function fixesFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  return quickFixesAt(uri, diagnostic.range);
}

describe('quick fixes', () => {
  afterEach(closeAllEditors);

  it('rewrite shell form as exec form, and the diagnostic goes away', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    const editor = await openDockerfile(uri);
    const ours = await waitForRules(uri, ['go-cgo-enabled-for-static', 'shell-form-in-shellless-stage']);
    const shellForm = ours.find((d) => ruleOf(d) === 'shell-form-in-shellless-stage');
    assert.ok(shellForm);

    const fixes = await fixesFor(uri, shellForm);
    assert.deepEqual(fixes.map((f) => f.title), ['Rewrite as exec form: CMD ["/app", "--serve"]']);
    assert.equal(fixes[0].isPreferred, true);
    assert.equal(fixes[0].kind?.value, vscode.CodeActionKind.QuickFix.value);
    await applyAction(fixes[0]);

    assert.equal(editor.document.getText(), fixtureText('scratch-shell-form/Dockerfile').replace('CMD /app --serve', 'CMD ["/app", "--serve"]'));
    await waitForRules(uri, ['go-cgo-enabled-for-static']);
  });

  it('add a non-root USER at the end of the shipped stage', async () => {
    const uri = fixtureCopy('go-single-stage/Dockerfile');
    const editor = await openDockerfile(uri);
    const ours = await waitForRules(uri, ['final-stage-full-os', 'runs-as-root']);
    const root = ours.find((d) => ruleOf(d) === 'runs-as-root');
    assert.ok(root);
    const fixes = await fixesFor(uri, root);
    // final-stage-full-os shares the range but has no automatic fix (that is the conversion's job).
    assert.deepEqual(fixes.map((f) => f.title), ['Add USER 65532:65532 at the end of the stage']);
    await applyAction(fixes[0]);
    assert.equal(editor.document.getText(), `${fixtureText('go-single-stage/Dockerfile')}USER 65532:65532\n`);
    await waitForRules(uri, ['final-stage-full-os']);
  });

  it('move a distroless base to its :nonroot tag', async () => {
    const uri = fixtureCopy('distroless-root/Dockerfile');
    const editor = await openDockerfile(uri);
    const [root] = await waitForRules(uri, ['runs-as-root']);
    const fixes = await fixesFor(uri, root);
    assert.deepEqual(fixes.map((f) => f.title), ['Use the :nonroot tag (uid 65532)']);
    assert.equal(fixes[0].isPreferred, true);
    await applyAction(fixes[0]);
    assert.equal(
      editor.document.getText(),
      '# A static binary on distroless static: the base image defaults to root.\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY hello /hello\nENTRYPOINT ["/hello"]\n',
    );
    await waitForRules(uri, []);
  });
});
