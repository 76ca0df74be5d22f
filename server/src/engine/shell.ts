/**
 * The shell model: what a RUN (or a shell-form CMD, ENTRYPOINT, HEALTHCHECK) runs,
 * read once and shared by every rule and the converter.
 *
 * It reads the instruction the way Docker and a POSIX shell do, in that order:
 * Dockerfile line continuations (and the comment lines Docker drops inside them)
 * first; then the flags (`--mount=…`); then either exec form (a JSON array) or shell
 * text with quotes, escapes, `$(…)`, backticks, operators (`&&`, `||`, `;`, `|`, `&`,
 * newlines), redirects and here-documents. A RUN that is only a here-document
 * (`RUN <<EOF`), a shell fed a here-document (`bash <<EOF`) and `sh -c '…'` are read
 * as the scripts they run. Every word keeps the document offsets it was written at,
 * so findings and fixes point at it.
 *
 * It is a reader, not a shell: no expansion is done (`$VAR` and `$(…)` stay in the
 * words as written), and `case`/`for` headers are skipped rather than interpreted.
 */
import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import { DockerfileModel, offsetOf, rangeOf } from './model';

export interface Word {
  /** Quotes removed and escapes resolved; `$VAR`, `${…}`, `$(…)` and backticks kept as written. */
  value: string;
  /** Offsets of the word as written (quotes included) in the document (or the text given to the parser). */
  start: number;
  end: number;
  /** True when any part of the word was quoted (`"$x"` is then not an assignment or a reserved word). */
  quoted: boolean;
  /** Offset of each character of `value`, and one past the last; lets `sh -c '…'` be read in place. */
  readonly at: readonly number[];
}

export interface Redirect {
  /** `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `&>`, `&>>`, `>|`, `<>`. */
  op: string;
  /** The file descriptor written before the operator (`2>`), if any. */
  fd?: string;
  target?: Word;
}

export interface Heredoc {
  delimiter: string;
  /** `<<-`: leading tabs are stripped from the body's lines. */
  stripTabs: boolean;
  /** A quoted delimiter (`<<'EOF'`): the body is not expanded. */
  literal: boolean;
  body: string;
  /** Document offsets of the body (the lines between the operator's line and the delimiter line). */
  start: number;
  end: number;
  at: number[];
}

/** What comes after a command: it decides whether the next one runs (`&&`, `||`) or reads its output (`|`). */
export type Connector = '&&' | '||' | ';' | ';;' | '|' | '|&' | '&' | '\n' | '(' | ')';

export interface Command {
  /** The program and its arguments: assignments, `sudo`/`exec` wrappers and reserved words (`if`, `then`, `!`…) excluded. */
  words: Word[];
  /** `NAME=value` words written in front of the program (`CGO_ENABLED=0 go build`). */
  assignments: Word[];
  redirects: Redirect[];
  heredocs: Heredoc[];
  /** The operator after the command; undefined at the end of the script. */
  next?: Connector;
  /** 0 for the instruction itself; 1 and more inside `sh -c '…'` or a here-document script. */
  depth: number;
  /** Written in exec form (a JSON array): no shell runs it. */
  exec: boolean;
}

export interface InstructionFlag {
  /** Without the dashes: `mount`, `network`, `security`, `interval`… */
  name: string;
  value?: string;
  start: number;
  end: number;
}

export interface ShellInstruction {
  keyword: string;
  flags: InstructionFlag[];
  /** Exec form (a JSON array) rather than shell form. */
  exec: boolean;
  /** The text after the keyword and flags (HEALTHCHECK: after CMD), continuations joined. */
  script: string;
  /** Every simple command, in the order written; a nested script's commands follow the command that runs it. */
  commands: Command[];
}

