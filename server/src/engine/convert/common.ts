/**
 * What the language converters share on top of the engine's readers (shell.ts for
 * commands, stages.ts for stages, COPY provenance and WORKDIR): RUN steps, the start
 * command, edits of the builder image, and the output helpers.
 */
import type { Instruction } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import { DockerfileModel, Stage, execFormArguments, rangeOf } from '../model';
import { argumentsContentOf } from '../instructions';
import { basename, firstShellSyntax, isShell, parseShell, shellOf, values } from '../shell';
import { chainCommands, chainCopies, isInside, originOf, placedInstructions, replaceImageEdit, resolvePath } from '../stages';
import type { LanguageContext, RunStep } from './types';

/** RUN steps of the stage and the stages it is built on, with the WORKDIR each runs in, and the WORKDIR at the end. */
export function runSteps(model: DockerfileModel, stage: Stage): { runs: RunStep[]; workdir: string } {
  const { placed, workdir } = placedInstructions(model, stage);
  const runs: RunStep[] = [];
  for (const p of placed) {
    if (p.instruction.getKeyword() !== 'RUN') continue;
    const shell = shellOf(model, p.instruction);
    runs.push({ instruction: p.instruction, stage: p.stage, text: shell.script, commands: shell.commands.filter((c) => c.words.length > 0).map((c) => values(c.words)), shell: shell.commands, workdir: p.workdir });
  }
  return { runs, workdir };
}

