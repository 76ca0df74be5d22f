/**
 * The stage model: how stages build on each other, what COPY/ADD bring into them and
 * from where, and the WORKDIR every instruction runs in (where Go binaries end up is
 * goBuilds.ts). One reader shared by every rule and the converter.
 *
 * Stage chains are named for their order: `stageChainFromBase` lists the root stage
 * first (build order), `stageChainToBase` the stage itself first.
 */
import type { Instruction } from 'dockerfile-ast';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import { DockerfileModel, Stage, execFormArguments, offsetOf } from './model';
import { substituteVariables } from './buildArgs';
import { argumentsContentOf, argumentsOf, imageRangeOf } from './instructions';
import { Command, basename, commandsOf, rawText } from './shell';

/** The stage and the stages it is built FROM, root first: the order Docker builds them. */
export function stageChainFromBase(stage: Stage): Stage[] {
  return stageChainToBase(stage).reverse();
}

/** The stage and the stages it is built FROM, the stage itself first. */
export function stageChainToBase(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) out.push(s);
  return out;
}

const chainInstructionsCache = new WeakMap<Stage, Instruction[]>();

/** Every instruction the stage inherits or has, in build order (FROMs excluded). */
export function chainInstructions(stage: Stage): Instruction[] {
  let cached = chainInstructionsCache.get(stage);
  if (!cached) {
    cached = stageChainFromBase(stage).flatMap((s) => s.instructions);
    chainInstructionsCache.set(stage, cached);
  }
  return cached;
}

/** The stage an instruction's `--from=` names, by name or index. */
function stageByReference(model: DockerfileModel, reference: string): Stage | undefined {
  const ref = reference.toLowerCase();
  if (/^\d+$/.test(ref)) return model.stages[Number(ref)];
  return model.stages.find((s) => s.name === ref);
}

/** What `COPY --from=` should say to name a stage. */
export function stageReference(stage: Stage): string {
  return stage.name ?? String(stage.index);
}

// ---------------------------------------------------------------------------
// Paths.

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

/** True when `path` is `dir` or below it (both absolute, normalised). */
export function isInside(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

export function variablesOf(model: DockerfileModel, stage: Stage): Map<string, string | undefined> {
  return new Map<string, string | undefined>([...model.globalArgs, ...stage.env]);
}

export interface PlacedInstruction {
  instruction: Instruction;
  /** The stage the instruction is written in (an ancestor of the stage asked about, or that stage). */
  stage: Stage;
  /** The WORKDIR it runs in: absolute, variables substituted where known; `/` when never set. */
  workdir: string;
}

const placedCache = new WeakMap<Stage, { placed: PlacedInstruction[]; workdir: string }>();

/** Every instruction of the chain in build order, with the WORKDIR it runs in; and the WORKDIR at the end. */
export function placedInstructions(model: DockerfileModel, stage: Stage): { placed: PlacedInstruction[]; workdir: string } {
  let cached = placedCache.get(stage);
  if (!cached) {
    const parent = stage.parent ? placedInstructions(model, stage.parent) : { placed: [], workdir: '/' };
    let workdir = parent.workdir;
    const placed = [...parent.placed];
    let vars: Map<string, string | undefined> | undefined;
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() === 'WORKDIR') {
        const raw = (argumentsContentOf(instruction) ?? '').trim();
        vars ??= variablesOf(model, stage);
        workdir = resolvePath(substituteVariables(raw, vars) ?? raw, workdir);
      }
      placed.push({ instruction, stage, workdir });
    }
    cached = { placed, workdir };
    placedCache.set(stage, cached);
  }
  return cached;
}

// ---------------------------------------------------------------------------
// COPY and ADD.

export interface CopyFlags {
  /** `--from=`: a stage name or index, an image, or a named build context. */
  from?: string;
  /** Where the `--from` value is written. */
  fromRange?: Range;
  link: boolean;
  chown?: string;
  chmod?: string;
  parents: boolean;
  exclude: string[];
  /** ADD only. */
  checksum?: string;
  keepGitDir?: boolean;
}

export interface CopyInstruction {
  instruction: Instruction;
  keyword: 'COPY' | 'ADD';
  /** The stage the instruction is written in. */
  stage: Stage;
  flags: CopyFlags;
  /** The stage `--from` names, when it names one; undefined for the build context and images. */
  fromStage?: Stage;
  /** `--from` names neither a stage nor nothing: an image or a named build context. */
  fromImage?: string;
  /** As written, flags excluded; empty for the here-document form. */
  sources: string[];
  destination: string;
  /** `COPY <<EOF /dest`: the sources are here-documents in the Dockerfile. */
  heredoc: boolean;
  /** The destination made absolute against the WORKDIR. */
  destinationPath: string;
  /** The destination is a directory (trailing `/`, `.`, or several sources). */
  destinationIsDirectory: boolean;
  workdir: string;
}

/** By model, not by instruction alone: a read names the model's stages, and two models can share one tree (lint's `parsed`). */
const copyCache = new WeakMap<DockerfileModel, Map<Instruction, CopyInstruction | null>>();

