/**
 * textDocument/codeAction: the quick fixes of the findings under the cursor, the rule
 * actions (ignore, documentation, Convert), the language service's syntax fixes and
 * fix-all. All of ours read the document's Analysis for its version, which the check
 * that published the diagnostics made: a code action request parses nothing.
 */
import { CodeActionKind, type CodeAction, type CodeActionContext, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CLIENT_CONVERT_COMMAND, FIX_ALL_KIND } from '../protocol';
import type { DocumentChecker } from './documentChecker';
import { minimalEdit, quickFixes } from './diagnostics';
import { ruleActions, type RuleActionOptions } from './ruleActions';

export async function codeActions(
  document: TextDocument,
  params: { range: Range; context: CodeActionContext },
  checker: DocumentChecker,
  options: RuleActionOptions & { syntaxActions?: () => CodeAction[] },
): Promise<CodeAction[]> {
  const uri = document.uri;
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];
  if (checker.tooLarge(document)) return actions;
  const analysis = await checker.analysisOf(document);
  if (wants(CodeActionKind.QuickFix)) {
    // A client that can show the conversion as a diff first gets the Convert command instead of the bare edit.
    const convertCommand = options.clientCommands?.has(CLIENT_CONVERT_COMMAND) ? CLIENT_CONVERT_COMMAND : undefined;
    actions.push(...quickFixes(uri, analysis.diagnoses, params.range, params.context.diagnostics, analysis.tail, convertCommand));
    actions.push(...ruleActions(uri, analysis, params.range, params.context.diagnostics, options));
    actions.push(...(options.syntaxActions?.() ?? []));
  }
  if (wants(FIX_ALL_KIND)) {
    const fixed = await checker.fixAllNow(document);
    const edit = minimalEdit(document.getText(), fixed.text);
    if (edit) actions.push({ title: 'Fix all distroless problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: [edit] } } });
  }
  return actions;
}
