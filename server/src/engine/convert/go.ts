/**
 * Go: the binary is built static (CGO_ENABLED=0), stripped and path-trimmed, and
 * shipped alone on static-debian13 (base-debian13 when the code uses cgo).
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { distrolessNativeImage } from '../imageFacts';
import type { Stage } from '../model';
import { basename, optionValue, values } from '../shell';
import { chainCommands, resolvePath, stageChainFromBase } from '../stages';
import { GoBuild, goBuildsFromBase, indexOfBuild } from '../goBuilds';
import { argumentFileCopies, insertAt, nativeStart, nativeTarget } from './common';
import type { LanguageContext, LanguageConverter, PlanResult } from './types';
import { stageLabel } from './runtimeNeeds';

const OUT = '/out/app';

export const goConverter: LanguageConverter = {
  language: 'go',
  plan(context): PlanResult {
    const { model } = context;
    const start = context.start;
    const programWord = start[0];
    const goRun = programWord === 'go' && start[1] === 'run';
    const copied = !goRun && programWord ? findCopied(context, programWord) : undefined;
    const buildChain: Stage[] = copied ? stageChainFromBase(copied.stage) : context.chain;
    const builds = goBuildsFromBase(model, buildChain[buildChain.length - 1]);
    const cgo = usesCgo(context) || builds.some((b) => b.cgo === '1');
    if (cgo && buildChain[0].base.libc === 'musl') {
      return { refuse: 'the Go code uses cgo and is built on Alpine (musl), so the binary cannot run on a glibc distroless image: build on golang:<version> (Debian), or build with CGO_ENABLED=0' };
    }

    const edits: TextEdit[] = [];
    const append: string[] = [];
    let outputEdit: TextEdit | undefined;
    let artifact: string | undefined;
    let args: { entrypoint: string[]; cmd: string[] };
    // Where the binary goes when a new runtime stage is written (unused when the shipped stage is replaced).
    let target = '/app';
    if (goRun) {
      // `go run` compiles at every start; build once instead, with the same packages.
      const rest = start.slice(2);
      let k = 0;
      // go run [build flags] <package | files.go...> [program arguments]
      while (k < rest.length && rest[k].startsWith('-')) k++;
      const packages: string[] = [];
      if (k < rest.length && !rest[k].endsWith('.go')) packages.push(rest[k++]);
      else while (k < rest.length && rest[k].endsWith('.go')) packages.push(rest[k++]);
      if (packages.length === 0) packages.push('.');
      append.push(`RUN ${cgo ? '' : 'CGO_ENABLED=0 '}go build -trimpath -ldflags="-s -w" -o ${OUT} ${packages.join(' ')}`);
      artifact = OUT;
      target = nativeTarget(context, OUT);
      args = { entrypoint: [target], cmd: rest.slice(k) };
    } else {
      if (builds.length === 0) {
        return { refuse: `no go build or go install runs in ${stageLabel(copied?.stage ?? context.stage)}, so there is no binary to ship` };
      }
      const wanted = copied?.source ?? (programWord && (programWord.includes('/') || programWord.startsWith('.')) ? resolvePath(programWord, context.workdir) : undefined);
      // A build's binary is wherever later mv/cp put it (GoBuild.paths); without -o, where go build names it by default.
      const located = new Map<GoBuild, string[]>(builds.map((b) => [b, b.output === undefined ? defaultOutputPaths(context, b, buildChain[buildChain.length - 1]) : b.paths]));
      const byPath = wanted === undefined ? undefined : builds.find((b) => located.get(b)?.includes(wanted));
      const byName = programWord === undefined ? undefined : builds.find((b) => located.get(b)?.some((p) => basename(p) === basename(programWord)));
      let chosen = byPath ?? byName;
      if (!chosen && builds.length === 1 && (!copied || builds[0].output === undefined)) chosen = builds[0];
      if (!chosen) {
        return { refuse: `none of the ${builds.length} go build commands visibly produces ${programWord ?? 'the program'}: give the build an -o path and start that path` };
      }
      const defaults = chosen.output === undefined ? located.get(chosen) ?? [] : [];
      const movedOrCopied = defaults.length > 1 || (defaults.length === 1 && defaults[0] !== resolvePath(defaultOutputName(context, chosen) ?? '', chosen.workdir)) || copied !== undefined;
      if (chosen.output === undefined && defaults.length > 0 && (byPath === chosen || byName === chosen) && movedOrCopied) {
        // go build without -o, and the image starts (or copies) the binary from where go build or a later mv/cp put it: leave -o alone.
        artifact = byPath === chosen && wanted !== undefined ? wanted : defaults.find((p) => basename(p) === basename(programWord ?? '')) ?? defaults[defaults.length - 1];
      } else if (chosen.output === undefined) {
        if (chosen.tool) return { refuse: 'the binary comes from go install tool, which installs the tools go.mod declares (Go 1.24), not the program: build it with go build -o <path> and start that path' };
        if (chosen.install) return { refuse: 'the binary comes from go install without a known name: build it with go build -o <path> and start that path' };
        if (chosen.command.exec) return { refuse: 'the go build runs in exec form without -o, so its binary has no known path: give it -o <path> and start that path' };
        outputEdit = insertAt(model, chosen.command.words[1].end, ` -o ${OUT}`);
        artifact = OUT;
      } else {
        artifact = byPath && wanted !== undefined ? wanted : byName ? byName.paths.find((p) => basename(p) === basename(programWord ?? '')) : chosen.paths[chosen.paths.length - 1] ?? chosen.output;
      }
      target = nativeTarget(context, programWord ?? artifact ?? OUT);
      args = copied ? nativeStart(context, programWord ?? artifact) : nativeStart(context, target);
    }
    for (const b of builds) edits.push(...hardenBuild(context, b, cgo));
    // Inserted at the same point as the flags, after them: `go build -trimpath -ldflags=... -o /out/app`.
    if (outputEdit) edits.push(outputEdit);

    const runtimeImage = distrolessNativeImage(cgo ? 'glibc' : 'static', context.distrolessRegistry);
    if (copied) {
      return { runtimeImage, replaceShipped: true, copies: [], edits, entrypoint: args.entrypoint, cmd: args.cmd };
    }
    return {
      runtimeImage,
      replaceShipped: false,
      copies: [`COPY --from=${context.buildName} ${artifact} ${target}`, ...argumentFileCopies(context, [...args.entrypoint.slice(1), ...args.cmd], [target])],
      edits,
      append,
      entrypoint: args.entrypoint,
      cmd: args.cmd,
    };
  },
};

function findCopied(context: LanguageContext, program: string) {
  const paths = program.includes('/') || program.startsWith('.') ? [resolvePath(program, context.workdir)] : ['/usr/local/bin', '/usr/bin', '/bin', '/go/bin'].map((d) => `${d}/${program}`);
  return paths.map((p) => context.copiedFrom(p)).find((c) => c !== undefined);
}

/** CGO_ENABLED=0 (unless the code needs cgo), -trimpath and -ldflags "-s -w" on one go build. */
function hardenBuild(context: LanguageContext, build: GoBuild, cgo: boolean): TextEdit[] {
  const { model } = context;
  // Exec form has no place for an assignment, and its words are JSON strings.
  if (build.command.exec) return [];
  const edits: TextEdit[] = [];
  const [go, verb, ...rest] = build.command.words;
  if (!cgo && build.cgo !== '0') edits.push(insertAt(model, go.start, 'CGO_ENABLED=0 '));
  const flags = values(rest);
  if (!flags.includes('-trimpath')) edits.push(insertAt(model, verb.end, ' -trimpath'));
  const ld = optionValue(rest, ['-ldflags', '--ldflags']);
  if (!ld) {
    edits.push(insertAt(model, verb.end, ' -ldflags="-s -w"'));
  } else {
    const value = ld.value;
    const missing = ['-s', '-w'].filter((f) => !value.split(/\s+/).includes(f));
    if (missing.length > 0 && !value.includes('$')) {
      const quote = model.text[ld.writtenStart];
      if (quote === '"' || quote === "'") {
        edits.push(insertAt(model, ld.writtenStart + 1, `${missing.join(' ')} `));
      } else {
        // An unquoted single-word value: quote it so the added flags stay in it.
        const end = ld.writtenStart + value.length;
        edits.push({ range: { start: model.document.positionAt(ld.writtenStart), end: model.document.positionAt(end) }, newText: `"${missing.join(' ')} ${value}"` });
      }
    }
  }
  return edits;
}