function flagsOf(instruction: Instruction): CopyFlags {
  const flags: CopyFlags = { link: false, parents: false, exclude: [] };
  // dockerfile-ast's getFromFlag() returns null as soon as a COPY has a second flag: read them all.
  const getFlags = (instruction as unknown as { getFlags?(): Array<{ getName(): string; getValue(): string | null; getValueRange(): Range | null }> }).getFlags;
  for (const flag of getFlags?.call(instruction) ?? []) {
    const value = flag.getValue() ?? undefined;
    const on = value === undefined || value === 'true';
    switch (flag.getName().toLowerCase()) {
      case 'from': flags.from = value; flags.fromRange = flag.getValueRange() ?? undefined; break;
      case 'link': flags.link = on; break;
      case 'chown': flags.chown = value; break;
      case 'chmod': flags.chmod = value; break;
      case 'parents': flags.parents = on; break;
      case 'exclude': if (value !== undefined) flags.exclude.push(value); break;
      case 'checksum': flags.checksum = value; break;
      case 'keep-git-dir': flags.keepGitDir = on; break;
    }
  }
  return flags;
}

/** The COPY or ADD at `placed`, read whole; undefined for other instructions. */
function copyOf(model: DockerfileModel, placed: PlacedInstruction): CopyInstruction | undefined {
  const { instruction, stage, workdir } = placed;
  const keyword = instruction.getKeyword();
  if (keyword !== 'COPY' && keyword !== 'ADD') return undefined;
  let reads = copyCache.get(model);
  if (!reads) {
    reads = new Map();
    copyCache.set(model, reads);
  }
  let cached = reads.get(instruction);
  if (cached === undefined) {
    cached = readCopy(model, instruction, keyword, stage, workdir) ?? null;
    reads.set(instruction, cached);
  }
  return cached ?? undefined;
}

function readCopy(model: DockerfileModel, instruction: Instruction, keyword: 'COPY' | 'ADD', stage: Stage, workdir: string): CopyInstruction | undefined {
  const flags = flagsOf(instruction);
  const exec = execFormArguments(instruction);
  let words = exec ?? argumentsOf(instruction).map((a) => a.getValue());
  if (!exec) words = words.filter((w) => !w.startsWith('--'));
  const heredoc = words.some((w) => w.startsWith('<<'));
  if (heredoc) {
    // `COPY <<EOF /dest` (and `<<A <<B /dir/`): the last word on the first line is the destination.
    const firstLine = rawText(model, instruction).split('\n')[0];
    const lineWords = firstLine.trim().split(/\s+/).filter((w) => !w.startsWith('--'));
    words = lineWords.slice(1);
  }
  if (words.length < 2) return undefined;
  const destination = words[words.length - 1];
  const sources = heredoc ? [] : words.slice(0, -1);
  const fromStage = flags.from !== undefined && keyword === 'COPY' ? stageByReference(model, flags.from) : undefined;
  // A stage is only visible to the stages after it; a later stage of that name does not count.
  const visibleFrom = fromStage && fromStage.index < stage.index ? fromStage : undefined;
  return {
    instruction,
    keyword,
    stage,
    flags,
    fromStage: visibleFrom,
    fromImage: flags.from !== undefined && !visibleFrom ? flags.from : undefined,
    sources,
    destination,
    heredoc,
    destinationPath: resolvePath(destination, workdir),
    destinationIsDirectory: /\/$/.test(destination) || destination === '.' || words.length > 2,
    workdir,
  };
}

/** The COPY and ADD instructions of the stage and its ancestors, in build order. */
export function chainCopies(model: DockerfileModel, stage: Stage): CopyInstruction[] {
  const out: CopyInstruction[] = [];
  for (const placed of placedInstructions(model, stage).placed) {
    const copy = copyOf(model, placed);
    if (copy) out.push(copy);
  }
  return out;
}

/** The COPY and ADD instructions written in the stage itself. */
function stageCopies(model: DockerfileModel, stage: Stage): CopyInstruction[] {
  return chainCopies(model, stage).filter((c) => c.stage === stage);
}

/** The COPY --from's of the stage itself that name an earlier stage, with that stage. */
export function copySources(model: DockerfileModel, stage: Stage): Array<{ instruction: Instruction; from: Stage; copy: CopyInstruction }> {
  const out: Array<{ instruction: Instruction; from: Stage; copy: CopyInstruction }> = [];
  for (const copy of stageCopies(model, stage)) if (copy.fromStage) out.push({ instruction: copy.instruction, from: copy.fromStage, copy });
  return out;
}

const placedByInstruction = new WeakMap<DockerfileModel, Map<Instruction, PlacedInstruction>>();

/** The COPY or ADD `instruction` of the model, read whole; undefined for other instructions. */
export function copyAt(model: DockerfileModel, instruction: Instruction): CopyInstruction | undefined {
  let index = placedByInstruction.get(model);
  if (!index) {
    index = new Map();
    for (const stage of model.stages) {
      for (const placed of placedInstructions(model, stage).placed) if (placed.stage === stage) index.set(placed.instruction, placed);
    }
    placedByInstruction.set(model, index);
  }
  const placed = index.get(instruction);
  return placed ? copyOf(model, placed) : undefined;
}