/** A piece of text and the document offset of each character (and one past the last). */
interface Source {
  text: string;
  at: number[];
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
/** Words that open or close compound commands; the program comes after them. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'esac', 'time']);
/** Compound-command headers that run no program of their own. */
const HEADERS = new Set(['for', 'select', 'case', 'function']);

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** True when `program` (a path or a name) is a POSIX-style shell. */
export function isShell(program: string): boolean {
  return SHELLS.has(basename(program));
}

/**
 * Reads an instruction's text as written (from its keyword to its end, here-document
 * bodies included). `base` is the document offset of the text; `escape` the
 * Dockerfile's escape character (`# escape=`).
 */
export function parseShellInstruction(raw: string, base = 0, escape = '\\'): ShellInstruction {
  const src = joinContinuations(raw, base, escape);
  const text = src.text;
  let i = 0;
  const skipBlanks = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  skipBlanks();
  const keywordStart = i;
  while (i < text.length && /\S/.test(text[i])) i++;
  const keyword = text.slice(keywordStart, i).toUpperCase();
  const flags: InstructionFlag[] = [];
  for (;;) {
    skipBlanks();
    if (!text.startsWith('--', i)) break;
    const start = i;
    while (i < text.length && !/\s/.test(text[i])) i++;
    const written = text.slice(start + 2, i);
    const eq = written.indexOf('=');
    flags.push({
      name: eq >= 0 ? written.slice(0, eq) : written,
      value: eq >= 0 ? unquote(written.slice(eq + 1)) : undefined,
      start: src.at[start],
      end: src.at[i - 1] + 1,
    });
  }
  if (keyword === 'HEALTHCHECK') {
    if (!/^CMD\b/i.test(text.slice(i))) return { keyword, flags, exec: false, script: '', commands: [] };
    i += 3;
    skipBlanks();
  }
  const rest: Source = { text: text.slice(i), at: src.at.slice(i) };
  const exec = readJsonArray(rest);
  if (exec) {
    const command: Command = { words: exec, assignments: [], redirects: [], heredocs: [], depth: 0, exec: true };
    return { keyword, flags, exec: true, script: rest.text, commands: [command, ...nestedScripts(command, 0)] };
  }
  return { keyword, flags, exec: false, script: rest.text, commands: parseScript(rest, 0, true) };
}

/** Reads shell text (no Dockerfile keyword) into simple commands; offsets start at `base`. */
export function parseShell(text: string, base = 0): Command[] {
  const at: number[] = [];
  for (let k = 0; k <= text.length; k++) at.push(base + k);
  return parseScript({ text, at }, 0, false);
}

/** An instruction's text with its continuations joined, as Docker reads it (for display and cheap tests). */
export function joinedText(raw: string, escape = '\\'): string {
  return joinContinuations(raw, 0, escape).text;
}

/**
 * Docker joins `\`-newline continuations (and drops the comment and empty lines inside
 * them) before the shell sees the text. That happens on the instruction's first line
 * only: here-document bodies after it reach the shell as written.
 */
function joinContinuations(raw: string, base: number, escape: string): Source {
  // Copied a run of characters at a time, not one by one: this runs for every RUN a rule reads.
  let text = '';
  const at: number[] = [];
  const n = raw.length;
  let i = 0;
  let copyFrom = 0;
  const copy = (to: number) => {
    if (to <= copyFrom) return;
    text += raw.slice(copyFrom, to);
    for (let k = copyFrom; k < to; k++) at.push(base + k);
  };
  let newline = raw.indexOf('\n');
  while (i < n) {
    if (newline >= 0 && newline < i) newline = raw.indexOf('\n', i);
    const e = raw.indexOf(escape, i);
    // The first line ends at a newline no escape continues: here-document bodies after it reach the shell as written.
    if (e < 0 || (newline >= 0 && newline < e)) break;
    let j = e + 1;
    while (j < n && (raw[j] === ' ' || raw[j] === '\t')) j++;
    if (raw[j] === '\r') j++;
    if (j >= n || raw[j] === '\n') {
      copy(e);
      i = j + 1;
      // Comment lines and empty lines inside a continuation are not part of the instruction.
      for (;;) {
        BLANK_OR_COMMENT_LINE.lastIndex = i;
        const m = BLANK_OR_COMMENT_LINE.exec(raw);
        if (!m || m[0].length > 4096 || i + m[0].length > n) break;
        i += m[0].length;
      }
      copyFrom = i;
      continue;
    }
    i = e + 1;
  }
  copy(n);
  at.push(at.length > 0 ? at[at.length - 1] + 1 : base + raw.length);
  return { text, at };
}

/** A blank or comment line (sticky: tried at one offset). */
const BLANK_OR_COMMENT_LINE = /[ \t]*(?:#[^\n]*)?\r?\n/y;

function unquote(value: string): string {
  return value.replace(/"([^"]*)"|'([^']*)'/g, (_m, d: string | undefined, s: string | undefined) => d ?? s ?? '');
}

/** Exec form: a JSON array of strings, alone on the instruction; undefined otherwise (Docker then runs it as shell form). */
function readJsonArray(src: Source): Word[] | undefined {
  const text = src.text;
  let i = 0;
  const blanks = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  blanks();
  if (text[i] !== '[') return undefined;
  i++;
  const words: Word[] = [];
  blanks();
  if (text[i] === ']') {
    i++;
  } else {
    for (;;) {
      blanks();
      if (text[i] !== '"') return undefined;
      const start = i++;
      let value = '';
      const at: number[] = [];
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          const e = text[i + 1];
          const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          if (e in simple) {
            value += simple[e];
            at.push(src.at[i]);
            i += 2;
          } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            at.push(src.at[i]);
            i += 6;
          } else {
            return undefined;
          }
        } else {
          value += text[i];
          at.push(src.at[i]);
          i++;
        }
      }
      if (i >= text.length) return undefined;
      i++;
      at.push(src.at[i - 1]);
      words.push({ value, start: src.at[start], end: src.at[i - 1] + 1, quoted: true, at });
      blanks();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        break;
      }
      return undefined;
    }
  }
  blanks();
  return i >= text.length ? words : undefined;
}

