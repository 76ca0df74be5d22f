/**
 * Go builds: each `go build`/`go install` of a stage chain, the CGO_ENABLED in effect,
 * its output and where later `mv`/`cp` put it, and which of them ship (copied into a
 * stage). Read from the stage model (stages.ts) and the shell model (shell.ts); one
 * reader for the Go rules and the Go converter.
 */
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from './model';
import { substituteVariables } from './buildArgs';
import { basename, commandsOf, rawText, values, type Command, type Word } from './shell';
import { argumentsContentOf } from './instructions';
import { packageInstalls, packageName } from './packages';
import { C_COMPILER_PACKAGES, GO_CGO_OFF_WITHOUT_CC_SINCE, compareVersions } from './imageFacts';
import { DOCKER_HUB_MIRRORS } from './imageFacts.data';
import {
  chainCommands, chainCopies, chainInstructions, isInside, placedInstructions, resolvePath, stageChainFromBase, variablesOf,
  type CopyInstruction, type PlacedCommand, type PlacedInstruction,
} from './stages';

/**
 * Where a go build stands among a stage chain's commands, so that only the mv/cp after
 * it move its binary. The build's command is a copy (an `env` prefix is taken off its
 * words): it is found by the instruction and where its program is written. -1 when absent.
 */
export function indexOfBuild(commands: PlacedCommand[], build: GoBuild): number {
  return commands.findIndex((c) => c.instruction === build.instruction && c.command.words.some((w) => w.start === build.command.words[0].start));
}

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

