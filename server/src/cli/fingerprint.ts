/**
 * A finding's fingerprint: which rule, on which instruction (its text, not its line),
 * and which of that rule's findings on identical instructions it is. Lines added,
 * removed or edited elsewhere in the file leave it unchanged; editing the instruction
 * itself changes it, as it should (that is a new instruction to judge). Used by the
 * baseline (baseline.ts) and by GitLab Code Quality, whose merge-request widget pairs
 * findings across commits by fingerprint.
 */
import { createHash } from 'crypto';
import { DockerfileParser } from 'dockerfile-ast';
import type { Diagnosis } from '../engine';

/** The instruction a line belongs to, as [first line, last line] (0-based, inclusive). */
function instructionSpans(text: string): Array<[number, number]> {
  return DockerfileParser.parse(text).getInstructions().map((i) => {
    const range = i.getRange();
    return [range.start.line, range.end.line];
  });
}

/**
 * The instruction's words, one space apart: indentation, line continuations and
 * blank space inside the instruction do not change what it is.
 */
function instructionKey(lines: string[], first: number, last: number): string {
  return lines.slice(first, last + 1).map((l) => l.replace(/[\\`]\s*$/, '')).join(' ').replace(/\s+/g, ' ').trim();
}

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

/** One fingerprint per diagnosis, in order; `text` is the text the diagnoses' ranges refer to. */
export function fingerprints(text: string, diagnoses: readonly Diagnosis[]): string[] {
  const lines = text.split(/\r?\n/);
  const spans = diagnoses.length > 0 ? instructionSpans(text) : [];
  const seen = new Map<string, number>();
  return diagnoses.map((d) => {
    const line = d.range.start.line;
    const span = spans.find(([first, last]) => first <= line && line <= last);
    // Outside any instruction (a comment, a parser directive): the line itself.
    const key = span ? instructionKey(lines, span[0], span[1]) : (lines[line] ?? '').trim();
    const id = `${d.ruleId}\0${key}`;
    const occurrence = seen.get(id) ?? 0;
    seen.set(id, occurrence + 1);
    return hash(d.ruleId, key, String(occurrence));
  });
}

/** The same fingerprint, unique across a report of many files. */
export function fileFingerprint(file: string, fingerprint: string): string {
  return hash(file, fingerprint);
}
