/**
 * Translation between the engine's findings and LSP diagnostics and code actions.
 * No connection here: server.ts passes what it received and sends what this returns.
 */
import {
  CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, Hover, Position, Range, TextEdit,
} from 'vscode-languageserver-types';
import { detailOf, editReachesTail, headlineOf, ruleDocUrl, type Diagnosis, type OpenTail, type Severity } from '../engine';
import { SOURCE } from '../protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * The message is the headline alone: lists show whole messages (Problems, Error Lens,
 * Neovim's virtual text, Trouble), so it is one line, as ESLint's and hadolint's are.
 * The explanation is in the hover at the diagnostic (explanationHover) and behind
 * codeDescription, the rule's documentation.
 */
export function toDiagnostic(d: Diagnosis): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.ruleId,
    codeDescription: { href: ruleDocUrl(d.ruleId) },
    source: SOURCE,
    message: headlineOf(d.message),
  };
}

/** The explanation's opening clause (up to its first colon, semicolon or full stop). */
function firstClause(text: string): string {
  const end = /[:;.!?](?=\s)/.exec(text);
  return end ? `${text.slice(0, end.index)} …` : text;
}

function contains(range: Range, p: Position): boolean {
  const starts = range.start.line < p.line || (range.start.line === p.line && range.start.character <= p.character);
  const ends = range.end.line > p.line || (range.end.line === p.line && range.end.character >= p.character);
  return starts && ends;
}

/**
 * The explanations of the diagnoses at `position`, one paragraph each: the rule id (a
 * link to its documentation) and the why. Every LSP client shows a hover; not every one
 * shows more of a diagnostic than its message. The headline is left out: editors put
 * the diagnostic's message beside the hover already.
 */
export function explanationHover(diagnoses: readonly Diagnosis[], position: Position, brief = false): Hover | undefined {
  const here = diagnoses.filter((d) => contains(d.range, position) && detailOf(d.message) !== '');
  if (here.length === 0) return undefined;
  // Brief (beside the image facts of a FROM line): the opening clause, the rest behind the rule's link.
  const why = (d: Diagnosis) => (brief ? firstClause(detailOf(d.message)) : detailOf(d.message));
  const value = here.map((d) => `[${d.ruleId}](${ruleDocUrl(d.ruleId)}): ${why(d)}`).join('\n\n');
  return { contents: { kind: 'markdown', value }, range: here[0].range };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

export function intersects(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** The diagnostic the client sent for a diagnosis, so actions attach to it; a fresh one when it sent none. */
export function clientDiagnosticFor(d: Diagnosis, clientDiagnostics: Diagnostic[]): Diagnostic {
  return clientDiagnostics.find((c) => c.source === SOURCE && c.code === d.ruleId && sameRange(c.range, d.range)) ?? toDiagnostic(d);
}

/** The rule whose fix is the whole-file conversion. */
const CONVERSION_RULE = 'final-stage-full-os';

/**
 * Quick fixes for the diagnoses under `range`, each attached to the diagnostic the client
 * sent. Where the client has its own Convert command (`convertCommand`: VS Code's shows
 * the diff first, and says when the build stage's image changes), the whole-file
 * conversion runs that command instead of rewriting the file unseen.
 */
export function quickFixes(uri: string, diagnoses: Diagnosis[], range: Range, clientDiagnostics: Diagnostic[], tail?: OpenTail, convertCommand?: string): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnoses) {
    // Range first: reading fixes can compute them (engine/fixes.ts).
    if (!intersects(d.range, range) || d.fixes.length === 0) continue;
    const diagnostic = clientDiagnosticFor(d, clientDiagnostics);
    d.fixes.forEach((fix, index) => {
      // No offer to append inside an open heredoc or a dangling continuation (engine/tail.ts).
      if (tail && fix.edits.some((e) => editReachesTail(e, tail))) return;
      if (convertCommand && d.ruleId === CONVERSION_RULE && fix.fixAll === false) {
        const title = 'Convert to Distroless (shows the changes first)';
        actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: convertCommand, arguments: [uri] } });
        return;
      }
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
