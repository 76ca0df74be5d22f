/**
 * The stage model: how stages build on each other, what COPY/ADD bring into them and
 * from where, the WORKDIR every instruction runs in, and where build outputs (Go
 * binaries) end up. One reader shared by every rule and the converter.
 *
 * Stage chains are named for their order: `stageChainFromBase` lists the root stage
 * first (build order), `stageChainToBase` the stage itself first.
 */
import type { Instruction } from 'dockerfile-ast';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import { DockerfileModel, Stage, execFormArguments, offsetOf } from './model';
import { substituteVariables } from './buildArgs';
import { argumentsContentOf, argumentsOf, imageRangeOf } from './instructions';
import { Command, Word, basename, commandsOf, packageInstalls, packageName, rawText, values } from './shell';
import { C_COMPILER_PACKAGES, GO_CGO_OFF_WITHOUT_CC_SINCE, compareVersions } from './imageFacts';
import { DOCKER_HUB_MIRRORS } from './imageFacts.data';

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

function variablesOf(model: DockerfileModel, stage: Stage): Map<string, string | undefined> {
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
/**
 * Where a go build stands among a stage chain's commands, so that only the mv/cp after
 * it move its binary. The build's command is a copy (an `env` prefix is taken off its
 * words): it is found by the instruction and where its program is written. -1 when absent.
 */
export function indexOfBuild(commands: PlacedCommand[], build: GoBuild): number {
  return commands.findIndex((c) => c.instruction === build.instruction && c.command.words.some((w) => w.start === build.command.words[0].start));
}

export function chainCommands(model: DockerfileModel, stage: Stage): PlacedCommand[] {
  const out: PlacedCommand[] = [];
  for (const placed of placedInstructions(model, stage).placed) {
    if (placed.instruction.getKeyword() !== 'RUN') continue;
    for (const command of commandsOf(model, placed.instruction)) out.push({ ...placed, command });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Go build outputs.

export interface GoBuild {
  instruction: Instruction;
  /** The stage the RUN is written in. */
  stage: Stage;
  command: Command;
  /** `go install` rather than `go build`. */
  install: boolean;
  /** `go install tool` (Go 1.24): installs the tools go.mod declares, not a binary named "tool". */
  tool: boolean;
  /** CGO_ENABLED in effect: inline, `export`ed earlier in the RUN, `go env -w`, ENV or ARG; undefined when unset. */
  cgo?: '0' | '1';
  /** The `-o` value's word, when given. */
  outputWord?: Word;
  /** Where the binary is written (absolute); undefined when its name is not known (`-o dir/`, `./...`, a variable). */
  output?: string;
  /** Where the binary is at the end of the chain: the output followed through later `mv` and `cp`. */
  paths: string[];
  /** The directory the command runs in: the WORKDIR, moved by a `cd` earlier in the same RUN. */
  workdir: string;
}

const goBuildsCache = new WeakMap<Stage, GoBuild[]>();

/** Every `go build` / `go install` in the stage and the stages it is built on, in build order. */
export function goBuildsFromBase(model: DockerfileModel, stage: Stage): GoBuild[] {
  let cached = goBuildsCache.get(stage);
  if (!cached) {
    cached = findGoBuilds(model, stage);
    goBuildsCache.set(stage, cached);
  }
  return cached;
}

const CGO = /\bCGO_ENABLED(?:=|\s+)["']?([01])\b/;

function findGoBuilds(model: DockerfileModel, stage: Stage): GoBuild[] {
  const out: GoBuild[] = [];
  let persistent: '0' | '1' | undefined;
  for (const placed of placedInstructions(model, stage).placed) {
    const { instruction } = placed;
    const keyword = instruction.getKeyword();
    if (keyword === 'ENV' || keyword === 'ARG') {
      const m = CGO.exec(rawText(model, instruction));
      if (m) persistent = m[1] as '0' | '1';
      continue;
    }
    if (keyword !== 'RUN' || !/\bgo\b|\bmv\b|\bcp\b/.test(rawText(model, instruction))) continue;
    let exported: '0' | '1' | undefined;
    // `cd /src && go build -o ./bin/app` writes /src/bin/app: the RUN's own cd moves where relative paths land.
    let here = placed;
    for (const command of commandsOf(model, instruction)) {
      let words = command.words;
      let assignments = command.assignments;
      if (words[0]?.value === 'cd' && command.depth === 0) {
        const target = words[1]?.value;
        here = { ...placed, workdir: target && !/[$`~]/.test(target) && target !== '-' ? resolvePath(target, here.workdir) : placed.workdir };
        continue;
      }
      // `env CGO_ENABLED=0 go build`
      if (words[0]?.value === 'env') {
        let k = 1;
        while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k].value)) k++;
        assignments = [...assignments, ...words.slice(1, k)];
        words = words.slice(k);
      }
      const w = values(words);
      if (w[0] === 'export') {
        for (const v of w.slice(1)) {
          const m = /^CGO_ENABLED=([01])$/.exec(v);
          if (m) exported = m[1] as '0' | '1';
        }
        continue;
      }
      if (w[0] === 'go' && w[1] === 'env' && w[2] === '-w') {
        for (const v of w.slice(3)) {
          const m = /^CGO_ENABLED=([01])$/.exec(v);
          if (m) persistent = m[1] as '0' | '1';
        }
        continue;
      }
      if ((w[0] === 'mv' || w[0] === 'cp') && out.length > 0) {
        followMove(out, w, here.workdir);
        continue;
      }
      if (w[0] !== 'go' || (w[1] !== 'build' && w[1] !== 'install')) continue;
      const inline = assignments.map((a) => /^CGO_ENABLED=["']?([01])/.exec(a.value)?.[1]).find((v) => v !== undefined) as '0' | '1' | undefined;
      const build = readGoBuild(here, { ...command, words, assignments }, inline ?? exported ?? persistent);
      out.push(build);
    }
  }
  return out;
}

function readGoBuild(placed: PlacedInstruction, command: Command, cgo: '0' | '1' | undefined): GoBuild {
  const { instruction, stage, workdir } = placed;
  const words = command.words;
  const install = words[1].value === 'install';
  let outputWord: Word | undefined;
  let outputValue: string | undefined;
  const positional: string[] = [];
  for (let i = 2; i < words.length; i++) {
    const v = words[i].value;
    if (v === '-o' && words[i + 1]) {
      outputWord = words[i + 1];
      outputValue = outputWord.value;
      i++;
    } else if (v.startsWith('-o=')) {
      outputWord = words[i];
      outputValue = v.slice(3);
    } else if (/^--?(?:ldflags|gcflags|asmflags|tags|mod|modfile|p|pkgdir|buildmode|compiler|installsuffix|overlay|pgo|toolexec|C)$/.test(v)) {
      i++;
    } else if (!v.startsWith('-')) {
      positional.push(v);
    }
  }
  const tool = install && positional.length === 1 && positional[0] === 'tool';
  let output: string | undefined;
  if (outputValue !== undefined) {
    // `-o dir/` names a directory: the binary takes the package's name inside it.
    output = outputValue.includes('$') || outputValue.endsWith('/') ? undefined : resolvePath(outputValue, workdir);
  } else if (install && !tool) {
    const gobin = goBinDirectory(stage, command);
    const pkg = positional[positional.length - 1];
    const name = pkg && !pkg.includes('...') ? basename(pkg.replace(/@.*$/, '')) : undefined;
    output = name && name !== '.' && name !== '..' && !name.includes('$') ? `${gobin}/${name}` : undefined;
  }
  return { instruction, stage, command, install, tool, cgo, outputWord, output, paths: output ? [output] : [], workdir };
}

/** Where `go install` puts binaries: GOBIN (inline `GOBIN=/x go install` first), else $GOPATH/bin. */
function goBinDirectory(stage: Stage, command: Command): string {
  const inline = command.assignments.map((a) => /^GOBIN=(.+)$/.exec(a.value)?.[1]).find((v) => v !== undefined && !v.includes('$'));
  return inline ?? stage.env.get('GOBIN') ?? `${stage.env.get('GOPATH') ?? '/go'}/bin`;
}

/** Directories that exist on every base image: `mv app /usr/local/bin` moves into them. */
const BIN_DIRECTORIES = new Set(['/usr/local/bin', '/usr/local/sbin', '/usr/bin', '/usr/sbin', '/bin', '/sbin', '/go/bin']);

/** `mv a b` / `cp a b` of a built binary: it is now (also) at b. */
function followMove(builds: GoBuild[], words: string[], workdir: string): void {
  const operands = words.slice(1).filter((w) => !w.startsWith('-'));
  if (operands.length !== 2 || operands.some((o) => o.includes('$') || /[*?]/.test(o))) return;
  const from = resolvePath(operands[0], workdir);
  const target = resolvePath(operands[1], workdir);
  const toDirectory = operands[1].endsWith('/') || operands[1] === '.' || BIN_DIRECTORIES.has(target);
  const to = toDirectory ? resolvePath(basename(from), target) : target;
  for (const build of builds) {
    if (!build.paths.includes(from)) continue;
    if (words[0] === 'mv') build.paths = build.paths.filter((p) => p !== from);
    if (!build.paths.includes(to)) build.paths.push(to);
  }
}

// ---------------------------------------------------------------------------
// Which go builds ship.

/** Official golang images (Docker Hub's library, or a mirror of it). */
function isOfficialGolang(stage: Stage): boolean {
  const { registry, path } = stage.base.ref;
  return (registry === undefined || DOCKER_HUB_MIRRORS.includes(registry) || registry === 'docker.io') && /^(?:library\/)?golang$/.test(path);
}

/**
 * Whether a go build in `stage` links libc when CGO_ENABLED is not set. Since Go 1.20
 * the go command turns cgo off when it finds no C compiler, so only where the absence
 * of a compiler is a known fact is the answer false: golang:*-alpine ships none ("To
 * minimize image size, additional related tools (such as git, gcc, or bash) are not
 * included in Alpine-based images", docker-library/docs golang/variant-alpine.md,
 * https://github.com/docker-library/docs/blob/master/golang/variant-alpine.md; its
 * Dockerfile, docker-library/golang 1.26/alpine3.23, installs only ca-certificates),
 * unless the Dockerfile installs one (gcc, build-base, musl-dev …). The Debian golang
 * images install gcc, g++ and libc6-dev; other images are not known to lack one.
 */
export function cgoOnByDefault(model: DockerfileModel, stage: Stage): boolean {
  const chain = stageChainFromBase(stage);
  const root = chain[0];
  if (!isOfficialGolang(root) || root.base.libc !== 'musl') return true;
  const version = chain.map((s) => s.base.runtimeVersion).find((v) => v !== undefined);
  if (version !== undefined && compareVersions(version, GO_CGO_OFF_WITHOUT_CC_SINCE) < 0) return true;
  // A compiler installed under a versioned name (clang17, gcc13), or one named by CC
  // (zig cc), turns cgo back on: a C compiler is then on hand.
  return chainInstructions(stage).some((i) => packageInstalls(model, i).some((change) => change.packages.some((w) => isCCompilerPackage(packageName(w)))))
    || chainInstructions(stage).some((i) => /(?:^|[\s;&|])CC\s*=\s*\S/.test(argumentsContentOf(i) ?? '') && ['ENV', 'ARG', 'RUN'].includes(i.getKeyword()));
}

function isCCompilerPackage(name: string): boolean {
  return C_COMPILER_PACKAGES.has(name) || /^(?:gcc|clang|g\+\+)[-\d.]*$/.test(name);
}

export interface ShippedGoBuild {
  build: GoBuild;
  /** The COPY of the runtime stage that brings the binary in (directly, or through stages in between). */
  copy: CopyInstruction;
}

/**
 * A COPY source as a pattern over absolute paths: globs as globs, and a variable that
 * cannot be resolved as any run of characters within one path segment.
 */
interface SourcePattern {
  /** The path itself, or anything below it. */
  covers: RegExp;
  /** The directory the source names its last segment in. */
  parent: RegExp;
  /** The literal directories before the first wildcard. */
  prefix: string;
}

/**
 * The go builds whose binary a `COPY --from` brings into `stage`, followed back through
 * stages that only pass files on. A build whose binary name is unknown (no -o, `-o dir/`,
 * `go install ./...`) counts when the COPY takes its directory or a file in it (or where
 * a later mv/cp took such a file); one whose place is not known at all counts whenever
 * anything is copied from its stage. Tools a build stage installs for its own use
 * (`go install …/go-licenses`) do not ship.
 */
export function shippedGoBuilds(model: DockerfileModel, stage: Stage): ShippedGoBuild[] {
  const found = new Map<GoBuild, CopyInstruction>();
  const visit = (from: Stage, patterns: SourcePattern[], copy: CopyInstruction, seen: Set<Stage>): void => {
    if (seen.has(from)) return;
    for (const build of goBuildsFromBase(model, from)) {
      if (!found.has(build) && patterns.some((p) => buildMatches(model, from, build, p))) found.set(build, copy);
    }
    for (const inner of chainCopies(model, from)) {
      // What `from` hands on overlaps what this COPY brought into it.
      if (inner.fromStage && patterns.some((p) => p.covers.test(inner.destinationPath) || isInside(p.prefix, inner.destinationPath))) {
        visit(inner.fromStage, sourcePatterns(model, inner), copy, new Set([...seen, from]));
      }
    }
  };
  for (const copy of chainCopies(model, stage)) {
    if (copy.fromStage) visit(copy.fromStage, sourcePatterns(model, copy), copy, new Set());
  }
  return [...found].map(([build, copy]) => ({ build, copy }));
}

function sourcePatterns(model: DockerfileModel, copy: CopyInstruction): SourcePattern[] {
  const vars = variablesOf(model, copy.stage);
  return copy.sources.map((source) => {
    const path = resolvePath(source.includes('$') ? substituteVariables(source, vars) ?? source : source, '/');
    const names = path === '/' ? [] : path.split('/').slice(1);
    const segments = names.map((segment) => {
      let re = '';
      for (let i = 0; i < segment.length; i++) {
        const variable = /^\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/.exec(segment.slice(i));
        if (variable) {
          re += '[^/]*';
          i += variable[0].length - 1;
        } else if (segment[i] === '*') re += '[^/]*';
        else if (segment[i] === '?') re += '[^/]';
        else re += segment[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { re, literal: !/[*?$]/.test(segment) };
    });
    const joined = (list: typeof segments) => list.map((x) => `/${x.re}`).join('');
    const firstWild = segments.findIndex((x) => !x.literal);
    return {
      covers: new RegExp(`^${joined(segments)}(?:/.*)?$`),
      parent: new RegExp(`^${joined(segments.slice(0, -1)) || '/'}$`),
      prefix: `/${names.slice(0, firstWild < 0 ? undefined : firstWild).join('/')}`,
    };
  });
}

function buildMatches(model: DockerfileModel, stage: Stage, build: GoBuild, pattern: SourcePattern): boolean {
  // `-o /out` with several packages (or an existing directory) writes into /out: a COPY of /out/app takes one of them.
  if (build.paths.length > 0) return build.paths.some((p) => pattern.covers.test(p) || isInside(pattern.prefix, p));
  if (build.output !== undefined) return false;
  const file = substitutedOutput(model, build);
  if (file !== undefined && !file.endsWith('/')) return pattern.covers.test(resolvePath(file, build.workdir));
  const dir = landingDirectory(model, build);
  if (dir === undefined) return true;
  if (pattern.covers.test(dir) || pattern.parent.test(dir)) return true;
  // Or wherever a later mv/cp took a file of that directory.
  const commands = chainCommands(model, stage);
  const at = indexOfBuild(commands, build);
  for (const placed of commands.slice(at + 1)) {
    const words = values(placed.command.words);
    if (words[0] !== 'mv' && words[0] !== 'cp') continue;
    const operands = words.slice(1).filter((w) => !w.startsWith('-'));
    if (operands.length < 2) continue;
    const moved = operands.slice(0, -1).map((o) => resolvePath(o, placed.workdir));
    if (!moved.some((source) => source.includes('$') || isInside(source, dir))) continue;
    const target = operands[operands.length - 1];
    if (target.includes('$')) return true;
    const to = resolvePath(target, placed.workdir);
    if (pattern.covers.test(to) || pattern.parent.test(to)) return true;
  }
  return false;
}

/** The -o value with the stage's ARG and ENV values put in; undefined without -o or when a variable has no value. */
function substitutedOutput(model: DockerfileModel, build: GoBuild): string | undefined {
  if (!build.outputWord) return undefined;
  const raw = build.outputWord.value.startsWith('-o=') ? build.outputWord.value.slice(3) : build.outputWord.value;
  const value = raw.includes('$') ? substituteVariables(raw, variablesOf(model, build.stage)) : raw;
  return value === '' ? undefined : value;
}

/** The directory a build without a known binary name writes into; undefined when not known. */
function landingDirectory(model: DockerfileModel, build: GoBuild): string | undefined {
  if (build.outputWord) {
    const value = substitutedOutput(model, build);
    return value?.endsWith('/') ? resolvePath(value, build.workdir) : undefined;
  }
  if (build.install) return build.tool ? undefined : goBinDirectory(build.stage, build.command);
  return build.workdir;
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