type Token =
  | { kind: 'word'; word: Word }
  | { kind: 'op'; op: Connector }
  | { kind: 'redirect'; redirect: Redirect; heredoc?: Heredoc };

const REDIRECT = /^(\d*)(&>>|&>|<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)/;

/** The control operator at `i`, longest first (`&&` before `&`). */
function operatorAt(text: string, i: number): Connector | undefined {
  switch (text[i]) {
    case '&': return text[i + 1] === '&' ? '&&' : '&';
    case '|': return text[i + 1] === '|' ? '||' : text[i + 1] === '&' ? '|&' : '|';
    case ';': return text[i + 1] === ';' ? ';;' : ';';
    case '(': return '(';
    case ')': return ')';
    case '\n': return '\n';
    default: return undefined;
  }
}

/** Characters that can start a redirect: a file descriptor's digits, `<`, `>`, `&>`. */
function mayStartRedirect(c: string): boolean {
  return c === '<' || c === '>' || c === '&' || (c >= '0' && c <= '9');
}

/** Characters readWord copies as they are, with nothing to decide. */
function plainWordChar(c: string): boolean {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case ';': case '&': case '|': case '(': case ')': case '<': case '>':
    case '\\': case "'": case '"': case '$': case '`':
      return false;
    default:
      return true;
  }
}

function parseScript(src: Source, depth: number, dockerfile: boolean): Command[] {
  const tokens = tokenize(src);
  const out: Command[] = [];
  let current: Command = emptyCommand(depth);
  let casePattern = false;
  const finish = (next: Connector | undefined) => {
    const command = current;
    current = emptyCommand(depth);
    command.next = next;
    const first = command.words[0];
    if (first && !first.quoted && HEADERS.has(first.value)) {
      if (first.value === 'case') casePattern = true;
      return;
    }
    if (casePattern && next === ')') {
      casePattern = false;
      return;
    }
    while (command.words.length > 0 && !command.words[0].quoted && RESERVED.has(command.words[0].value)) command.words.shift();
    while (command.words.length > 0 && isAssignment(command.words[0])) command.assignments.push(command.words.shift() as Word);
    stripWrappers(command.words);
    if (command.words.length === 0 && command.assignments.length === 0 && command.heredocs.length === 0) return;
    out.push(command);
    out.push(...nestedScripts(command, depth));
    // `RUN <<EOF`: Docker runs a here-document that stands alone as the script.
    if (dockerfile && depth === 0 && command.words.length === 0) {
      for (const heredoc of command.heredocs) out.push(...heredocScript(heredoc, depth + 1));
    }
  };
  for (const token of tokens) {
    if (token.kind === 'word') {
      current.words.push(token.word);
    } else if (token.kind === 'redirect') {
      current.redirects.push(token.redirect);
      if (token.heredoc) current.heredocs.push(token.heredoc);
    } else {
      if (token.op === ';;') casePattern = true;
      finish(token.op);
    }
  }
  finish(undefined);
  // The last command has no connector after it; a trailing newline or `;` is not one either.
  return out;
}

