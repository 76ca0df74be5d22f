import type { ExtensionContext } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SidecarFeatures } from '../sidecarFeatures';

/** What a command may use; given once at activation. */
export interface CommandContext {
  extension: ExtensionContext;
  languageClient: LanguageClient;
  sidecar: SidecarFeatures;
}

export interface CommandDefinition {
  /** As declared in package.json contributes.commands. */
  id: string;
  run(context: CommandContext, ...args: unknown[]): unknown;
}
