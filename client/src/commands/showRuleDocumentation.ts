import * as vscode from 'vscode';
import type { CommandDefinition } from './types';

/**
 * Opens docs/rules.md, shipped in the extension, in Markdown preview at the rule's
 * section (the preview scrolls to a URI fragment). The language server's "Show
 * documentation for <rule>" code action runs this with the rule id; from the command
 * palette it opens the whole list.
 */
export const showRuleDocumentationCommand: CommandDefinition = {
  id: 'distroless.showRuleDocumentation',
  async run(context, ...args) {
    const ruleId = typeof args[0] === 'string' && /^[a-z0-9-]+$/.test(args[0]) ? args[0] : undefined;
    const docs = vscode.Uri.joinPath(context.extension.extensionUri, 'docs', 'rules.md');
    await vscode.commands.executeCommand('markdown.showPreview', ruleId ? docs.with({ fragment: ruleId }) : docs);
  },
};