function emptyCommand(depth: number): Command {
  return { words: [], assignments: [], redirects: [], heredocs: [], depth, exec: false };
}

function isAssignment(word: Word): boolean {
  // `"A=b"` is a program name, not an assignment: the name must be written unquoted.
  return /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(word.value) && word.at[0] === word.start;
}

/** `sudo [-E|-H|-u user …]` and `exec` do not change which program runs. */
function stripWrappers(words: Word[]): void {
  for (;;) {
    const first = words[0]?.value;
    if (first === 'exec') {
      words.shift();
    } else if (first === 'sudo') {
      words.shift();
      while (words.length > 0 && words[0].value.startsWith('-')) {
        const flag = words.shift() as Word;
        if (/^-[ugCDhpRrT]$/.test(flag.value) && words.length > 0) words.shift();
      }
    } else {
      return;
    }
  }
}

/** `sh -c 'script'` and `bash <<EOF`: the script a shell is given, read as commands one level deeper. */
function nestedScripts(command: Command, depth: number): Command[] {
  const [program, ...args] = command.words;
  if (!program || !isShell(program.value)) return [];
  let k = 0;
  while (k < args.length && /^[-+][A-Za-z]+$/.test(args[k].value) && !/^-[A-Za-z]*c[A-Za-z]*$/.test(args[k].value)) k++;
  if (k < args.length && /^-[A-Za-z]*c[A-Za-z]*$/.test(args[k].value)) {
    const script = args[k + 1];
    if (!script) return [];
    return parseScript({ text: script.value, at: [...script.at] }, depth + 1, false);
  }
  if (k < args.length) return [];
  return command.heredocs.flatMap((h) => heredocScript(h, depth + 1));
}

/** A here-document run as a script: by a shell, unless its `#!` line names another interpreter. */
function heredocScript(heredoc: Heredoc, depth: number): Command[] {
  const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(heredoc.body);
  if (shebang) {
    const interpreter = basename(shebang[1]) === 'env' && shebang[2] ? shebang[2] : shebang[1];
    if (!isShell(interpreter)) return [];
  }
  return parseScript({ text: heredoc.body, at: [...heredoc.at] }, depth, false);
}