/** The code imports "C" (a build that turns cgo on is read from GoBuild.cgo). */
function usesCgo(context: LanguageContext): boolean {
  const workspace = context.workspace;
  const files = workspace?.findFiles?.(/\.go$/, 200) ?? [];
  return files.some((f) => /^\s*import\s+(?:\(\s*[^)]*?)?"C"/m.test(workspace?.readFile(f) ?? ''));
}

/** Flags of go build that take a value (so the word after them is not a package). */
const VALUE_FLAGS = /^--?(?:o|ldflags|gcflags|asmflags|tags|mod|modfile|p|pkgdir|buildmode|compiler|gccgoflags|installsuffix|overlay|pgo|toolexec|C)$/;

/**
 * Where `go build` without -o writes a single main package: in its working directory,
 * named after the last element of the import path, or the first file's name
 * (https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies).
 */
function defaultOutputName(context: LanguageContext, build: GoBuild): string | undefined {
  const words = values(build.command.words);
  const packages: string[] = [];
  for (let i = 2; i < words.length; i++) {
    if (words[i].startsWith('-')) {
      if (VALUE_FLAGS.test(words[i])) i++;
      continue;
    }
    packages.push(words[i]);
  }
  if (packages.some((p) => p.includes('$') || p.includes('...'))) return undefined;
  if (packages.length > 0 && packages.every((p) => p.endsWith('.go'))) return basename(packages[0]).replace(/\.go$/, '');
  if (packages.length > 1) return undefined;
  const pkg = (packages[0] ?? '.').replace(/\/+$/, '');
  if (pkg === '.' || pkg === '') {
    const module = /^\s*module\s+(\S+)/m.exec(context.workspace?.readFile('go.mod') ?? '')?.[1];
    const name = module ? basename(module.replace(/\/v\d+$/, '')) : basename(build.workdir);
    return name && name !== '/' && name !== '' ? name : undefined;
  }
  return basename(pkg.replace(/\/v\d+$/, ''));
}

