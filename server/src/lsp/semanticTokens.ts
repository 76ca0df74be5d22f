/**
 * Semantic tokens in time linear in the document's size, and interruptible.
 *
 * dockerfile-language-service computes tokens for a whole document at once, in time
 * worse than quadratic (32 KB: 3 s, 256 KB: 211 s; its parser alone takes minutes on
 * 5 MB), and the server answers nothing else meanwhile. Here the document is cut
 * into pieces of a few whole instructions at lines where an instruction starts
 * (never inside a continuation, a heredoc or the parser directives); each piece goes
 * to the service on its own, so each costs a bounded time, and their tokens are put
 * back at their lines. Between pieces the server yields to other requests and stops
 * when the request is cancelled or the document changed. One instruction larger
 * than MAX_INSTRUCTION_CHARS (machine-made files) gets only its keyword's token.
 */
import type { SemanticTokens } from 'vscode-languageserver-types';

/** A piece grows by whole instructions until it has this many characters. */
const PIECE_CHARS = 2048;
/** One instruction longer than this is not given to the service (its cost grows with the square of the length). */
export const MAX_INSTRUCTION_CHARS = 16 * 1024;
/** How long the server computes before it lets other requests in. */
const SLICE_MS = 15;

const KEYWORD_TOKEN = 0; // index of 'keyword' in the legend the server announces
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

export interface Piece {
  /** Line of the document where the piece starts. */
  line: number;
  start: number;
  end: number;
  /** One instruction too large for the service: only its keyword is tokenised. */
  oversized?: boolean;
}

interface Line {
  start: number;
  /** End of the line's text, before its line break. */
  end: number;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const lf = text.indexOf('\n', start);
    if (lf === -1) {
      lines.push({ start, end: text.length });
      return lines;
    }
    lines.push({ start, end: lf > start && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf });
    start = lf + 1;
  }
}

const DIRECTIVE = /^\s*#\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(\S*)\s*$/;

/** The escape character from the parser directives at the top, as dockerfile-ast reads them. */
export function escapeCharacterOf(text: string, lines: Line[] = linesOf(text)): string {
  for (const line of lines) {
    const match = DIRECTIVE.exec(text.slice(line.start, line.end));
    if (!match) break;
    if (match[1].toLowerCase() === 'escape') return match[2] === '`' ? '`' : '\\';
  }
  return '\\';
}

/** Lines where an instruction starts outside any continuation, heredoc or directive block. */
function instructionStarts(text: string, lines: Line[], escape: string): number[] {
  const starts: number[] = [];
  let i = 0;
  // The parser directives: a piece starting there would read a comment as a directive.
  while (i < lines.length && DIRECTIVE.test(text.slice(lines[i].start, lines[i].end))) i++;
  let continued = false;
  let keyword = '';
  const terminators: Array<{ name: string; stripTabs: boolean }> = [];
  for (; i < lines.length; i++) {
    const content = text.slice(lines[i].start, lines[i].end);
    if (terminators.length > 0) {
      const first = terminators[0];
      if ((first.stripTabs ? content.replace(/^\t+/, '') : content) === first.name) terminators.shift();
      continue;
    }
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (!continued) {
      starts.push(i);
      keyword = /^\S+/.exec(trimmed)?.[0].toUpperCase() ?? '';
    }
    continued = content.replace(/[ \t]+$/, '').endsWith(escape);
    if (HEREDOC_KEYWORDS.has(keyword) && content.includes('<<')) {
      for (const match of content.matchAll(/<<(-?)(["']?)([A-Za-z0-9_.-]+)\2/g)) terminators.push({ name: match[3], stripTabs: match[1] === '-' });
    }
  }
  return starts;
}

/** The document cut into pieces of whole instructions (exported for tests). */
export function piecesOf(text: string): { pieces: Piece[]; escape: string } {
  const lines = linesOf(text);
  const escape = escapeCharacterOf(text, lines);
  const starts = instructionStarts(text, lines, escape);
  const pieces: Piece[] = [];
  const offsetOf = (line: number) => (line < lines.length ? lines[line].start : text.length);
  // Boundaries: the start of the document, then instruction starts (the first piece keeps the directives).
  const bounds = [0, ...starts.filter((s) => s > 0), lines.length];
  let current: Piece | undefined;
  for (let b = 0; b + 1 < bounds.length; b++) {
    const region: Piece = { line: bounds[b], start: offsetOf(bounds[b]), end: offsetOf(bounds[b + 1]) };
    if (region.end - region.start > MAX_INSTRUCTION_CHARS) {
      if (current) pieces.push(current);
      current = undefined;
      pieces.push({ ...region, oversized: true });
      continue;
    }
    if (!current) current = region;
    else current.end = region.end;
    if (current.end - current.start >= PIECE_CHARS) {
      pieces.push(current);
      current = undefined;
    }
  }
  if (current) pieces.push(current);
  return { pieces, escape };
}

export interface TokensRequest {
  /** The service's tokens for a small document. */
  compute(text: string): SemanticTokens;
  /** True once the answer is no longer wanted (request cancelled, document changed). */
  stopped(): boolean;
}

/** Tokens for the whole document, or undefined when stopped. */
export async function semanticTokens(text: string, request: TokensRequest): Promise<SemanticTokens | undefined> {
  const { pieces, escape } = piecesOf(text);
  // Pieces after the first do not have the directives: an escape directive is put back in front.
  const prefix = escape === '\\' ? '' : '# escape=`\n';
  const prefixLines = prefix === '' ? 0 : 1;
  const data: number[] = [];
  let lastLine = 0;
  let lastChar = 0;
  const push = (line: number, char: number, length: number, type: number, modifiers: number) => {
    data.push(line - lastLine, line === lastLine ? char - lastChar : char, length, type, modifiers);
    lastLine = line;
    lastChar = char;
  };
  let sliceStart = Date.now();
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p];
    const source = text.slice(piece.start, piece.end);
    if (piece.oversized) {
      const keyword = /^(\s*)(\S+)/.exec(source.slice(0, 256));
      if (keyword) push(piece.line, keyword[1].length, keyword[2].length, KEYWORD_TOKEN, 0);
    } else {
      const skip = p === 0 ? 0 : prefixLines;
      const tokens = request.compute(p === 0 ? source : prefix + source).data;
      let line = 0;
      let char = 0;
      for (let t = 0; t + 4 < tokens.length; t += 5) {
        line += tokens[t];
        char = tokens[t] === 0 ? char + tokens[t + 1] : tokens[t + 1];
        if (line < skip) continue;
        push(piece.line + line - skip, char, tokens[t + 2], tokens[t + 3], tokens[t + 4]);
      }
    }
    if (Date.now() - sliceStart >= SLICE_MS && p + 1 < pieces.length) {
      await new Promise((resolve) => setImmediate(resolve));
      if (request.stopped()) return undefined;
      sliceStart = Date.now();
    }
  }
  return { data };
}