export interface PathOrigin {
  copy: CopyInstruction;
  /** The stage the file was copied from; undefined when it came from the build context or an image. */
  fromStage?: Stage;
  /** The path in the source: absolute in `fromStage` (or the image), relative to the context otherwise. */
  source: string;
}

/**
 * Where the file at `path` (absolute) in the stage came from: the last COPY or ADD of
 * the chain whose destination covers it. A file source lands at `dest/<name>` when
 * the destination is a directory, or at `dest`; a directory's contents land below it
 * (a source named like a file, `server.js`, is taken for a file). Glob sources name no
 * single file and are skipped. The last COPY wins, as it does in the image.
 */
export function originOf(model: DockerfileModel, stage: Stage, path: string, options: { fromStagesOnly?: boolean } = {}): PathOrigin | undefined {
  let found: PathOrigin | undefined;
  for (const copy of chainCopies(model, stage)) {
    if (options.fromStagesOnly && !copy.fromStage) continue;
    const dest = copy.destinationPath;
    const fromContext = copy.fromStage === undefined && copy.fromImage === undefined;
    const resolveSource = (source: string) => (fromContext ? source.replace(/^\.?\/+/, '') : resolvePath(source, '/'));
    for (const source of copy.sources) {
      if (/[*?[]/.test(source) || /^https?:\/\//.test(source)) continue;
      const src = resolveSource(source);
      const fileDest = copy.destinationIsDirectory ? resolvePath(basename(src), dest) : dest;
      if (path === fileDest) found = { copy, fromStage: copy.fromStage, source: src };
      else if (path !== dest && isInside(path, dest) && !looksLikeFile(source)) {
        const below = path.slice(dest === '/' ? 1 : dest.length + 1);
        found = { copy, fromStage: copy.fromStage, source: fromContext ? joinRelative(src, below) : resolvePath(below, src) };
      }
    }
  }
  return found;
}

/** `server.js`, `app.jar`: a source named like a file is not a directory whose contents land below the destination. */
function looksLikeFile(source: string): boolean {
  return !source.endsWith('/') && /[^/.]\.[A-Za-z0-9]{1,8}$/.test(source);
}

function joinRelative(dir: string, below: string): string {
  return dir === '' || dir === '.' ? below : `${dir.replace(/\/$/, '')}/${below}`;
}

// ---------------------------------------------------------------------------
// Commands with their place.

export interface PlacedCommand {
  command: Command;
  instruction: Instruction;
  stage: Stage;
  workdir: string;
}

/** Every simple command the RUNs of the chain run, in build order, with where it runs. */
export function chainCommands(model: DockerfileModel, stage: Stage): PlacedCommand[] {
  const out: PlacedCommand[] = [];
  for (const placed of placedInstructions(model, stage).placed) {
    if (placed.instruction.getKeyword() !== 'RUN') continue;
    for (const command of commandsOf(model, placed.instruction)) out.push({ ...placed, command });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Where a stage's image is written.

export interface ImageTextLocation {
  /** The literal image reference text at `range` (no variables). */
  text: string;
  range: Range;
  /** True when the literal sits in a global ARG default rather than in FROM itself. */
  viaArg: boolean;
}

/**
 * Where the image of `stage` is written literally: in FROM itself, or in the
 * default of the global ARG that FROM consists of (`FROM ${BASE}`). Undefined when
 * the reference mixes variables and text, where no single edit is safe.
 */
function imageTextLocation(model: DockerfileModel, stage: Stage): ImageTextLocation | undefined {
  if (stage.parent) return undefined;
  const range = imageRangeOf(stage.from);
  if (!range) return undefined;
  const written = model.text.slice(offsetOf(model, range.start), offsetOf(model, range.end));
  // A quoted image (FROM "name") builds, but dockerfile-utils reports a quoted name:tag
  // as an invalid reference, and rewriting around the quotes could leave one open: no edit.
  if (/["']/.test(written)) return undefined;
  if (!written.includes('$')) return { text: written, range, viaArg: false };
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(written);
  if (!m) return undefined;
  const name = m[1] ?? m[2];
  const args = model.dockerfile.getInitialARGs().filter((a) => a.getProperty()?.getName() === name);
  const arg = args[args.length - 1];
  const valueRange = arg?.getProperty()?.getValueRange();
  const value = arg?.getProperty()?.getValue();
  if (!valueRange || !value) return undefined;
  const literal = model.text.slice(offsetOf(model, valueRange.start), offsetOf(model, valueRange.end));
  if (literal !== value || literal.includes('$')) return undefined;
  return { text: literal, range: valueRange, viaArg: true };
}

/** Rewrites the image reference of `stage`, or undefined when it cannot be done with one safe edit. */
export function replaceImageEdit(model: DockerfileModel, stage: Stage, rewrite: (text: string) => string | undefined): TextEdit | undefined {
  const location = imageTextLocation(model, stage);
  if (!location) return undefined;
  const next = rewrite(location.text);
  if (next === undefined || next === location.text) return undefined;
  return { range: location.range, newText: next };
}
