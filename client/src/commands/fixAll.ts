import * as vscode from 'vscode';
import { FIX_ALL_KIND as FIX_ALL_KIND_VALUE } from '../../../server/src/protocol';
import { dockerfileToActOn, reveal, walkthroughEffect } from '../walkthrough';
import type { CommandDefinition } from './types';

/** The same edit as the `source.fixAll.distroless` code action, for the command palette. */
export const FIX_ALL_KIND = vscode.CodeActionKind.Empty.append(FIX_ALL_KIND_VALUE);

export const fixAllCommand: CommandDefinition = {
  id: 'distroless.fixAll',
  async run() {
    const document = await dockerfileToActOn();
    if (!document) {
      void vscode.window.showWarningMessage('Open a Dockerfile to fix its distroless problems.');
      return;
    }
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, whole, FIX_ALL_KIND.value);
    const fix = actions?.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind) && a.edit);
    if (!fix?.edit) {
      void vscode.window.showInformationMessage('No distroless problem in this Dockerfile has a safe automatic fix.');
      return;
    }
    if (!(await vscode.workspace.applyEdit(fix.edit))) return;
    // Run from the walkthrough page, the change is shown where the user can see it.
    await reveal(document);
    walkthroughEffect('fixApplied');
  },
};
