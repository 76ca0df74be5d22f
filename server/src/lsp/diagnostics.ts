/**
 * Translation between the engine's findings and LSP diagnostics and code actions.
 * No connection here: server.ts passes what it received and sends what this returns.
 */
import {
  CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, Range, TextEdit,
} from 'vscode-languageserver-types';
import { editReachesTail, ruleDocUrl, type Diagnosis, type OpenTail, type Severity } from '../engine';
import { SOURCE } from '../protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(d: Diagnosis): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.ruleId,
    codeDescription: { href: ruleDocUrl(d.ruleId) },
    source: SOURCE,
    message: d.message,
  };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function intersects(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Quick fixes for the diagnoses under `range`, each attached to the diagnostic the client sent. */
export function quickFixes(uri: string, diagnoses: Diagnosis[], range: Range, clientDiagnostics: Diagnostic[], tail?: OpenTail): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnoses) {
    // Range first: reading fixes can compute them (engine/fixes.ts).
    if (!intersects(d.range, range) || d.fixes.length === 0) continue;
    const diagnostic = clientDiagnostics.find((c) => c.source === SOURCE && c.code === d.ruleId && sameRange(c.range, d.range)) ?? toDiagnostic(d);
    d.fixes.forEach((fix, index) => {
      // No offer to append inside an open heredoc or a dangling continuation (engine/tail.ts).
      if (tail && fix.edits.some((e) => editReachesTail(e, tail))) return;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.preferred === true && index === d.fixes.findIndex((f) => f.preferred),
        edit: { changes: { [uri]: fix.edits } },
      });
    });
  }
  return actions;
}

/** The smallest single edit that turns `before` into `after`, by common leading and trailing lines. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const removedEnd = a.length - tail;
  const inserted = b.slice(head, b.length - tail);
  // Replace whole lines [head, removedEnd) including their newline; at end of file there is none.
  const atEnd = removedEnd === a.length;
  const range: Range = atEnd
    ? { start: head === 0 ? { line: 0, character: 0 } : { line: head - 1, character: a[head - 1].length }, end: { line: a.length - 1, character: a[a.length - 1].length } }
    : { start: { line: head, character: 0 }, end: { line: removedEnd, character: 0 } };
  const newText = atEnd
    ? (head === 0 || inserted.length === 0 ? inserted.join('\n') : `\n${inserted.join('\n')}`)
    : inserted.map((l) => `${l}\n`).join('');
  return { range, newText };
}
