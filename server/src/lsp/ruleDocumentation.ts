/**
 * "Show documentation for <rule>" in editors other than VS Code: the server asks the
 * client to open the docs/rules.md shipped beside it, at the rule's heading
 * (window/showDocument). No network: the file is the one in the package.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';

/** docs/rules.md of the package: the bundle runs from dist/, tests from out/server/src/lsp/. */
export function rulesDocPath(): string | undefined {
  for (const up of [['..'], ['..', '..', '..', '..']]) {
    const candidate = path.resolve(__dirname, ...up, 'docs', 'rules.md');
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** 0-based line of `## <ruleId>` in the rules documentation, or 0 when it has none. */
export function ruleHeadingLine(markdown: string, ruleId: string): number {
  const line = markdown.split(/\r?\n/).findIndex((l) => l.trim() === `## ${ruleId}`);
  return Math.max(line, 0);
}

export async function showRuleDocumentation(connection: Connection, ruleId: string): Promise<void> {
  const file = rulesDocPath();
  if (!file) {
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `The rules documentation is not installed beside the server; see docs/rules.md#${ruleId} in the project.` });
    return;
  }
  const line = ruleHeadingLine(fs.readFileSync(file, 'utf8'), ruleId);
  const position = { line, character: 0 };
  try {
    const shown = await connection.window.showDocument({ uri: pathToFileURL(file).toString(), takeFocus: true, selection: { start: position, end: position } });
    if (shown.success) return;
  } catch {
    // Clients without window/showDocument: say where the section is.
  }
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `${ruleId}: see ${file}, line ${line + 1}.` });
}
