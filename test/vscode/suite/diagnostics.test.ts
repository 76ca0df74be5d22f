import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureCopy, openDockerfile, ruleOf, waitForDiagnostics, waitForRules } from './helpers';

function byRule(diagnostics: vscode.Diagnostic[], rule: string): vscode.Diagnostic {
  const found = diagnostics.find((d) => ruleOf(d) === rule);
  assert.ok(found, `a ${rule} diagnostic among ${diagnostics.map(ruleOf).join(', ')}`);
  return found;
}

describe('diagnostics', () => {
  afterEach(closeAllEditors);

  it('carry our source, the rule id as code with its documentation link, severity and range', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    await openDockerfile(uri);
    const ours = await waitForRules(uri, ['go-cgo-enabled-for-static', 'shell-form-in-shellless-stage']);

    const shellForm = byRule(ours, 'shell-form-in-shellless-stage');
    assert.equal(shellForm.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(
      [shellForm.range.start.line, shellForm.range.start.character, shellForm.range.end.line, shellForm.range.end.character],
      [5, 4, 5, 16],
    );
    assert.match(shellForm.message, /^CMD \/app --serve is in shell form/);
    const code = shellForm.code;
    assert.ok(typeof code === 'object' && code !== null, 'code carries a documentation target');
    assert.match(code.target.toString(true), /docs\/rules\.md#shell-form-in-shellless-stage$/);

    assert.equal(byRule(ours, 'go-cgo-enabled-for-static').severity, vscode.DiagnosticSeverity.Warning);
  });

  it('follow edits to the document', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    const editor = await openDockerfile(uri);
    await waitForRules(uri, ['go-cgo-enabled-for-static', 'shell-form-in-shellless-stage']);
    const cmdLine = editor.document.lineAt(5);
    await editor.edit((b) => b.replace(cmdLine.range, 'CMD ["/app", "--serve"]'));
    await waitForRules(uri, ['go-cgo-enabled-for-static']);
    await editor.edit((b) => b.replace(editor.document.lineAt(5).range, 'CMD /app'));
    await waitForRules(uri, ['go-cgo-enabled-for-static', 'shell-form-in-shellless-stage']);
  });

  it('follow the distroless.rules setting', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    await openDockerfile(uri);
    await waitForRules(uri, ['go-cgo-enabled-for-static', 'shell-form-in-shellless-stage']);
    const config = vscode.workspace.getConfiguration('distroless', uri);
    await config.update('rules', { 'go-cgo-enabled-for-static': 'off', 'shell-form-in-shellless-stage': 'hint' }, vscode.ConfigurationTarget.Workspace);
    try {
      const rated = await waitForDiagnostics(uri, (ours) => ours.length === 1 && ours[0].severity === vscode.DiagnosticSeverity.Hint);
      assert.equal(ruleOf(rated[0]), 'shell-form-in-shellless-stage');
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForRules(uri, ['go-cgo-enabled-for-static', 'shell-form-in-shellless-stage']);
  });
});
