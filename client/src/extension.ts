/** Activation only: start the language server, set up the sidecar features, register the command table. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';
import { COMMANDS } from './commands';
import { readSidecarSettings, registerSidecarFeatures } from './sidecarFeatures';
import { closeAllSidecarTerminals } from './terminal/sidecarTerminal';
import type { DistrolessApi } from './api';
import { refreshContainerToolsTemplate } from './containerTools/offer';

export type { DistrolessApi } from './api';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<DistrolessApi> {
  client = createLanguageClient(context);
  // Creating the view does not contact Docker; that waits until the view is visible or a command runs.
  const sidecar = registerSidecarFeatures(context);
  const commandContext = { extension: context, languageClient: client, sidecar };
  for (const command of COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(command.id, (...args: unknown[]) => command.run(commandContext, ...args)));
  }
  // Not awaited, and silent: only refreshes our own Container Tools template's paths after an update.
  void refreshContainerToolsTemplate(context, readSidecarSettings().image).catch(() => undefined);
  await client.start();
  return { containersView: sidecar.containers };
}

export async function deactivate(): Promise<void> {
  await Promise.all([client?.stop(), closeAllSidecarTerminals()]);
}
