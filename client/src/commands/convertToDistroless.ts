/**
 * "Convert to Distroless": shows the conversion of the active Dockerfile in a diff
 * editor and applies it only when the user accepts. The language server converts
 * (conversion.ts), with the configuration its diagnostics use; this file is the UI.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { isDockerfileName } from '../../../server/src/protocol';
import { requestConversion, type ConvertResult } from '../conversion';
import type { CommandContext, CommandDefinition } from './types';

export const CONVERTED_SCHEME = 'distroless-converted';

/** Read-only documents holding proposed conversions, keyed by URI. */
class ConvertedContent implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.contents.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  delete(uri: vscode.Uri): void {
    this.contents.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }
}

let provider: ConvertedContent | undefined;

/** Registered on first use, so activation stays cheap for users who never convert. */
function contentProvider(context: CommandContext): ConvertedContent {
  if (!provider) {
    provider = new ConvertedContent();
    context.extension.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(CONVERTED_SCHEME, provider),
      { dispose: () => (provider = undefined) },
    );
  }
  return provider;
}

/** Programmatic callers (tests, other extensions) may skip the confirmation. */
interface ConvertOptions {
  confirm?: boolean;
}

function isDockerfile(document: vscode.TextDocument): boolean {
  return document.languageId === 'dockerfile' || isDockerfileName(path.basename(document.uri.path));
}

async function run(context: CommandContext, ...args: unknown[]): Promise<void> {
  // From the explorer or editor title the command gets the file's URI; from the palette, nothing.
  const given = args[0] instanceof vscode.Uri ? args[0] : undefined;
  const options = (args[1] && typeof args[1] === 'object' ? args[1] : {}) as ConvertOptions;
  const document = given ? await vscode.workspace.openTextDocument(given) : vscode.window.activeTextEditor?.document;
  if (!document || !isDockerfile(document)) {
    void vscode.window.showWarningMessage('Convert to Distroless: open a Dockerfile first.');
    return;
  }
  const original = document.getText();
  const version = document.version;
  let result: ConvertResult;
  try {
    result = await requestConversion(context.languageClient, document.uri.toString(), original);
  } catch (error) {
    void vscode.window.showErrorMessage(`Convert to Distroless: the language server did not answer (${error instanceof Error ? error.message : String(error)}).`);
    return;
  }
  if (result.status === 'refused') {
    void vscode.window.showWarningMessage(`Cannot convert ${path.basename(document.uri.path)}: ${result.reason}.`);
    return;
  }
  if (result.status === 'unchanged') {
    void vscode.window.showInformationMessage(`${path.basename(document.uri.path)} already ships on ${result.runtimeImage}; nothing to convert.`);
    return;
  }

  if (options.confirm === false) {
    await applyConversion(document, original, result.text);
    return;
  }
  const content = contentProvider(context);
  const proposed = vscode.Uri.from({ scheme: CONVERTED_SCHEME, path: document.uri.path, query: `v=${version}` });
  content.set(proposed, result.text);
  await vscode.commands.executeCommand('vscode.diff', document.uri, proposed,
    `${path.basename(document.uri.path)} ↔ distroless (${result.runtimeImage})`, { preview: true });

  const dropped = result.dropped.length > 0 ? ` Not carried into the runtime image: ${result.dropped.length} instruction(s), listed in a comment.` : '';
  const answer = await vscode.window.showInformationMessage(
    `Convert ${path.basename(document.uri.path)} to a ${result.language} build on ${result.runtimeImage}?${dropped}`,
    { modal: true }, 'Apply');
  content.delete(proposed);
  await closeDiff(proposed);
  if (answer !== 'Apply') return;
  if (document.version !== version) {
    void vscode.window.showWarningMessage('The Dockerfile changed while the conversion was shown; run Convert to Distroless again.');
    return;
  }
  await applyConversion(document, original, result.text);
}

async function applyConversion(document: vscode.TextDocument, original: string, converted: string): Promise<void> {
  // A WorkspaceEdit on the real document puts the change on its undo stack.
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(original.length)), converted);
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) {
    void vscode.window.showErrorMessage('Convert to Distroless: the editor refused the edit.');
    return;
  }
  await vscode.window.showTextDocument(document);
}

async function closeDiff(proposed: vscode.Uri): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposed.toString()) {
        await vscode.window.tabGroups.close(tab);
      }
    }
  }
}

export const convertToDistrolessCommand: CommandDefinition = {
  id: 'distroless.convertToDistroless',
  run,
};