function tokenize(src: Source): Token[] {
  const { text, at } = src;
  const tokens: Token[] = [];
  const pending: Heredoc[] = [];
  let i = 0;
  const n = text.length;
  const wordAt = (): Word | undefined => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    return readWord();
  };
  const readWord = (): Word | undefined => {
    const start = i;
    let value = '';
    const valueAt: number[] = [];
    let quoted = false;
    const take = (from: number, to: number) => {
      for (let k = from; k < to; k++) {
        value += text[k];
        valueAt.push(at[k]);
      }
    };
    while (i < n) {
      const c = text[i];
      if (plainWordChar(c)) {
        // A run of ordinary characters, copied at once.
        let k = i + 1;
        while (k < n && plainWordChar(text[k])) k++;
        value += text.slice(i, k);
        for (let m = i; m < k; m++) valueAt.push(at[m]);
        i = k;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>') {
        // `$(`, `${`, `<(` are handled below; a lone metacharacter ends the word.
        break;
      }
      if (c === '\r' && text[i + 1] === '\n') break;
      if (c === '\\') {
        if (text[i + 1] === '\n') {
          i += 2;
          continue;
        }
        if (text[i + 1] === '\r' && text[i + 2] === '\n') {
          i += 3;
          continue;
        }
        if (i + 1 < n) take(i + 1, i + 2);
        i += 2;
        quoted = true;
        continue;
      }
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        const end = close < 0 ? n : close;
        take(i + 1, end);
        i = end + 1;
        quoted = true;
        continue;
      }
      if (c === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === '\\' && /["\\$`\n]/.test(text[i + 1] ?? '')) {
            if (text[i + 1] !== '\n') take(i + 1, i + 2);
            i += 2;
          } else if (text[i] === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
            const end = skipBalanced(text, i + 1);
            take(i, end);
            i = end;
          } else if (text[i] === '`') {
            const end = skipBackticks(text, i);
            take(i, end);
            i = end;
          } else {
            take(i, i + 1);
            i++;
          }
        }
        i++;
        quoted = true;
        continue;
      }
      if (c === '$' && text[i + 1] === "'") {
        let k = i + 2;
        while (k < n && text[k] !== "'") k += text[k] === '\\' ? 2 : 1;
        take(i + 2, Math.min(k, n));
        i = k + 1;
        quoted = true;
        continue;
      }
      if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
        const end = skipBalanced(text, i + 1);
        take(i, end);
        i = end;
        continue;
      }
      if (c === '`') {
        const end = skipBackticks(text, i);
        take(i, end);
        i = end;
        continue;
      }
      take(i, i + 1);
      i++;
    }
    if (i === start) return undefined;
    const end = Math.min(i, n);
    valueAt.push(end > start ? at[end - 1] + 1 : at[start]);
    return { value, start: at[start], end: at[end - 1] + 1, quoted, at: valueAt };
  };
  const readHeredocBodies = () => {
    // The bodies start on the line after the operator's line, one after the other.
    for (const heredoc of pending.splice(0)) {
      let body = '';
      const bodyAt: number[] = [];
      let lineStart = i;
      let found = false;
      while (lineStart < n) {
        let lineEnd = text.indexOf('\n', lineStart);
        if (lineEnd < 0) lineEnd = n;
        let line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
        let lead = 0;
        if (heredoc.stripTabs) while (line[lead] === '\t') lead++;
        line = line.slice(lead);
        if (line === heredoc.delimiter) {
          found = true;
          i = lineEnd;
          break;
        }
        for (let k = lineStart + lead; k < Math.min(lineEnd + 1, n); k++) {
          body += text[k];
          bodyAt.push(at[k]);
        }
        lineStart = lineEnd + 1;
      }
      if (!found) i = n;
      bodyAt.push(bodyAt.length > 0 ? bodyAt[bodyAt.length - 1] + 1 : at[Math.min(i, n)]);
      heredoc.body = body;
      heredoc.at = bodyAt;
      heredoc.start = bodyAt[0];
      heredoc.end = bodyAt[bodyAt.length - 1];
    }
  };
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      tokens.push({ kind: 'op', op: '\n' });
      i++;
      if (pending.length > 0) readHeredocBodies();
      continue;
    }
    const redirect = mayStartRedirect(c) ? REDIRECT.exec(text.slice(i, i + 12)) : null;
    if (redirect) {
      const op = redirect[2];
      i += redirect[0].length;
      const target = wordAt();
      const r: Redirect = { op, fd: redirect[1] || undefined, target };
      if ((op === '<<' || op === '<<-') && target) {
        const heredoc: Heredoc = {
          delimiter: target.value, stripTabs: op === '<<-', literal: target.quoted, body: '', start: 0, end: 0, at: [],
        };
        pending.push(heredoc);
        tokens.push({ kind: 'redirect', redirect: r, heredoc });
      } else {
        tokens.push({ kind: 'redirect', redirect: r });
      }
      continue;
    }
    const op = operatorAt(text, i);
    if (op) {
      tokens.push({ kind: 'op', op });
      i += op.length;
      continue;
    }
    const word = readWord();
    if (word) {
      // `2>file`: digits directly before a redirect are its file descriptor, read above; here a word ended at `<`/`>`.
      tokens.push({ kind: 'word', word });
    } else {
      i++;
    }
  }
  return tokens;
}

/** From an opening `(` or `{` to just after its match, skipping quoted text. */
function skipBalanced(text: string, open: number): number {
  const close = text[open] === '(' ? ')' : '}';
  const opener = text[open];
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === opener) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return text.length;
}