/** Directories that exist on every base image: `mv app /usr/local/bin` moves into them. */
const BIN_DIRECTORIES = new Set(['/usr/local/bin', '/usr/local/sbin', '/usr/bin', '/usr/sbin', '/bin', '/sbin', '/go/bin']);

/**
 * The paths of a `go build` without -o: its default output, followed through the
 * later `mv`/`cp` commands of the chain (as GoBuild.paths does for -o builds).
 */
function defaultOutputPaths(context: LanguageContext, build: GoBuild, stage: Stage): string[] {
  if (build.install || build.command.exec) return [];
  const name = defaultOutputName(context, build);
  if (!name) return [];
  let paths = [resolvePath(name, build.workdir)];
  const commands = chainCommands(context.model, stage);
  const at = indexOfBuild(commands, build);
  for (const placed of commands.slice(at + 1)) {
    const words = values(placed.command.words);
    if (words[0] !== 'mv' && words[0] !== 'cp') continue;
    const operands = words.slice(1).filter((w) => !w.startsWith('-'));
    if (operands.length !== 2 || operands.some((o) => o.includes('$') || /[*?]/.test(o))) continue;
    const from = resolvePath(operands[0], placed.workdir);
    if (!paths.includes(from)) continue;
    const target = resolvePath(operands[1], placed.workdir);
    const to = operands[1].endsWith('/') || operands[1] === '.' || BIN_DIRECTORIES.has(target) ? resolvePath(basename(from), target) : target;
    if (words[0] === 'mv') paths = paths.filter((p) => p !== from);
    if (!paths.includes(to)) paths.push(to);
  }
  return paths;
}
