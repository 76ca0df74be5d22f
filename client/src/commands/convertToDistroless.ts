/**
 * "Convert to Distroless": shows the conversion of the active Dockerfile in a diff
 * editor and applies it only when the user accepts. The engine runs in-process
 * (it is pure), with the files beside the Dockerfile read from disk when the
 * document is saved there.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { convert } from '../../../server/src/engine/convert';
import { diskWorkspace } from '../../../server/src/host/workspaceFiles';
import { findConfigFile, readConfigFile } from '../../../server/src/host/config';
import type { CommandContext, CommandDefinition } from './types';
import { isDockerfileName } from '../../../server/src/engine/dockerfileNames';

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

/**
 * The stage that ships (the user's setting, else the project's configuration file) and
 * the project's distroless mirror (configuration file only), as the language server reads them.
 */
function conversionOptions(document: vscode.TextDocument): { target?: string; distrolessRegistry?: string } {
  const setting = vscode.workspace.getConfiguration('distroless', document.uri).get<string>('target') || undefined;
  if (document.uri.scheme !== 'file') return { target: setting };
  const file = findConfigFile(path.dirname(document.uri.fsPath));
  try {
    const config = file ? readConfigFile(file) : {};
    return { target: setting ?? config.target, distrolessRegistry: config.registry };
  } catch {
    // A broken configuration file is reported on the Dockerfile by the language server.
    return { target: setting };
  }
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
  // The language server's code action passes the URI as a string.
  const given = args[0] instanceof vscode.Uri ? args[0] : typeof args[0] === 'string' ? vscode.Uri.parse(args[0]) : undefined;
  const options = (args[1] && typeof args[1] === 'object' ? args[1] : {}) as ConvertOptions;
  const document = given ? await vscode.workspace.openTextDocument(given) : vscode.window.activeTextEditor?.document;
  if (!document || !isDockerfile(document)) {
    void vscode.window.showWarningMessage('Convert to Distroless: open a Dockerfile first.');
    return;
  }
  const workspace = document.uri.scheme === 'file' ? diskWorkspace(path.dirname(document.uri.fsPath)) : undefined;
  const original = document.getText();
  const version = document.version;
  const result = convert(original, { workspace, ...conversionOptions(document) });
  if (!result.ok) {
    void vscode.window.showWarningMessage(`Cannot convert ${path.basename(document.uri.path)}: ${result.reason}.`);
    return;
  }
  if (!result.changed) {
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
