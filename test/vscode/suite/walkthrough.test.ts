/**
 * The Get Started walkthrough, step by step as a newcomer takes it: each step's command
 * is read from its link in package.json and run while the walkthrough page is the
 * active editor (as a click on the link runs it), and its effect is asserted: the
 * sample opens with its problems, Fix All changes the sample, Convert shows the
 * sample's conversion in a diff, and fix on save lands in the user settings.
 */
import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, EVENT_TIMEOUT_MS, EXTENSION_ID, waitForDiagnostics, ruleOf } from './helpers';

interface Step { id: string; description: string }

function steps(): Step[] {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  return (extension.packageJSON as { contributes: { walkthroughs: Array<{ steps: Step[] }> } }).contributes.walkthroughs[0]!.steps;
}

/** The command behind a step's one link. */
function linkOf(stepId: string): string {
  const step = steps().find((s) => s.id === stepId);
  assert.ok(step, `step ${stepId}`);
  const link = /\]\(command:([\w.]+)\)/.exec(step.description)?.[1];
  assert.ok(link, `${stepId} has a command link`);
  return link;
}

async function until<T>(what: string, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + EVENT_TIMEOUT_MS;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens (or brings back) the walkthrough page, so that no text editor is active, as when its link is clicked. */
async function onWalkthroughPage(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#distroless.getStarted`, false);
  await until('the walkthrough page to be the active editor', () => {
    const active = vscode.window.tabGroups.activeTabGroup.activeTab;
    return active !== undefined && !(active.input instanceof vscode.TabInputText) && !(active.input instanceof vscode.TabInputTextDiff) && vscode.window.activeTextEditor === undefined;
  });
}

function sampleDocument(): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'untitled' && d.languageId === 'dockerfile' && d.getText().includes('FROM golang:1.24'));
}

describe('the Get Started walkthrough, run from its page', () => {
  let savedOnSave: unknown;
  after(async () => {
    const config = vscode.workspace.getConfiguration('editor', { languageId: 'dockerfile' });
    await config.update('codeActionsOnSave', savedOnSave, vscode.ConfigurationTarget.Global, true);
    const sample = sampleDocument();
    if (sample) {
      await vscode.window.showTextDocument(sample);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await closeAllEditors();
  });

  it('step 1 opens the sample, which has problems fix-all fixes and a conversion', async function () {
    this.timeout(60_000);
    await closeAllEditors();
    await onWalkthroughPage();
    await vscode.commands.executeCommand(linkOf('lint'));
    const sample = await until('the sample Dockerfile', sampleDocument);
    const diagnostics = await waitForDiagnostics(sample.uri, (ours) => ['final-stage-full-os', 'go-binary-not-stripped'].every((id) => ours.some((d) => ruleOf(d) === id)));
    assert.ok(diagnostics.length > 0);
  });

  it('step 2 (Fix All) changes the sample although the walkthrough page is the active editor', async function () {
    this.timeout(60_000);
    await onWalkthroughPage();
    const sample = await until('the sample Dockerfile', sampleDocument);
    const before = sample.getText();
    await vscode.commands.executeCommand(linkOf('fix'));
    await until('the fix in the sample', () => sample.getText() !== before);
    assert.match(sample.getText(), /^RUN go build -ldflags="-s -w" -o \/usr\/local\/bin\/server \.$/m, 'fix-all stripped the binary');
    await waitForDiagnostics(sample.uri, (ours) => !ours.some((d) => ruleOf(d) === 'go-binary-not-stripped'));
    const shown = () => vscode.window.visibleTextEditors.some((e) => e.document === sample);
    await until(`the changed sample shown; tabs: ${vscode.window.tabGroups.all.map((g) => g.tabs.map((t) => `${t.label}${t.isActive ? '*' : ''}`).join(',')).join(' | ')}`, shown);
  });

  it('step 3 (Convert) shows the sample\'s conversion in a diff although the walkthrough page is the active editor', async function () {
    this.timeout(60_000);
    await onWalkthroughPage();
    const sample = await until('the sample Dockerfile', sampleDocument);
    await vscode.commands.executeCommand(linkOf('convert'));
    const tab = await until('the diff of the conversion', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'distroless-converted'));
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.toString(), sample.uri.toString(), 'the diff is of the sample');
    const proposed = await vscode.workspace.openTextDocument(input.modified);
    assert.match(proposed.getText(), /^FROM gcr\.io\/distroless\/static-debian13:nonroot$/m);
    await vscode.commands.executeCommand('distroless.discardConversion');
  });

  it('step 4 opens the Containers view and step 5 turns fix on save on in the user settings', async function () {
    this.timeout(60_000);
    await onWalkthroughPage();
    assert.equal(linkOf('debug'), 'distroless.containers.focus');
    await vscode.commands.executeCommand(linkOf('debug'));
    const config = () => vscode.workspace.getConfiguration('editor', { languageId: 'dockerfile' });
    savedOnSave = config().inspect('codeActionsOnSave')?.globalLanguageValue;
    await onWalkthroughPage();
    // The command waits on its notification's answer; the setting is written before it.
    void vscode.commands.executeCommand(linkOf('fixOnSave'));
    await until('source.fixAll.distroless in [dockerfile] editor.codeActionsOnSave', () => {
      const value = config().inspect<Record<string, string>>('codeActionsOnSave')?.globalLanguageValue;
      return value?.['source.fixAll.distroless'] === 'explicit';
    });
  });
});
