/** Shell-word and path helpers the language converters share. */
import type { Instruction } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import { DockerfileModel, Stage, execFormArguments, offsetOf, rangeOf, substituteVariables } from '../model';
import { replaceImageEdit } from '../rules/util';
import type { LanguageContext, RunStep } from './types';
import { argumentsContentOf, argumentsOf } from '../instructions';

/** Folds `\`-newline continuations the way Docker does before handing RUN to the shell. */
export function foldContinuations(text: string): string {
  return text.replace(/\\[ \t]*\r?\n/g, ' ');
}

/** Splits shell text into simple commands (on `&&`, `||`, `;`, `|`, newlines), each as words with quotes removed. */
export function simpleCommands(text: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) out.push(words);
    words = [];
  };
  const folded = foldContinuations(text);
  for (let i = 0; i < folded.length; i++) {
    const c = folded[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < folded.length) word += folded[++i];
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < folded.length) {
      word += folded[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '\n' || c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      endCommand();
    } else if (c === '#' && !inWord) {
      while (i + 1 < folded.length && folded[i + 1] !== '\n') i++;
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  // `VAR=value cmd` and `sudo`/`exec` wrappers do not change which program runs.
  return out.map((w) => {
    let k = 0;
    while (k < w.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w[k]) || w[k] === 'exec' || w[k] === 'sudo')) k++;
    return w.slice(k);
  }).filter((w) => w.length > 0);
}

/** `path` made absolute against `workdir`, normalised (no `.`/`..`, no trailing slash). */
export function resolvePath(path: string, workdir: string): string {
  const joined = path.startsWith('/') ? path : `${workdir.replace(/\/$/, '')}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export function isInside(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

export function basename(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() ?? path;
}

/** The shipped stage and the stages it builds on, root first. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) chain.unshift(s);
  return chain;
}

function variablesAt(model: DockerfileModel, stage: Stage): Map<string, string | undefined> {
  return new Map<string, string | undefined>([...model.globalArgs, ...stage.env]);
}

/** RUN steps of the chain with the WORKDIR each runs in, and the WORKDIR at the end. */
export function runSteps(model: DockerfileModel, chain: Stage[]): { runs: RunStep[]; workdir: string } {
  let workdir = '/';
  const runs: RunStep[] = [];
  for (const stage of chain) {
    let vars: Map<string, string | undefined> | undefined;
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'WORKDIR') {
        const raw = (argumentsContentOf(instruction) ?? '').trim();
        vars ??= variablesAt(model, stage);
        workdir = resolvePath(substituteVariables(raw, vars) ?? raw, workdir);
      } else if (keyword === 'RUN') {
        const { text, commands } = shellOf(model, instruction);
        runs.push({ instruction, stage, text, commands, workdir });
      }
    }
  }
  return { runs, workdir };
}

const shellCache = new WeakMap<Instruction, { text: string; commands: string[][] }>();

/** runText and its simple commands; runSteps is asked for the same RUNs by several converters. */
function shellOf(model: DockerfileModel, instruction: Instruction): { text: string; commands: string[][] } {
  let cached = shellCache.get(instruction);
  if (!cached) {
    const text = runText(model, instruction);
    cached = { text, commands: simpleCommands(text) };
    shellCache.set(instruction, cached);
  }
  return cached;
}

/** The shell text of a RUN (flags such as --mount removed), heredoc bodies included. */
export function runText(model: DockerfileModel, instruction: Instruction): string {
  const r = instruction.getRange();
  const raw = model.text.slice(offsetOf(model, r.start), offsetOf(model, r.end));
  return foldContinuations(raw).replace(/^\s*RUN\s+/i, '').replace(/^(?:--\S+\s+)*/, '').replace(/<<-?\s*["']?(\w+)["']?\s*\n/, '\n');
}

/** The effective start command of the stage chain, or a reason it cannot run without a shell. */
export function startCommand(chain: Stage[]): { words: string[]; entrypointLength: number } | { refuse: string } {
  let entrypoint: Instruction | undefined;
  let cmd: Instruction | undefined;
  for (const stage of chain) {
    for (const i of stage.instructions) {
      if (i.getKeyword() === 'ENTRYPOINT') {
        entrypoint = i;
        // A new ENTRYPOINT resets the inherited CMD, as Docker does.
        cmd = undefined;
      } else if (i.getKeyword() === 'CMD') {
        cmd = i;
      }
    }
  }
  const words = (i: Instruction): string[] | { refuse: string } => {
    const exec = execFormArguments(i);
    if (exec) return unwrapShell(exec);
    return shellWords(argumentsContentOf(i) ?? '');
  };
  let entry: string[] = [];
  if (entrypoint) {
    const w = words(entrypoint);
    if ('refuse' in w) return w;
    entry = w;
    // Shell-form ENTRYPOINT ignores CMD.
    if (!execFormArguments(entrypoint)) return { words: entry, entrypointLength: entry.length };
  }
  let rest: string[] = [];
  if (cmd) {
    const w = words(cmd);
    if ('refuse' in w) return w;
    rest = w;
  }
  // Init wrappers: the runtime image has none, and `docker run --init` does the same job.
  const all = [...entry, ...rest];
  let k = 0;
  while (k < all.length && /^(?:\/\S*\/)?(?:tini|dumb-init|tini-static)$/.test(all[k])) {
    k++;
    while (k < all.length && all[k].startsWith('-')) k++;
  }
  const trimmedEntry = Math.max(0, entry.length - k);
  return { words: all.slice(k), entrypointLength: trimmedEntry };
}

function unwrapShell(words: string[]): string[] | { refuse: string } {
  if (words.length >= 3 && /^(?:\/bin\/|\/usr\/bin\/)?(?:sh|bash|ash|dash)$/.test(words[0]) && /^-\w*c$/.test(words[1])) {
    return shellWords(words.slice(2).join(' '));
  }
  return words;
}

const SHELL_SYNTAX: Array<[RegExp, string]> = [
  [/&&|\|\||;|\|/, 'command chaining'], [/[<>]/, 'a redirect'], [/\$/, 'a variable'], [/`/, 'command substitution'],
  [/[*?]/, 'a glob'], [/[()]/, 'a subshell'], [/(^|\s)&(\s|$)/, 'a background job'],
];

