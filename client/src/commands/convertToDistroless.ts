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
import { readonlyDocuments, registeredReadonlyDocuments, type ReadonlyDocuments } from '../readonlyDocuments';

export const CONVERTED_SCHEME = 'distroless-converted';

export function contentProvider(context: CommandContext): ReadonlyDocuments {
  return readonlyDocuments(context.extension, CONVERTED_SCHEME);
}

/** Programmatic callers (tests, other extensions) may skip the confirmation. */
interface ConvertOptions {
  confirm?: boolean;
}

export function isDockerfile(document: vscode.TextDocument): boolean {
  return document.languageId === 'dockerfile' || isDockerfileName(path.basename(document.uri.path));
}

/**
 * The Dockerfile a conversion command acts on: the URI it was given (from the explorer
 * or editor title a Uri; from the language server's code action a string), else the
 * active editor's. Undefined after telling the user to open one.
 */
export async function targetDockerfile(title: string, given: unknown): Promise<vscode.TextDocument | undefined> {
  const uri = given instanceof vscode.Uri ? given : typeof given === 'string' ? vscode.Uri.parse(given) : undefined;
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document || !isDockerfile(document)) {
    void vscode.window.showWarningMessage(`${title}: open a Dockerfile first.`);
    return undefined;
  }
  return document;
}

/**
 * The language server's conversion of `original` (the document's text now), or
 * undefined after telling the user why there is none: the server did not answer, it
 * refused (with its reason), or the file already ships on a distroless image.
 */
export async function conversionOf(context: CommandContext, title: string, document: vscode.TextDocument, original: string, grounded?: Parameters<typeof requestConversion>[3]): Promise<ConvertedResult | undefined> {
  const name = path.basename(document.uri.path);
  let result: ConvertResult;
  try {
    result = await requestConversion(context.languageClient, document.uri.toString(), original, grounded);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void showError(`${title}: the language server did not answer (${summarize(message)}).`, { raw: error instanceof Error ? error.stack : message });
    return undefined;
  }
  if (result.status === 'refused') {
    log.info(`${title} ${document.uri.fsPath || document.uri.toString()}: refused, ${result.reason}`);
    void vscode.window.showWarningMessage(`Cannot convert ${name}: ${result.reason}.`);
    return undefined;
  }
  if (result.status === 'unchanged') {
    void vscode.window.showInformationMessage(`${name} already ships on ${result.runtimeImage}; nothing to convert.`);
    return undefined;
  }
  return result;
}

export type ConvertedResult = Extract<ConvertResult, { status: 'converted' }>;

async function run(context: CommandContext, ...args: unknown[]): Promise<void> {
  const options = (args[1] && typeof args[1] === 'object' ? args[1] : {}) as ConvertOptions;
  const document = await targetDockerfile('Convert to Distroless', args[0]);
  if (!document) return;
  const original = document.getText();
  const version = document.version;
  const result = await conversionOf(context, 'Convert to Distroless', document, original);
  if (!result) return;
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
export async function propose(context: CommandContext, document: vscode.TextDocument, original: string, version: number, result: ConvertedResult): Promise<void> {
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
  registeredReadonlyDocuments(CONVERTED_SCHEME)?.delete(proposed);
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
        registeredReadonlyDocuments(CONVERTED_SCHEME)?.delete(uri);
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
