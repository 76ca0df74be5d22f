/**
 * The code actions every distroless diagnostic offers besides its own fixes, as ESLint
 * users know them: ignore the rule for this instruction or for the whole file (writing
 * the suppression comments of engine/suppressions.ts), show the rule's documentation,
 * and, where the shipped stage is a general-purpose image, Convert to Distroless.
 */
import { CodeAction, CodeActionKind, Diagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import { INVALID_SUPPRESSION, SUPPRESSION_COMMENT, SUPPRESSION_KEYWORDS, type Diagnosis, type Analysis } from '../engine';
import { clientDiagnosticFor, intersects } from './diagnostics';

import { CLIENT_CONVERT_COMMAND, CLIENT_SHOW_RULE_DOCUMENTATION_COMMAND } from '../protocol';

const SHOW_RULE_DOCUMENTATION = CLIENT_SHOW_RULE_DOCUMENTATION_COMMAND;
/** The same for other editors: the server asks the client to show docs/rules.md at the rule's heading. */
export const SHOW_RULE_DOCUMENTATION_SERVER = 'distroless.server.showRuleDocumentation';
const CONVERT_TO_DISTROLESS = CLIENT_CONVERT_COMMAND;

/** Rules whose real fix, on a general-purpose image, is the whole-file conversion. */
const CONVERT_OFFERED_ON = new Set(['package-manager-in-final-stage', 'attack-tools-in-final-stage']);
const FULL_OS_RULE = 'final-stage-full-os';

/** Parser directives (`# syntax=`, `# escape=`, `# check=`) must stay the first lines of a Dockerfile. */
const PARSER_DIRECTIVE = /^\s*#\s*[A-Za-z][A-Za-z0-9_-]*\s*=/;
const isSuppression = (line: string, scope: keyof typeof SUPPRESSION_KEYWORDS) => SUPPRESSION_COMMENT.exec(line)?.[2] === SUPPRESSION_KEYWORDS[scope];

export interface RuleActionOptions {
  /** Commands the client runs itself (initializationOptions.clientCommands). */
  clientCommands: ReadonlySet<string>;
}

export function ruleActions(uri: string, result: Analysis, range: Range, clientDiagnostics: Diagnostic[], options: RuleActionOptions): CodeAction[] {
  const text = result.model.text;
  const lines = text.split(/\r?\n/);
  const eol = result.model.eol;
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  const general = result.model.shipped?.base.family === 'general';
  for (const d of result.diagnoses) {
    if (d.ruleId === INVALID_SUPPRESSION || !intersects(d.range, range)) continue;
    const instructionLine = instructionStartLine(result, d.range.start.line);
    const key = `${d.ruleId}@${instructionLine ?? d.range.start.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const diagnostic = clientDiagnosticFor(d, clientDiagnostics);
    const action = (title: string, rest: Partial<CodeAction>): CodeAction => ({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], ...rest });

    if (general && CONVERT_OFFERED_ON.has(d.ruleId)) {
      const convert = convertAction(uri, result, options);
      if (convert) actions.push(action(convert.title, convert));
    }
    if (instructionLine !== undefined) {
      actions.push(action(`Ignore ${d.ruleId} for this instruction`, { edit: { changes: { [uri]: [ignoreInstructionEdit(lines, instructionLine, d.ruleId, eol)] } } }));
    }
    actions.push(action(`Ignore ${d.ruleId} in this file`, { edit: { changes: { [uri]: [ignoreFileEdit(lines, d.ruleId, eol)] } } }));
    const docs = options.clientCommands.has(SHOW_RULE_DOCUMENTATION) ? SHOW_RULE_DOCUMENTATION : SHOW_RULE_DOCUMENTATION_SERVER;
    actions.push(action(`Show documentation for ${d.ruleId}`, { command: { title: `Show documentation for ${d.ruleId}`, command: docs, arguments: [d.ruleId] } }));
  }
  return actions;
}

function instructionStartLine(result: Analysis, line: number): number | undefined {
  const instruction = result.model.dockerfile.getInstructions().find((i) => i.getRange().start.line <= line && i.getRange().end.line >= line);
  return instruction?.getRange().start.line;
}

/** `# distroless-ignore <id>` above the instruction, or the id added to such a comment already stacked there. */
export function ignoreInstructionEdit(lines: string[], instructionLine: number, ruleId: string, eol: string): TextEdit {
  for (let above = instructionLine - 1; above >= 0 && /^\s*#/.test(lines[above]); above--) {
    if (isSuppression(lines[above], 'instruction')) return appendId(lines, above, ruleId);
  }
  const indent = /^\s*/.exec(lines[instructionLine] ?? '')?.[0] ?? '';
  const at = { line: instructionLine, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}# ${SUPPRESSION_KEYWORDS.instruction} ${ruleId}${eol}` };
}

/** `# distroless-ignore-file <id>` after any parser directives, or the id added to an existing one. */
export function ignoreFileEdit(lines: string[], ruleId: string, eol: string): TextEdit {
  const existing = lines.findIndex((l) => isSuppression(l, 'file'));
  if (existing >= 0) return appendId(lines, existing, ruleId);
  let line = 0;
  while (line < lines.length && PARSER_DIRECTIVE.test(lines[line])) line++;
  const at = { line, character: 0 };
  return { range: { start: at, end: at }, newText: `# ${SUPPRESSION_KEYWORDS.file} ${ruleId}${eol}` };
}

function appendId(lines: string[], line: number, ruleId: string): TextEdit {
  const end = lines[line].trimEnd().length;
  const at = { line, character: end };
  return { range: { start: at, end: at }, newText: `, ${ruleId}` };
}

/**
 * VS Code gets its Convert command, which shows the diff before anything changes;
 * other editors get the conversion as the edit final-stage-full-os offers.
 */
function convertAction(uri: string, result: Analysis, options: RuleActionOptions): Partial<CodeAction> & { title: string } | undefined {
  if (options.clientCommands.has(CONVERT_TO_DISTROLESS)) {
    return { title: 'Convert to Distroless (shows the changes first)', command: { title: 'Convert to Distroless', command: CONVERT_TO_DISTROLESS, arguments: [uri] } };
  }
  const fullOs: Diagnosis | undefined = result.diagnoses.find((d) => d.ruleId === FULL_OS_RULE);
  const fix = fullOs?.fixes[0];
  if (!fix) return undefined;
  return { title: fix.title, edit: { changes: { [uri]: fix.edits } } };
}