function shellWords(text: string): string[] | { refuse: string } {
  const folded = foldContinuations(text).trim();
  for (const [pattern, name] of SHELL_SYNTAX) {
    if (pattern.test(folded)) {
      return { refuse: `the start command "${folded}" uses ${name}, which needs a shell the runtime image does not have; write it in exec form without shell syntax (or move that logic into the program) and convert again` };
    }
  }
  const commands = simpleCommands(folded);
  return commands[0] ?? [];
}

/** Where the shipped stage got `absolutePath` from, when a `COPY --from` of another stage put it there. */
export function copiedFromFinder(model: DockerfileModel, chain: Stage[]): (absolutePath: string) => { stage: Stage; source: string; instruction: Instruction } | undefined {
  // The converter asks for several candidate paths: read the COPYs once, on the first question.
  let copies: ChainCopy[] | undefined;
  return (target) => {
    let found: { stage: Stage; source: string; instruction: Instruction } | undefined;
    for (const { stage, src, dest, destIsDir, fileDest, instruction } of (copies ??= chainCopies(model, chain))) {
      // A file lands at dest/<name> (dest a directory) or at dest; a directory's contents land below dest.
      if (destIsDir && target === fileDest) found = { stage, source: src, instruction };
      else if (!destIsDir && target === dest) found = { stage, source: src, instruction };
      else if (target !== dest && isInside(target, dest) && !/[*?]/.test(src)) {
        found = { stage, source: resolvePath(target.slice(dest === '/' ? 1 : dest.length + 1), src), instruction };
      }
    }
    return found;
  };
}

interface ChainCopy {
  /** The stage copied from. */
  stage: Stage;
  /** The source path, absolute in that stage. */
  src: string;
  /** The destination, absolute. */
  dest: string;
  destIsDir: boolean;
  /** Where a file source lands when dest is a directory. */
  fileDest: string;
  instruction: Instruction;
}

/** The single-source COPY --from's of other stages into the chain, in order. */
function chainCopies(model: DockerfileModel, chain: Stage[]): ChainCopy[] {
  const out: ChainCopy[] = [];
  let workdir = '/';
  for (const stage of chain) {
    for (const i of stage.instructions) {
      const keyword = i.getKeyword();
      if (keyword === 'WORKDIR') workdir = resolvePath((argumentsContentOf(i) ?? '').trim(), workdir);
      if (keyword !== 'COPY') continue;
      const from = copyFromFlag(i);
      if (!from) continue;
      const source = model.stages.find((s) => s.name === from.toLowerCase()) ?? (/^\d+$/.test(from) ? model.stages[Number(from)] : undefined);
      if (!source || chain.includes(source)) continue;
      const args = copyPaths(i);
      if (!args || args.sources.length !== 1) continue;
      const dest = resolvePath(args.dest, workdir);
      const src = resolvePath(args.sources[0], '/');
      out.push({ stage: source, src, dest, destIsDir: /\/$/.test(args.dest) || args.dest === '.', fileDest: resolvePath(basename(src), dest), instruction: i });
    }
  }
  return out;
}

export function copyFromFlag(instruction: Instruction): string | undefined {
  // getFromFlag() answers only when --from is the sole flag; `COPY --link --from=build` has two.
  const flags = (instruction as unknown as { getFlags?(): Array<{ getName(): string; getValue(): string | null }> }).getFlags?.() ?? [];
  return flags.find((f) => f.getName() === 'from')?.getValue() ?? undefined;
}

