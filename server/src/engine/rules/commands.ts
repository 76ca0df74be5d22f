/**
 * Reading shell commands out of RUN instructions: what is installed, which programs
 * run, with offsets that map back to the document so findings point at the words.
 */
import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import { DockerfileModel, Stage, execFormArguments, offsetOf, rangeOf } from '../model';
import { argumentsOf } from '../instructions';

export interface FlatInstruction {
  /** Same length as the instruction's text in the document, continuations blanked. */
  text: string;
  /** Document offset of text[0]. */
  offset: number;
}

/**
 * The instruction's text with line continuations (and the comment lines Docker drops
 * inside them) replaced by spaces of the same length, so regex indexes stay document offsets.
 */
const rawCache = new WeakMap<Instruction, string>();

/** The instruction as written in the document; cheap pre-checks test this before any parsing. */
export function rawText(model: DockerfileModel, instruction: Instruction): string {
  let cached = rawCache.get(instruction);
  if (cached === undefined) {
    const r = instruction.getRange();
    cached = model.text.slice(offsetOf(model, r.start), offsetOf(model, r.end));
    rawCache.set(instruction, cached);
  }
  return cached;
}

export function flatten(model: DockerfileModel, instruction: Instruction): FlatInstruction {
  const r = instruction.getRange();
  const offset = offsetOf(model, r.start);
  const raw = model.text.slice(offset, offsetOf(model, r.end));
  const text = raw.replace(/\\[ \t]*\r?\n(?:[ \t]*#[^\n]*\n)*/g, (m) => ' '.repeat(m.length));
  return { text, offset };
}

export interface Word {
  value: string;
  /** Document offsets of the word as written (quotes included). */
  start: number;
  end: number;
}

export interface SimpleCommand {
  words: Word[];
  /** Assignments written in front of the command (`CGO_ENABLED=0 go build`). */
  assignments: Word[];
  /** Exec form: the words' offsets span the whole instruction, not each word. */
  exec?: boolean;
}

/**
 * The simple commands of a RUN (split at `&&`, `||`, `;`, `|`, newlines), as words.
 * Quotes are removed from values but not interpreted further; good enough to find
 * program names and their arguments, not a shell.
 */
const commandsCache = new WeakMap<Instruction, SimpleCommand[]>();

export function simpleCommands(model: DockerfileModel, instruction: Instruction): SimpleCommand[] {
  // Several rules read the same RUNs; instructions belong to one model, so caching by instruction is exact.
  let cached = commandsCache.get(instruction);
  if (!cached) {
    cached = parseSimpleCommands(model, instruction);
    commandsCache.set(instruction, cached);
  }
  return cached;
}

function parseSimpleCommands(model: DockerfileModel, instruction: Instruction): SimpleCommand[] {
  const exec = execFormArguments(instruction);
  const flat = flatten(model, instruction);
  if (exec) {
    const r = instruction.getRange();
    const start = offsetOf(model, r.start);
    const end = offsetOf(model, r.end);
    return [{ words: exec.map((value) => ({ value, start, end })), assignments: [], exec: true }];
  }
  // Skip the keyword and its flags: commands start after them. (Reading this from the
  // text is much cheaper than the AST's getArguments, which re-tokenises each call.)
  const head = /^\s*\S+(?:\s+--\S+)*\s*/.exec(flat.text);
  const from = head ? head[0].length : flat.text.length;
  const body = flat.text.slice(from);
  const out: SimpleCommand[] = [];
  const segment = /[^;&|\n]+|&&|\|\||[;&|\n]/g;
  for (const m of body.matchAll(segment)) {
    const piece = m[0];
    if (/^(?:&&|\|\||[;&|\n])$/.test(piece)) continue;
    const base = flat.offset + from + (m.index ?? 0);
    const words: Word[] = [];
    for (const w of piece.matchAll(/(?:"[^"]*"|'[^']*'|[^\s"'])+/g)) {
      const raw = w[0];
      if (raw.startsWith('#') && words.length === 0) break;
      const value = raw.replace(/"([^"]*)"|'([^']*)'/g, (_m, d: string | undefined, q: string | undefined) => d ?? q ?? '');
      words.push({ value, start: base + (w.index ?? 0), end: base + (w.index ?? 0) + raw.length });
    }
    // Subshell and group punctuation carries no program name.
    while (words.length > 0 && /^[({]+$/.test(words[0].value)) words.shift();
    const assignments: Word[] = [];
    while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0].value)) assignments.push(words.shift() as Word);
    if (words.length > 0 && words[0].value === 'sudo') words.shift();
    if (words.length > 0 || assignments.length > 0) out.push({ words, assignments });
  }
  return out;
}

export function basename(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1);
}