/** The effective start command of the stage chain (root first), or a reason it cannot run without a shell. */
export function startCommand(model: DockerfileModel, chain: Stage[]): { words: string[]; entrypointLength: number } | { refuse: string } {
  let entrypoint: Instruction | undefined;
  let cmd: Instruction | undefined;
  for (const stage of chain) {
    // BuildKit (dockerfile2llb dispatchEntrypoint) and the classic builder reset CMD at an
    // ENTRYPOINT only when no CMD was set in the same stage: a CMD written before the
    // ENTRYPOINT of its stage is kept, a CMD inherited from the base (or a parent stage) is not.
    let cmdSet = false;
    for (const i of stage.instructions) {
      if (i.getKeyword() === 'ENTRYPOINT') {
        entrypoint = i;
        if (!cmdSet) cmd = undefined;
      } else if (i.getKeyword() === 'CMD') {
        cmd = i;
        cmdSet = true;
      }
    }
  }
  const words = (i: Instruction): string[] | { refuse: string } => {
    const exec = execFormArguments(i);
    if (exec) return unwrapShell(exec);
    return shellWords(shellOf(model, i).script);
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
  if (words.length >= 3 && isShell(words[0]) && /^-\w*c$/.test(words[1])) return shellWords(words[2]);
  return words;
}

function shellWords(text: string): string[] | { refuse: string } {
  const command = text.trim();
  // Quotes are fine: parseShell resolves them, and exec form carries the words.
  const syntax = firstShellSyntax(command, { quotesAllowed: true });
  if (syntax) {
    return { refuse: `the start command "${command}" uses ${syntax}, which needs a shell the runtime image does not have; write it in exec form without shell syntax (or move that logic into the program) and convert again` };
  }
  return values(parseShell(command)[0]?.words ?? []);
}

/** Where the shipped stage got `absolutePath` from, when a `COPY --from` of a stage outside its chain put it there. */
export function copiedFromFinder(model: DockerfileModel, chain: Stage[]): (absolutePath: string) => { stage: Stage; source: string; instruction: Instruction } | undefined {
  const shipped = chain[chain.length - 1];
  return (target) => {
    const origin = originOf(model, shipped, target, { fromStagesOnly: true });
    if (!origin?.fromStage || chain.includes(origin.fromStage)) return undefined;
    return { stage: origin.fromStage, source: origin.source, instruction: origin.copy.instruction };
  };
}

/** True when the build gave the app's files to a non-root user, so the app probably writes beside them. */
export function appOwnedByUser(model: DockerfileModel, chain: Stage[], runs: RunStep[]): boolean {
  if (runs.some((r) => r.commands.some((c) => c[0] === 'chown'))) return true;
  return chainCopies(model, chain[chain.length - 1]).some((c) => c.keyword === 'COPY' && c.flags.chown !== undefined && c.flags.from === undefined);
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

/** An insertion of `text` at an offset of the original document. */
export function insertAt(model: DockerfileModel, offset: number, text: string): TextEdit {
  const at = rangeOf(model, offset, offset);
  return { range: at, newText: text };
}

/** package.json (or another JSON file) beside the Dockerfile, parsed; undefined when missing or invalid. */
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

/**
 * Where a native binary built in the build stage goes in a new runtime stage: /app, unless
 * that runtime stage makes /app (or a path below it) a directory — its WORKDIR or a
 * carried VOLUME. COPY onto an existing directory puts the file inside it, and
 * ENTRYPOINT ["/app"] would then name a directory: the image would not start.
 */
export function nativeTarget(context: LanguageContext, program: string): string {
  const directories = [context.workdir, ...carriedVolumes(context)].filter((d) => d !== '/');
  const clashes = (path: string) => directories.some((d) => isInside(d, path));
  const name = basename(program) || 'app';
  return ['/app', `/usr/local/bin/${name}`, `/opt/${name}/${name}`].find((p) => !clashes(p)) ?? '/app';
}

/** The VOLUME paths of the shipped chain, which the runtime stage carries over (and Docker creates as directories). */
function carriedVolumes(context: LanguageContext): string[] {
  const out: string[] = [];
  for (const st of context.chain) {
    for (const i of st.instructions) {
      if (i.getKeyword() !== 'VOLUME') continue;
      const words = execFormArguments(i) ?? (argumentsContentOf(i) ?? '').trim().split(/\s+/);
      for (const w of words) if (w && !w.includes('$')) out.push(resolvePath(w, '/'));
    }
  }
  return out;
}

/**
 * True when an image name is the official `<official>` image or a registry's mirror of it
 * (`python`, `library/python`, `mirror.example.com/python`, `…/library/python`): those
 * carry the official tags. Another vendor's image (`ubi9/python-312`, `bitnami/python`)
 * does not.
 */
export function isOfficialName(name: string, official: string): boolean {
  const segments = name.split('/');
  if (segments.length > 1 && /[.:]|^localhost$/.test(segments[0])) segments.shift();
  // Docker Hub's `<user>/python` is that user's own image; a mirror keeps the `library/` path or the bare name.
  return segments.join('/') === official || (segments.length >= 2 && segments[segments.length - 2] === 'library' && segments[segments.length - 1] === official);
}

/** Package managers of Red Hat and SUSE images, absent from the Debian builder a build moves to (apk: alpine.ts). */
const FOREIGN_PACKAGE_MANAGERS = /^(?:dnf|yum|microdnf|tdnf|zypper)$/;

/** The first command that runs a non-Debian package manager, as written (for the refusal), or undefined. */
export function foreignPackageManager(runs: RunStep[]): string | undefined {
  for (const run of runs) {
    for (const c of run.commands) {
      const program = c[0].split('/').pop() ?? c[0];
      if (FOREIGN_PACKAGE_MANAGERS.test(program)) return c.slice(0, 3).join(' ');
    }
  }
  return undefined;
}

function ignoresFiles(context: LanguageContext): boolean {
  try {
    return context.workspace?.readFile('.dockerignore') !== undefined;
  } catch {
    return true;
  }
}

function removedOrMoved(context: LanguageContext, stage: Stage, path: string): boolean {
  return chainCommands(context.model, stage).some(({ command, workdir }) => {
    const words = values(command.words);
    return (words[0] === 'rm' || words[0] === 'mv') && words.slice(1).some((w) => !w.startsWith('-') && isInside(path, resolvePath(w, workdir)));
  });
}

/** A start argument that reads as a file path: `./image.jpg`, `conf/app.yaml`, `/etc/app.yaml`, `data.csv`. */
const PATH_LIKE = /^(?:\.{0,2}\/|[\w.-]+\/)[\w./-]*$|^[\w-]+\.[A-Za-z][A-Za-z0-9]{0,7}$/;

/**
 * COPY lines for files the start command's arguments name (`java -jar app.jar ./image.jpg`)
 * that a COPY of the build put in place: the runtime stage ships only the artifact (or the
 * app directory), and without them the app starts and fails to open its input. A path
 * under a copied directory (`COPY . .`) counts only when the file is in the build context
 * beside the Dockerfile, because the directory may not hold it. Paths inside `shipped`
 * (directories the runtime stage already gets) are left out.
 */
export function argumentFileCopies(context: LanguageContext, args: string[], shipped: string[]): string[] {
  const stage = context.chain[context.chain.length - 1];
  const files: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('-') || !PATH_LIKE.test(arg)) continue;
    const path = resolvePath(arg, context.workdir);
    if (path === '/' || files.includes(path) || shipped.some((d) => isInside(path, d))) continue;
    const origin = originOf(context.model, stage, path);
    if (!origin || origin.copy.fromImage !== undefined) continue;
    const fromContext = origin.fromStage === undefined;
    const named = origin.copy.sources.some((s) => (fromContext ? s.replace(/^\.?\/+/, '') : resolvePath(s, '/')) === origin.source);
    // A file beside the Dockerfile may still be kept out of the build context by a
    // .dockerignore (its patterns are not read here): with one, only files a COPY names count.
    if (!named && (!fromContext || ignoresFiles(context) || context.workspace?.readFile(origin.source) === undefined)) continue;
    // A RUN that removes or moves the file leaves nothing at that path to copy.
    if (removedOrMoved(context, stage, path)) continue;
    files.push(path);
  }
  return files.map((f) => `COPY --from=${context.buildName} ${f} ${f}`);
}