/** Sources and destination of a COPY/ADD (flags skipped), exec or shell form. */
export function copyPaths(instruction: Instruction): { sources: string[]; dest: string } | undefined {
  const exec = execFormArguments(instruction);
  const words = exec ?? argumentsOf(instruction).map((a) => a.getValue()).filter((w) => !w.startsWith('--'));
  if (words.length < 2) return undefined;
  return { sources: words.slice(0, -1), dest: words[words.length - 1] };
}

/** True when the build gave the app's files to a non-root user, so the app probably writes beside them. */
export function appOwnedByUser(chain: Stage[], runs: RunStep[]): boolean {
  if (runs.some((r) => r.commands.some((c) => c[0] === 'chown'))) return true;
  return chain.some((s) => s.instructions.some((i) => i.getKeyword() === 'COPY' && /--chown=/.test(i.getTextContent()) && !copyFromFlag(i)));
}

/** Directories made with mkdir outside the app directory: the app may write there, so they ship owned by nonroot. */
export function writableDirectories(runs: RunStep[], appDir: string | undefined): string[] {
  const dirs: string[] = [];
  for (const run of runs) {
    for (const c of run.commands) {
      if (c[0] !== 'mkdir') continue;
      for (const w of c.slice(1)) {
        if (w.startsWith('-') || w.includes('$') || /[{}*?]/.test(w)) continue;
        const dir = resolvePath(w, run.workdir);
        if (dir === '/' || isInside(dir, '/tmp') || (appDir && isInside(dir, appDir)) || /^\/(?:usr|etc|var\/lib\/apt|root|proc|sys|dev)(\/|$)/.test(dir)) continue;
        if (!dirs.some((d) => isInside(dir, d))) dirs.push(dir);
      }
    }
  }
  return dirs;
}

/** Rewrites the image of the chain's root stage (FROM or its ARG default); undefined when not literal. */
export function builderImageEdit(model: DockerfileModel, chain: Stage[], rewrite: (text: string) => string | undefined): TextEdit | undefined {
  return replaceImageEdit(model, chain[0], rewrite);
}

/** The tag part of an image reference, and a function to put a new tag in its place. */
export function splitTag(image: string): { name: string; tag?: string } {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { name: ref };
}

/** True when the build installs packages with Alpine's apk, which a Debian builder would not have. */
export function usesApk(runs: RunStep[]): boolean {
  return runs.some((r) => r.commands.some((c) => c[0] === 'apk'));
}

/** An insertion of `text` at an offset of the original document. */
export function insertAt(model: DockerfileModel, offset: number, text: string): TextEdit {
  const at = rangeOf(model, offset, offset);
  return { range: at, newText: text };
}

/** Offset in the document where a RUN's raw text starts, and that raw text. */
export function rawInstruction(model: DockerfileModel, instruction: Instruction): { start: number; text: string } {
  const r = instruction.getRange();
  const start = offsetOf(model, r.start);
  return { start, text: model.text.slice(start, offsetOf(model, r.end)) };
}

/** The words of a command line in a package.json script, when it is a plain `node <file>` run. */
export function readJson(context: LanguageContext, file: string): Record<string, unknown> | undefined {
  const text = context.workspace?.readFile(file);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** JSON exec form for an instruction line. */
export function execLine(keyword: string, words: string[]): string {
  return `${keyword} [${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

/** Whether a program word names a shell script (which needs a shell to run). */
export function isShellScript(word: string): boolean {
  return /\.(?:sh|bash)$/.test(word) || /(?:^|\/)(?:docker-)?entrypoint$/.test(word);
}

/**
 * ENTRYPOINT and CMD for a native program at `program`: the original program's
 * arguments stay where they were (ENTRYPOINT or CMD), so `docker run image args`
 * keeps its meaning.
 */
export function nativeStart(context: LanguageContext, program: string): { entrypoint: string[]; cmd: string[] } {
  const e = context.entrypointLength;
  if (e >= 1) return { entrypoint: [program, ...context.start.slice(1, e)], cmd: context.start.slice(e) };
  return { entrypoint: [program], cmd: context.start.slice(1) };
}

/** The end of the simple command starting at `from` in raw instruction text. */
export function commandEnd(raw: string, from: number): number {
  const rest = raw.slice(from);
  const m = /&&|\|\||[;|]|(?<!\\)\r?\n/.exec(rest);
  let end = m ? from + m.index : raw.length;
  while (end > from && /[\s\\]/.test(raw[end - 1])) end--;
  return end;
}

/** The value of a flag (`-o x`, `-o=x`, `--output x`) among words. */
export function flagValue(words: string[], names: string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    for (const n of names) {
      if (words[i] === n && i + 1 < words.length) return words[i + 1];
      if (words[i].startsWith(`${n}=`)) return words[i].slice(n.length + 1);
    }
  }
  return undefined;
}