export interface PackageInstall {
  manager: string;
  /** The manager word. */
  managerWord: Word;
  packages: Word[];
}

const INSTALL_VERBS: Record<string, string[]> = {
  'apt-get': ['install'], apt: ['install'], aptitude: ['install'],
  apk: ['add'],
  yum: ['install'], dnf: ['install'], microdnf: ['install'], tdnf: ['install'],
  zypper: ['install', 'in'],
};
/** Options of the package managers that take a separate value (`apk add --virtual .deps`). */
const OPTIONS_WITH_VALUE = new Set(['-o', '-t', '-c', '--target-release', '--virtual', '--repository', '-X', '--root', '-p', '--arch',
  '--enablerepo', '--disablerepo', '--setopt', '--installroot', '--releasever']);

const installsCache = new WeakMap<Instruction, PackageInstall[]>();

const MANAGER_WORD = /\b(?:apt-get|apt|aptitude|apk|yum|dnf|microdnf|tdnf|zypper)\b/;

export function packageInstalls(model: DockerfileModel, instruction: Instruction): PackageInstall[] {
  if (instruction.getKeyword() !== 'RUN' || !MANAGER_WORD.test(rawText(model, instruction))) return [];
  let cached = installsCache.get(instruction);
  if (!cached) {
    cached = findPackageInstalls(model, instruction);
    installsCache.set(instruction, cached);
  }
  return cached;
}

function findPackageInstalls(model: DockerfileModel, instruction: Instruction): PackageInstall[] {
  const out: PackageInstall[] = [];
  for (const command of simpleCommands(model, instruction)) {
    const [first, ...rest] = command.words;
    if (!first) continue;
    const manager = basename(first.value);
    const verbs = INSTALL_VERBS[manager];
    if (!verbs) continue;
    let i = 0;
    while (i < rest.length && rest[i].value.startsWith('-')) i += OPTIONS_WITH_VALUE.has(rest[i].value) ? 2 : 1;
    if (i >= rest.length || !verbs.includes(rest[i].value)) continue;
    const packages: Word[] = [];
    for (let j = i + 1; j < rest.length; j++) {
      const v = rest[j].value;
      if (v.startsWith('-')) {
        if (OPTIONS_WITH_VALUE.has(v)) j++;
        continue;
      }
      if (v.includes('$') || v === '\\') continue;
      packages.push(rest[j]);
    }
    out.push({ manager, managerWord: first, packages });
  }
  return out;
}

/** A package word without version pins (`curl=7.88`, `bash~5`). */
export function packageName(word: Word): string {
  return word.value.replace(/[=<>~].*$/, '').toLowerCase();
}

/** The stage and the stages it is built FROM, nearest first. */
export function stageChain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) out.push(s);
  return out;
}

const chainCache = new WeakMap<Stage, Instruction[]>();

/** The words of every simple command RUN in a stage and the stages it is built on, nearest stage first. */
export function* chainRunCommands(model: DockerfileModel, stage: Stage): Generator<string[]> {
  for (const s of stageChain(stage)) {
    for (const instruction of s.instructions) {
      if (instruction.getKeyword() !== 'RUN') continue;
      for (const c of simpleCommands(model, instruction)) yield c.words.map((w) => w.value);
    }
  }
}

/** Every instruction the stage inherits or has, in build order. */
export function chainInstructions(stage: Stage): Instruction[] {
  let cached = chainCache.get(stage);
  if (!cached) {
    cached = stageChain(stage).reverse().flatMap((s) => s.instructions);
    chainCache.set(stage, cached);
  }
  return cached;
}

/** What `COPY --from=` should say to name a stage. */
export function stageReference(stage: Stage): string {
  return stage.name ?? String(stage.index);
}