function skipBackticks(text: string, open: number): number {
  let i = open + 1;
  while (i < text.length && text[i] !== '`') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

// ---------------------------------------------------------------------------
// Reading instructions of a model (cached: several rules read the same RUNs).

const shellCache = new WeakMap<Instruction, ShellInstruction>();
const rawCache = new WeakMap<Instruction, string>();

/** The instruction as written in the document (keyword to end, here-documents included); cheap pre-checks test this. */
export function rawText(model: DockerfileModel, instruction: Instruction): string {
  let cached = rawCache.get(instruction);
  if (cached === undefined) {
    const r = instruction.getRange();
    cached = model.text.slice(offsetOf(model, r.start), offsetOf(model, r.end));
    rawCache.set(instruction, cached);
  }
  return cached;
}

/** The shell model of a RUN, CMD, ENTRYPOINT or HEALTHCHECK instruction of `model`. */
export function shellOf(model: DockerfileModel, instruction: Instruction): ShellInstruction {
  let cached = shellCache.get(instruction);
  if (!cached) {
    const start = offsetOf(model, instruction.getRange().start);
    cached = parseShellInstruction(rawText(model, instruction), start, model.escape);
    shellCache.set(instruction, cached);
  }
  return cached;
}

/** The simple commands of an instruction (see shellOf). */
export function commandsOf(model: DockerfileModel, instruction: Instruction): Command[] {
  return shellOf(model, instruction).commands;
}

export function wordRange(model: DockerfileModel, word: { start: number; end: number }): Range {
  return rangeOf(model, word.start, word.end);
}

/** The words' values. */
export function values(words: readonly Word[]): string[] {
  return words.map((w) => w.value);
}

/**
 * The value of an option among words: `-o x`, `-o=x`, `--output x`, `--output=x`.
 * `writtenStart` is the document offset where the value is written, an opening quote included.
 */
export function optionValue(words: readonly Word[], names: readonly string[]): { value: string; word: Word; writtenStart: number } | undefined {
  for (let i = 0; i < words.length; i++) {
    for (const name of names) {
      const w = words[i];
      if (w.value === name && i + 1 < words.length) return { value: words[i + 1].value, word: words[i + 1], writtenStart: words[i + 1].start };
      if (w.value.startsWith(`${name}=`)) {
        // The option's name is written plainly, so the value starts right after `name=`.
        return { value: w.value.slice(name.length + 1), word: w, writtenStart: w.at[name.length] + 1 };
      }
    }
  }
  return undefined;
}

/** Shell syntax that exec form cannot carry, first match wins; the names are what messages say. */
const SHELL_SYNTAX: ReadonlyArray<[RegExp, string, 'quoting'?]> = [
  [/&&/, '&&'], [/\|\|/, '||'], [/\|/, '|'], [/;/, ';'], [/[<>]/, 'a redirect'],
  [/\$/, 'a variable ($)'], [/`/, 'command substitution (`)'], [/[*?[\]]/, 'a glob'],
  [/[()]/, 'a subshell'], [/[{}]/, 'braces'], [/['"]/, 'quotes', 'quoting'], [/\\/, 'a backslash escape', 'quoting'],
  [/(^|\s)~/, '~'], [/(^|\s)#/, 'a comment'], [/(^|\s)&(\s|$)/, 'a background job (&)'],
  [/^\s*[A-Za-z_][A-Za-z0-9_]*=/, 'a variable assignment'],
];

/**
 * The first piece of shell syntax in a shell-form command, or undefined when the
 * command is plain words that exec form can carry unchanged. With `quotesAllowed`,
 * quotes and backslash escapes pass: the caller reads the words with parseShell,
 * which resolves them, so exec form can carry the result.
 */
export function firstShellSyntax(command: string, options: { quotesAllowed?: boolean } = {}): string | undefined {
  for (const [pattern, name, kind] of SHELL_SYNTAX) {
    if (kind === 'quoting' && options.quotesAllowed) continue;
    if (pattern.test(options.quotesAllowed ? withoutQuotedText(command) : command)) return name;
  }
  return undefined;
}

/** Single-quoted text carries no shell syntax; double-quoted text still expands `$` and backticks. */
function withoutQuotedText(command: string): string {
  return command.replace(/'[^']*'/g, 'q').replace(/"((?:[^"\\]|\\.)*)"/g, (_m, inner: string) => (/[$`]/.test(inner) ? inner : 'q'));
}
