/**
 * Completion inside suppression comments: `# distroless-` offers the two comment
 * forms, and after `# distroless-ignore ` (or `-file`) the rule ids not yet named,
 * each with what it catches.
 */
import { CompletionItem, CompletionItemKind, MarkupKind, Position } from 'vscode-languageserver-types';
import { RULES, SUPPRESSION_COMMENT, SUPPRESSION_KEYWORDS, ruleDocUrl } from '../engine';

const KEYWORDS: Array<[string, string]> = [
  [SUPPRESSION_KEYWORDS.instruction, 'Silence the listed rules for the instruction on the next line.'],
  [SUPPRESSION_KEYWORDS.file, 'Silence the listed rules in the whole file.'],
];

/** Completion items when `position` is inside a suppression comment; undefined elsewhere. */
export function suppressionCompletion(text: string, position: Position): CompletionItem[] | undefined {
  const line = lineAt(text, position.line).slice(0, position.character);
  const keyword = /^\s*#\s*(d[a-z-]*)$/.exec(line);
  if (keyword) {
    if (!SUPPRESSION_KEYWORDS.file.startsWith(keyword[1]) && !keyword[1].startsWith(SUPPRESSION_KEYWORDS.instruction)) return undefined;
    const start = { line: position.line, character: position.character - keyword[1].length };
    return KEYWORDS.map(([label, detail]) => ({
      label, kind: CompletionItemKind.Keyword, detail,
      textEdit: { range: { start, end: position }, newText: `${label} ` },
      command: { title: 'Suggest rule ids', command: 'editor.action.triggerSuggest' },
    }));
  }
  // After the keyword and a space: the ids named so far, then the one being typed.
  const rest = SUPPRESSION_COMMENT.exec(line)?.[3];
  const comment = rest === undefined ? null : /^\s+((?:[^\s,]+[\s,]+)*)([^\s,]*)$/.exec(rest);
  if (!comment) return undefined;
  const named = new Set(comment[1].split(/[\s,]+/).filter((w) => w !== ''));
  const partial = comment[2];
  const start = { line: position.line, character: position.character - partial.length };
  const rules = RULES.map((r) => ({ id: r.id, summary: r.summary, severity: r.defaultSeverity }));
  return rules.filter((r) => !named.has(r.id)).map((r, index) => ({
    label: r.id,
    kind: CompletionItemKind.EnumMember,
    detail: `${r.severity} by default`,
    documentation: { kind: MarkupKind.Markdown, value: `${r.summary}\n\n[Documentation](${ruleDocUrl(r.id)})` },
    sortText: String(index).padStart(3, '0'),
    textEdit: { range: { start, end: position }, newText: r.id },
  }));
}

function lineAt(text: string, line: number): string {
  let start = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}
