/**
 * Whether a Dockerfile ends cleanly. A file that ends inside an open heredoc
 * (`RUN <<EOF` with no `EOF` line; BuildKit wants the terminator alone on its line,
 * so `EOF  ` does not close it) or with a dangling line continuation (`RUN echo \`)
 * has no place to append to: text added at the end would become part of that last
 * instruction. Fixes that edit there and conversions are refused for such files.
 */
import type { Dockerfile } from 'dockerfile-ast';
import type { Position, Range, TextEdit } from 'vscode-languageserver-types';
import { parseDockerfile } from './model';

export interface OpenTail {
  /** Where the unfinished instruction starts: nothing from here on may be edited or appended to. */
  start: Position;
  /** Why, for the user: what is open, where, and what to add. */
  reason: string;
}

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** The unfinished construct at the end of the file, or undefined when the file ends cleanly. */
export function openTail(text: string, dockerfile: Dockerfile = parseDockerfile(text)): OpenTail | undefined {
  const instructions = dockerfile.getInstructions();
  const last = instructions[instructions.length - 1];
  if (!last) return undefined;
  const start = last.getRange().start;
  // BuildKit reads heredocs in RUN, COPY and ADD only; the parser's reader is protected on the base class.
  const withHeredocs = last as unknown as { getHeredocs?: () => HeredocLike[] };
  const heredocs = HEREDOC_KEYWORDS.has(last.getKeyword().toUpperCase()) && typeof withHeredocs.getHeredocs === 'function' ? withHeredocs.getHeredocs() : [];
  const open = heredocs.find((h) => h.getDelimiterRange() === null);
  if (open) {
    return {
      start,
      reason: `the file ends inside the heredoc <<${open.getName()} opened on line ${open.getNameRange().start.line + 1}: it has no line that is exactly "${open.getName()}" (no spaces around it) to close it. Add that line`,
    };
  }
  const escape = dockerfile.getEscapeCharacter();
  const lines = text.split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= start.line; i--) {
    const line = lines[i];
    // Blank lines and comments inside a continued instruction do not end it.
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    const trimmed = line.replace(/[ \t]+$/, '');
    if (trimmed.endsWith(escape)) {
      return {
        start,
        reason: `the file ends with a line continuation (${escape} at the end of line ${i + 1}), so anything added at the end would become part of that ${last.getKeyword()} instruction. Remove the ${escape} or finish the instruction`,
      };
    }
    break;
  }
  if (!endsOnItsOwn(text, start.line, escape)) {
    return {
      start,
      reason: `the parser reads anything after the end of the file as part of the ${last.getKeyword()} instruction on line ${start.line + 1} (an escape character at the start of a continued line, as in "\\ x", is read as one more continuation). Finish that instruction on one line or remove the stray ${escape}`,
    };
  }
  return undefined;
}

/**
 * Whether an instruction appended after the end would be read as one of its own. The
 * parser (dockerfile-ast) is asked on the last instruction's lines plus a probe line,
 * so the answer is the one every later reading of the edited file gets.
 */
function endsOnItsOwn(text: string, fromLine: number, escape: string): boolean {
  let offset = 0;
  for (let line = 0; line < fromLine; line++) {
    const lf = text.indexOf('\n', offset);
    if (lf === -1) break;
    offset = lf + 1;
  }
  const lastLines = text.slice(offset).replace(/\s+$/, '');
  const probe = parseDockerfile(`${escape === '\\' ? '' : '# escape=`\n'}${lastLines}\n\nLABEL distroless.probe=1\n`).getInstructions();
  const appended = probe[probe.length - 1];
  return appended !== undefined && appended.getKeyword() === 'LABEL' && appended.getArgumentsContent() === 'distroless.probe=1';
}

interface HeredocLike {
  getName(): string;
  getNameRange(): Range;
  getDelimiterRange(): Range | null;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** True when an edit reaches into the open tail (or appends after it). */
export function editReachesTail(edit: TextEdit, tail: OpenTail): boolean {
  return !before(edit.range.end, tail.start);
}
