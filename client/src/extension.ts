/** Activation only: start the language server, set up the sidecar features, register the command table. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';
import { COMMANDS } from './commands';
import { readSidecarSettings, registerSidecarFeatures } from './sidecarFeatures';
import { closeAllSidecarTerminals } from './terminal/sidecarTerminal';
import type { DistrolessApi } from './api';
import { createLog, showError } from './log';
import { registerStatusBar } from './statusBar';
import { refreshContainerToolsTemplate } from './containerTools/offer';
import { trackDockerfileEditors } from './walkthrough';
import { registerKeepDebuggee } from './debugger/keepDebuggeeTracker';

export type { DistrolessApi } from './api';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<DistrolessApi> {
  const log = createLog(context);
  client = createLanguageClient(context, log);
  // Creating the view does not contact Docker; that waits until the view is visible or a command runs.
  const sidecar = registerSidecarFeatures(context);
  const commandContext = { extension: context, languageClient: client, sidecar };
  trackDockerfileEditors(context);
  registerKeepDebuggee(context);
  for (const command of COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(command.id, (...args: unknown[]) => runReported(command.id, () => command.run(commandContext, ...args))));
  }
  // Not awaited, and silent: only refreshes our own Container Tools template's paths after an update.
  void refreshContainerToolsTemplate(context, readSidecarSettings().image).catch(() => undefined);
  await client.start();
  registerStatusBar(context, client);
  return { containersView: sidecar.containers, containersWelcome: () => sidecar.welcomeState() };
}

/**
 * Commands report the failures they expect themselves; anything else is a bug. It gets
 * one notification line pointing to the log, and the stack goes to the log rather
 * than VS Code's generic "command failed" popup.
 */
async function runReported(id: string, run: () => unknown): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The stack goes to the Distroless log; the notification has Show Log.
    void showError(`Distroless: ${id} failed unexpectedly (a bug, please report it): ${message.split('\n')[0]}`, { raw: error instanceof Error ? error.stack : message });
    return undefined;
  }
}

export async function deactivate(): Promise<void> {
  await Promise.all([client?.stop(), closeAllSidecarTerminals()]);
}
