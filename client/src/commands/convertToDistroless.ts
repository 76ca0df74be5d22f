/**
 * "Convert to Distroless": shows the conversion of the active Dockerfile in a diff
 * editor, with Apply and Discard in its title bar and in a notification, and applies
 * it only when the user accepts. The language server converts
 * (conversion.ts), with the configuration its diagnostics use; this file is the UI.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { isDockerfileName } from '../../../server/src/protocol';
import { requestConversion, type ConvertResult } from '../conversion';
import type { CommandContext, CommandDefinition } from './types';
import { log, showError, summarize } from '../log';
import { otherChanges } from '../conversionSummary';

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
export function contentProvider(context: CommandContext): ConvertedContent {
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

export function isDockerfile(document: vscode.TextDocument): boolean {
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
  const original = document.getText();
  const version = document.version;
  let result: ConvertResult;
  try {
    result = await requestConversion(context.languageClient, document.uri.toString(), original);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void showError(`Convert to Distroless: the language server did not answer (${summarize(message)}).`, { raw: error instanceof Error ? error.stack : message });
    return;
  }
  if (result.status === 'refused') {
    log.info(`Convert ${document.uri.fsPath || document.uri.toString()}: refused, ${result.reason}`);
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
  await propose(context, document, original, version, result);
}

/** A conversion shown in a diff editor, waiting for Apply or Discard. */
interface Proposal {
  document: vscode.TextDocument;
  original: string;
  version: number;
  converted: string;
}

const proposals = new Map<string, Proposal>();
let proposalCount = 0;

/**
 * Shows the conversion in a diff editor whose title bar has Apply and Discard (the
 * diff stays scrollable: nothing modal covers it), and a notification that says in one
 * line what changes besides the runtime image, with the same two buttons.
 */
async function propose(context: CommandContext, document: vscode.TextDocument, original: string, version: number, result: Extract<ConvertResult, { status: 'converted' }>): Promise<void> {
  const content = contentProvider(context);
  // One URI per proposal: a notification left from an earlier proposal of the same
  // version must not settle this one.
  const proposed = vscode.Uri.from({ scheme: CONVERTED_SCHEME, path: document.uri.path, query: `v=${version}&n=${++proposalCount}` });
  content.set(proposed, result.text);
  proposals.set(proposed.toString(), { document, original, version, converted: result.text });
  watchProposalTabs(context);
  await vscode.commands.executeCommand('vscode.diff', document.uri, proposed,
    `${path.basename(document.uri.path)} ↔ distroless (${result.runtimeImage})`, { preview: true });
  log.info(`Convert ${document.uri.fsPath || document.uri.toString()}: proposed a ${result.language} build on ${result.runtimeImage}`);

  const others = otherChanges(original, result.text, result.runtimeImage, result.dropped.length);
  void vscode.window.showInformationMessage(
    `Convert ${path.basename(document.uri.path)} to a ${result.language} build on ${result.runtimeImage}?${others ? ` Also: ${others}.` : ''}`,
    APPLY, DISCARD,
  ).then((answer) => {
    if (!proposals.has(proposed.toString())) return;
    void settle(proposed, answer === APPLY ? 'apply' : answer === DISCARD ? 'discard' : undefined);
  });
}

const APPLY = 'Apply';
const DISCARD = 'Discard';

/** Applies or discards the proposal shown at `proposed` and closes its diff; undefined only forgets it. */
async function settle(proposed: vscode.Uri, action: 'apply' | 'discard' | undefined): Promise<void> {
  const proposal = proposals.get(proposed.toString());
  if (!proposal) return;
  proposals.delete(proposed.toString());
  provider?.delete(proposed);
  await closeDiff(proposed);
  if (action !== 'apply') {
    if (action === 'discard') log.info(`Convert ${proposal.document.uri.fsPath}: discarded`);
    return;
  }
  if (proposal.document.version !== proposal.version) {
    void vscode.window.showWarningMessage('The Dockerfile changed while the conversion was shown; run Convert to Distroless again.');
    return;
  }
  await applyConversion(proposal.document, proposal.original, proposal.converted);
  log.info(`Convert ${proposal.document.uri.fsPath}: applied`);
}

let watchingTabs = false;

/** A diff closed by hand is a Discard: forget its proposal so a late notification answer does nothing. */
function watchProposalTabs(context: CommandContext): void {
  if (watchingTabs) return;
  watchingTabs = true;
  context.extension.subscriptions.push(vscode.window.tabGroups.onDidChangeTabs((e) => {
    for (const tab of e.closed) {
      if (tab.input instanceof vscode.TabInputTextDiff && proposals.has(tab.input.modified.toString())) {
        const uri = tab.input.modified;
        proposals.delete(uri.toString());
        provider?.delete(uri);
      }
    }
  }), { dispose: () => (watchingTabs = false) });
}

/** The proposal a title-bar button was pressed on: its URI argument, else the active diff's. */
function proposalUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri && arg.scheme === CONVERTED_SCHEME) return arg;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputTextDiff && input.modified.scheme === CONVERTED_SCHEME) return input.modified;
  const pending = [...proposals.keys()];
  return pending.length === 1 ? vscode.Uri.parse(pending[0]!) : undefined;
}

export const applyConversionCommand: CommandDefinition = {
  id: 'distroless.applyConversion',
  async run(_context, arg) {
    const uri = proposalUri(arg);
    if (uri) await settle(uri, 'apply');
  },
};

export const discardConversionCommand: CommandDefinition = {
  id: 'distroless.discardConversion',
  async run(_context, arg) {
    const uri = proposalUri(arg);
    if (uri) await settle(uri, 'discard');
  },
};

export async function applyConversion(document: vscode.TextDocument, original: string, converted: string): Promise<void> {
  // A WorkspaceEdit on the real document puts the change on its undo stack.
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(original.length)), converted);
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) {
    void showError('Convert to Distroless: the editor refused the edit.');
    return;
  }
  await vscode.window.showTextDocument(document);
}

export async function closeDiff(proposed: vscode.Uri): Promise<void> {
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
