/**
 * Applies every preferred fix, a round at a time: fixes whose edits overlap are
 * deferred to the next round (after re-linting), so two fixes never interleave
 * into a broken file.
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { applyEdits, rangesOverlap } from './edits';
import type { Dockerfile } from 'dockerfile-ast';
import { analyze, type Analysis } from './analysis';
import { parseDockerfile } from './model';
import { editReachesTail, OpenTail } from './tail';
import type { Diagnosis } from './types';

export interface FixAllResult {
  text: string;
  /** The rule ids fixed, in order, one entry per applied fix. */
  applied: string[];
  /** What remains after fixing. */
  remaining: Diagnosis[];
  /** Set when fixes at the end of the file were held back because the file does not end cleanly (engine/tail.ts): why. */
  heldBack?: string;
}

const MAX_ROUNDS = 10;

/** The non-overlapping set of first-preferred fixes from one lint. */
function selectFixes(diagnoses: Diagnosis[], tail?: OpenTail): { edits: TextEdit[]; ruleIds: string[]; heldBack: boolean } {
  const edits: TextEdit[] = [];
  const ruleIds: string[] = [];
  let heldBack = false;
  for (const d of diagnoses) {
    const candidates = d.fixes.filter((f) => f.fixAll !== false);
    const fix = candidates.find((f) => f.preferred) ?? candidates[0];
    if (!fix || fix.edits.length === 0) continue;
    // Text added to a file that ends inside a heredoc or a continuation would land inside it.
    if (tail && fix.edits.some((e) => editReachesTail(e, tail))) {
      heldBack = true;
      continue;
    }
    if (fix.edits.some((e) => edits.some((taken) => rangesOverlap(e.range, taken.range)))) continue;
    edits.push(...fix.edits);
    ruleIds.push(d.ruleId);
  }
  return { edits, ruleIds, heldBack };
}

/**
 * Fix-all from an analysis: the first round reads its findings (an editor or the CLI
 * has just linted this text), each later round analyses the fixed text once, and that
 * one parse also tells whether the fixed file still parses.
 */
export function fixAll(analysis: Analysis): FixAllResult {
  let done = fixedAnalyses.get(analysis);
  if (!done) {
    done = fixRounds(analysis);
    fixedAnalyses.set(analysis, done);
  }
  return done;
}

/** Fix-all answered per analysis: a second request for the same document version computes nothing. */
const fixedAnalyses = new WeakMap<Analysis, FixAllResult>();

function fixRounds(analysis: Analysis): FixAllResult {
  let current = analysis;
  const applied: string[] = [];
  let heldBack: string | undefined;
  const result = (remaining: Diagnosis[]): FixAllResult => ({ text: current.text, applied, remaining, ...(heldBack ? { heldBack } : {}) });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { diagnoses } = current;
    // Earlier rounds may have moved it (lines added above), so it is found again each round.
    const tail = current.tail;
    const selected = selectFixes(diagnoses, tail);
    if (selected.heldBack && tail) heldBack = tail.reason;
    const { edits, ruleIds } = selected;
    if (edits.length === 0) return result(diagnoses);
    const nextText = applyEdits(current.text, edits);
    if (nextText === current.text) return result(diagnoses);
    const next = analyzed(nextText, current.options);
    // A fix that leaves an unparseable file is dropped rather than handed to the user.
    if (!next) return result(diagnoses);
    current = next;
    applied.push(...ruleIds);
  }
  return result(current.diagnoses);
}

function analyzed(text: string, options: Analysis['options']): Analysis | undefined {
  try {
    const analysis = analyze(text, options);
    return hasFrom(analysis.model.dockerfile, text) ? analysis : undefined;
  } catch {
    return undefined;
  }
}

/** The parser is tolerant; a Dockerfile that lost its FROM is what "broken" means here. */
function hasFrom(dockerfile: Dockerfile, text: string): boolean {
  return dockerfile.getFROMs().length > 0 || text.trim() === '';
}

export function parses(text: string): boolean {
  try {
    return hasFrom(parseDockerfile(text), text);
  } catch {
    return false;
  }
}
