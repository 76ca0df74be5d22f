/**
 * What the Get Started walkthrough's commands act on, and when its steps are done.
 *
 * A link on the walkthrough page runs its command while the page is the active editor,
 * so `activeTextEditor` is undefined even with Dockerfiles open beside it: the commands
 * act on the Dockerfile the user was last in (the sample from step 1, say). A step is
 * ticked by a context key set when the command's effect happened (completionEvents
 * `onContext:`), not when the command merely ran.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { isDockerfileName } from '../../server/src/protocol';

export type WalkthroughEffect = 'fixApplied' | 'conversionShown';

/** Context keys named in package.json's walkthrough completionEvents. */
export const WALKTHROUGH_CONTEXT: Record<WalkthroughEffect, string> = {
  fixApplied: 'distroless.walkthrough.fixApplied',
  conversionShown: 'distroless.walkthrough.conversionShown',
};

export function isDockerfile(document: vscode.TextDocument): boolean {
  return document.languageId === 'dockerfile' || isDockerfileName(path.basename(document.uri.path));
}

let lastDockerfile: vscode.Uri | undefined;

/** Remembers the Dockerfile editor the user was last in. */
export function trackDockerfileEditors(context: vscode.ExtensionContext): void {
  const remember = (editor: vscode.TextEditor | undefined) => {
    if (editor && isDockerfile(editor.document)) lastDockerfile = editor.document.uri;
  };
  remember(vscode.window.activeTextEditor);
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(remember));
}

function isOpen(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
}

/**
 * The Dockerfile a command without an argument acts on: the active editor's; else, when
 * another editor (the walkthrough, a diff, a preview) is active, the Dockerfile last
 * active that is still open; else the one Dockerfile among the open tabs.
 */
export async function dockerfileToActOn(): Promise<vscode.TextDocument | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active) return isDockerfile(active) ? active : undefined;
  if (lastDockerfile && isOpen(lastDockerfile)) return vscode.workspace.openTextDocument(lastDockerfile);
  const open = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri : undefined))
    .filter((u): u is vscode.Uri => u !== undefined);
  for (const uri of open) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document && isDockerfile(document)) return document;
    if (!document && isDockerfileName(path.basename(uri.path))) return vscode.workspace.openTextDocument(uri);
  }
  return undefined;
}

/**
 * Shows the document the command changed, where it is already visible, else beside
 * the active editor (the walkthrough page stays open next to it).
 */
export async function reveal(document: vscode.TextDocument): Promise<void> {
  if (vscode.window.activeTextEditor?.document === document) return;
  const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
  await vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.Beside, preview: false });
}

/** Ticks the walkthrough step whose effect just happened. */
export function walkthroughEffect(effect: WalkthroughEffect): void {
  void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT[effect], true);
}
