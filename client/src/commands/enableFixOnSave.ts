import * as vscode from 'vscode';
import type { CommandDefinition } from './types';

export const FIX_ALL_ON_SAVE = 'source.fixAll.distroless';

/**
 * Turns on fix-on-save for Dockerfiles in the user's settings: `source.fixAll.distroless`
 * in `[dockerfile]` `editor.codeActionsOnSave`, next to whatever is there already. Only
 * fixes that cannot break a build run on save; the conversion is never one of them.
 */
export const enableFixOnSaveCommand: CommandDefinition = {
  id: 'distroless.enableFixOnSave',
  async run() {
    const config = vscode.workspace.getConfiguration('editor', { languageId: 'dockerfile' });
    const current = config.inspect<Record<string, string> | string[]>('codeActionsOnSave')?.globalLanguageValue;
    const next: Record<string, string> = Array.isArray(current)
      ? Object.fromEntries(current.map((kind) => [kind, 'explicit']))
      : { ...(current ?? {}) };
    next[FIX_ALL_ON_SAVE] = 'explicit';
    await config.update('codeActionsOnSave', next, vscode.ConfigurationTarget.Global, true);
    const choice = await vscode.window.showInformationMessage(
      'Dockerfiles now get their safe distroless fixes on save (editor.codeActionsOnSave for [dockerfile] in your user settings).',
      'Open Settings',
    );
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettingsJson');
  },
};
