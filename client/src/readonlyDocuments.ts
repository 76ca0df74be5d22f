/**
 * Read-only documents the extension shows without writing them anywhere: proposed
 * conversions (the right side of a diff) and Convert and Verify reports. One provider
 * per URI scheme, registered on first use so activation stays cheap for users who
 * never convert.
 */
import * as vscode from 'vscode';

export class ReadonlyDocuments implements vscode.TextDocumentContentProvider {
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

const byScheme = new Map<string, ReadonlyDocuments>();

export function readonlyDocuments(extension: vscode.ExtensionContext, scheme: string): ReadonlyDocuments {
  let documents = byScheme.get(scheme);
  if (!documents) {
    const created = new ReadonlyDocuments();
    documents = created;
    byScheme.set(scheme, created);
    extension.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(scheme, created),
      { dispose: () => { if (byScheme.get(scheme) === created) byScheme.delete(scheme); } },
    );
  }
  return documents;
}

/** The scheme's documents if any were ever shown (forgetting one needs no registration). */
export function registeredReadonlyDocuments(scheme: string): ReadonlyDocuments | undefined {
  return byScheme.get(scheme);
}
