import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, diagnosticOf, fixtureCopy, openDockerfile, ruleOf, rulesOf, waitForDiagnostics, waitForRule } from './helpers';

const SHELL_FORM = 'shell-form-in-shellless-stage';
const CGO = 'go-cgo-enabled-for-static';

describe('diagnostics', () => {
  afterEach(closeAllEditors);

  it('carry our source, the rule id as code with its documentation link, severity and range', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    await openDockerfile(uri);
    const ours = await waitForRule(uri, SHELL_FORM);

    const shellForm = diagnosticOf(ours, SHELL_FORM);
    assert.equal(shellForm.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(
      [shellForm.range.start.line, shellForm.range.start.character, shellForm.range.end.line, shellForm.range.end.character],
      [5, 4, 5, 16],
    );
    // One line, the headline; the explanation is in the hover at the diagnostic.
    assert.equal(shellForm.message, 'CMD in shell form needs /bin/sh, which this image lacks: use exec form');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, shellForm.range.start);
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hoverText, /\[shell-form-in-shellless-stage\]\([^)]*docs\/rules\.md#shell-form-in-shellless-stage\): CMD \/app --serve is in shell form/);
    for (const d of ours) {
      const code = d.code;
      assert.ok(typeof code === 'object' && code !== null, `${ruleOf(d)} carries a documentation target`);
      assert.match(code.target.toString(true), new RegExp(`docs/rules\\.md#${String(code.value)}$`));
    }
    assert.equal(diagnosticOf(ours, CGO).severity, vscode.DiagnosticSeverity.Warning);
  });

  it('follow edits to the document', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    const editor = await openDockerfile(uri);
    await waitForRule(uri, SHELL_FORM);
    await editor.edit((b) => b.replace(editor.document.lineAt(5).range, 'CMD ["/app", "--serve"]'));
    const after = await waitForRule(uri, SHELL_FORM, false);
    assert.ok(rulesOf(after).includes(CGO), 'the other problems stay');
    await editor.edit((b) => b.replace(editor.document.lineAt(5).range, 'CMD /app'));
    await waitForRule(uri, SHELL_FORM);
  });

  it('follow the distroless.rules setting', async () => {
    const uri = fixtureCopy('scratch-shell-form/Dockerfile');
    await openDockerfile(uri);
    await waitForRule(uri, CGO);
    const config = vscode.workspace.getConfiguration('distroless', uri);
    await config.update('rules', { [CGO]: 'off', [SHELL_FORM]: 'hint' }, vscode.ConfigurationTarget.Workspace);
    try {
      await waitForDiagnostics(uri, (ours) => !rulesOf(ours).includes(CGO) && ours.some((d) => ruleOf(d) === SHELL_FORM && d.severity === vscode.DiagnosticSeverity.Hint));
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(uri, (ours) => rulesOf(ours).includes(CGO) && ours.some((d) => ruleOf(d) === SHELL_FORM && d.severity === vscode.DiagnosticSeverity.Error));
  });
});
