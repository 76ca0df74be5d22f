/**
 * `# distroless-ignore <id>[, <id>...]` silences the next instruction;
 * `# distroless-ignore-file <id>` silences the whole file. Comments stacked
 * directly above an instruction all apply to it.
 */
import type { Range } from 'vscode-languageserver-types';
import type { DockerfileModel } from './model';

export interface SuppressionComment {
  scope: 'instruction' | 'file';
  ids: Array<{ id: string; range: Range }>;
  range: Range;
  /**
   * For instruction scope: the lines it covers (inclusive), from the comment itself
   * through the comments stacked below it to the end of the instruction.
   */
  lines?: { start: number; end: number };
}

/** The comment keyword of each scope: the one spelling of the syntax, read here and written by the editor's Ignore actions. */
export const SUPPRESSION_KEYWORDS = { instruction: 'distroless-ignore', file: 'distroless-ignore-file' } as const;

/** A suppression comment: (the `#` and spaces before the keyword)(the keyword)(the ids after it). */
export const SUPPRESSION_COMMENT = /^(\s*#\s*)(distroless-ignore(?:-file)?)\b(.*)$/;
const PATTERN = SUPPRESSION_COMMENT;

const cache = new WeakMap<DockerfileModel, SuppressionComment[]>();

/** The suppression comments of the model (read once: lint and the invalid-suppression rule both ask). */
export function findSuppressions(model: DockerfileModel): SuppressionComment[] {
  let cached = cache.get(model);
  if (!cached) {
    cached = readSuppressions(model);
    cache.set(model, cached);
  }
  return cached;
}

function readSuppressions(model: DockerfileModel): SuppressionComment[] {
  // Most files have none: skip splitting the text into lines for them.
  if (!model.text.includes(SUPPRESSION_KEYWORDS.instruction)) return [];
  const lines = model.text.split(/\r?\n/);
  const instructions = model.dockerfile.getInstructions();
  const out: SuppressionComment[] = [];
  lines.forEach((line, lineNumber) => {
    const m = PATTERN.exec(line);
    if (!m) return;
    // A `#` inside a continued instruction is not a comment to Docker either.
    if (instructions.some((i) => i.getRange().start.line < lineNumber && i.getRange().end.line >= lineNumber)) return;
    const scope = m[2] === SUPPRESSION_KEYWORDS.file ? 'file' : 'instruction';
    const ids: SuppressionComment['ids'] = [];
    const idsStart = m[1].length + m[2].length;
    const idPattern = /[^\s,]+/g;
    let idMatch: RegExpExecArray | null;
    while ((idMatch = idPattern.exec(m[3])) !== null) {
      const start = idsStart + idMatch.index;
      ids.push({ id: idMatch[0], range: { start: { line: lineNumber, character: start }, end: { line: lineNumber, character: start + idMatch[0].length } } });
    }
    const comment: SuppressionComment = {
      scope,
      ids,
      range: { start: { line: lineNumber, character: m[1].length }, end: { line: lineNumber, character: line.length } },
    };
    if (scope === 'instruction') {
      // Skip further comment lines (stacked suppressions) to the instruction they sit on.
      let next = lineNumber + 1;
      while (next < lines.length && /^\s*#/.test(lines[next])) next++;
      const target = instructions.find((i) => i.getRange().start.line === next);
      // The stacked comments are covered too: an invalid-suppression finding sits on one of them.
      if (target) comment.lines = { start: lineNumber, end: target.getRange().end.line };
    }
    out.push(comment);
  });
  return out;
}

export function isSuppressed(suppressions: SuppressionComment[], ruleId: string, range: Range): boolean {
  return suppressions.some((s) => {
    if (!s.ids.some((i) => i.id === ruleId)) return false;
    if (s.scope === 'file') return true;
    return s.lines !== undefined && range.start.line >= s.lines.start && range.start.line <= s.lines.end;
  });
}