export function wordRange(model: DockerfileModel, word: Word): Range {
  return rangeOf(model, word.start, word.end);
}

/** Sources and destination of a COPY/ADD (flags excluded); undefined for heredoc forms. */
export function copyPaths(instruction: Instruction): { sources: string[]; destination: string } | undefined {
  const exec = execFormArguments(instruction);
  const words = exec ?? argumentsOf(instruction).map((a) => a.getValue());
  if (words.length < 2 || words.some((w) => w.startsWith('<<'))) return undefined;
  return { sources: words.slice(0, -1), destination: words[words.length - 1] };
}

/** The `--from=` value of a COPY, if any. */
export function copyFromFlag(instruction: Instruction): string | undefined {
  if (instruction.getKeyword() !== 'COPY') return undefined;
  const flag = (instruction as unknown as { getFromFlag(): { getValue(): string | null } | null }).getFromFlag();
  return flag?.getValue() ?? undefined;
}

/** Programs that no shell-less image has (no shell, no package manager, no network tools). */
export const MISSING_PROGRAMS = new Set([
  'sh', 'bash', 'ash', 'dash', 'zsh', 'ksh',
  'curl', 'wget', 'nc', 'netcat',
  'npm', 'npx', 'yarn', 'pnpm', 'pip', 'pip3', 'pipenv', 'poetry',
  'apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf',
  'env', 'cat', 'ls', 'echo', 'test', 'sleep', 'chmod', 'chown', 'mkdir', 'cp', 'mv', 'rm', 'ln', 'touch',
]);

/**
 * True when the stage (or what it inherits) copies in a file with this program's
 * name, e.g. a static curl or busybox: then the program is there after all.
 */
export function stageProvidesProgram(stage: Stage, program: string): boolean {
  const name = basename(program);
  for (const instruction of chainInstructions(stage)) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const paths = copyPaths(instruction);
    if (!paths) continue;
    const all = [...paths.sources, paths.destination];
    if (all.some((p) => basename(p.replace(/\/+$/, '')) === name || p === program || /busybox/.test(p))) return true;
  }
  return false;
}

export interface GoBuild {
  instruction: Instruction;
  stage: Stage;
  command: SimpleCommand;
  /** CGO_ENABLED in effect for this build: inline, exported earlier in the RUN, ENV or ARG; undefined when unset. */
  cgo?: string;
}

const goBuildsCache = new WeakMap<Stage, GoBuild[]>();

/** Every `go build` / `go install` in the stage and the stages it is built on. */
export function goBuilds(model: DockerfileModel, stage: Stage): GoBuild[] {
  let cached = goBuildsCache.get(stage);
  if (!cached) {
    cached = findGoBuilds(model, stage);
    goBuildsCache.set(stage, cached);
  }
  return cached;
}

function findGoBuilds(model: DockerfileModel, stage: Stage): GoBuild[] {
  const out: GoBuild[] = [];
  const chain = stageChain(stage).reverse();
  let cgoFromDockerfile: string | undefined;
  for (const s of chain) {
    for (const instruction of s.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'ENV' || keyword === 'ARG') {
        const m = /\bCGO_ENABLED(?:=|\s+)["']?([01])\b/.exec(rawText(model, instruction));
        if (m) cgoFromDockerfile = m[1];
        continue;
      }
      if (keyword !== 'RUN' || !/\bgo\b/.test(rawText(model, instruction))) continue;
      let exported: string | undefined;
      for (const command of simpleCommands(model, instruction)) {
        const words = command.words.map((w) => w.value);
        if (words[0] === 'export') {
          for (const w of words.slice(1)) {
            const m = /^CGO_ENABLED=([01])$/.exec(w);
            if (m) exported = m[1];
          }
          continue;
        }
        const inline = command.assignments.map((a) => /^CGO_ENABLED=["']?([01])/.exec(a.value)?.[1]).find((v) => v !== undefined);
        if (words[0] === 'go' && (words[1] === 'build' || words[1] === 'install')) {
          out.push({ instruction, stage: s, command, cgo: inline ?? exported ?? cgoFromDockerfile });
        }
      }
    }
  }
  return out;
}
