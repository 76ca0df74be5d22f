/**
 * Go: the binary is built static (CGO_ENABLED=0), stripped and path-trimmed, and
 * shipped alone on static-debian13 (base-debian13 when the code uses cgo).
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { distrolessNativeImage } from '../imageFacts';
import type { Stage } from '../model';
import { basename, commandEnd, flagValue, insertAt, nativeStart, rawInstruction, resolvePath, runSteps, simpleCommands, stageChain } from './common';
import type { LanguageContext, LanguageConverter, PlanResult, RunStep } from './types';
import { argumentsContentOf } from '../instructions';

interface GoBuild {
  run: RunStep;
  /** Offset of `go` in the document. */
  at: number;
  /** Offset just after `go build`/`go install`. */
  afterVerb: number;
  segment: string;
  words: string[];
  install: boolean;
  output?: string;
  /** The shell text in front of the command on its line (`export`s, `VAR=x` assignments). */
  prefix: string;
  /** Where `go build` without -o writes the binary (named after the package), when that is known. */
  defaultOutput?: string;
  /** Where the binary is at the end of the build, after later `mv`/`cp` commands; undefined when unknown. */
  final?: string;
  /** True when a later mv/cp moved or copied the binary. */
  moved: boolean;
}

const OUT = '/out/app';

export const goConverter: LanguageConverter = {
  language: 'go',
  plan(context): PlanResult {
    const { model } = context;
    const start = context.start;
    const programWord = start[0];
    const goRun = programWord === 'go' && start[1] === 'run';
    const copied = !goRun && programWord ? findCopied(context, programWord) : undefined;
    const buildChain: Stage[] = copied ? stageChain(copied.stage) : context.chain;
    const runs = copied ? runSteps(model, buildChain).runs : context.runs;
    const builds = runs.flatMap((run) => goBuilds(context, run, runs));
    const cgo = usesCgo(context, buildChain) || builds.some((b) => /\bCGO_ENABLED=["']?1\b/.test(b.prefix));
    if (cgo && buildChain[0].base.libc === 'musl') {
      return { refuse: 'the Go code uses cgo and is built on Alpine (musl), so the binary cannot run on a glibc distroless image: build on golang:<version> (Debian), or build with CGO_ENABLED=0' };
    }

    const edits: TextEdit[] = [];
    const append: string[] = [];
    let outputEdit: TextEdit | undefined;
    let artifact: string | undefined;
    let args: { entrypoint: string[]; cmd: string[] };
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
      args = { entrypoint: ['/app'], cmd: rest.slice(k) };
    } else {
      if (builds.length === 0) {
        return { refuse: `no go build or go install runs in ${copied ? `stage "${copied.stage.name ?? copied.stage.index}"` : 'the build'}, so there is no binary to ship` };
      }
      const wanted = copied?.source ?? (programWord && (programWord.includes('/') || programWord.startsWith('.')) ? resolvePath(programWord, context.workdir) : undefined);
      let chosen = builds.find((b) => b.final !== undefined && wanted !== undefined && b.final === wanted)
        ?? builds.find((b) => b.final !== undefined && programWord !== undefined && basename(b.final) === basename(programWord));
      const apps = builds.filter((b) => !b.install || b.output !== undefined);
      if (!chosen && apps.length === 1 && !apps[0].moved && (!copied || apps[0].output === undefined)) chosen = apps[0];
      if (!chosen) {
        if (builds.some((b) => b.install && packagesOf(b.words).includes('tool')) && apps.length === 0) {
          return { refuse: `the build runs go install tool, which installs the tools the go.mod tool directives list (Go 1.24), not a program called ${programWord ?? 'tool'}; no go build produces the app: build it with go build -o <path> and start that path` };
        }
        const moved = builds.find((b) => b.moved && b.final === undefined);
        if (moved) return { refuse: 'the go build output is moved or copied by a later command to a path the converter cannot follow: build with go build -o <final path> and start that path' };
        return { refuse: `none of the ${builds.length} go build commands visibly produces ${programWord ?? 'the program'}: give the build an -o path and start that path` };
      }
      if (chosen.moved && chosen.final !== undefined) {
        // A later mv/cp puts the binary where the image starts it: copy it from there, and leave -o alone.
        artifact = chosen.final;
      } else if (chosen.output === undefined && copied && chosen.defaultOutput === copied.source) {
        // The shipped stage already copies the binary from where go build put it.
        artifact = chosen.defaultOutput;
      } else if (chosen.output === undefined) {
        if (chosen.install) return { refuse: 'the binary comes from go install without a known name: build it with go build -o <path> and start that path' };
        outputEdit = insertAt(model, chosen.afterVerb, ` -o ${OUT}`);
        chosen.output = OUT;
        artifact = OUT;
      } else {
        artifact = chosen.output;
      }
      args = copied ? nativeStart(context, programWord ?? artifact) : nativeStart(context, '/app');
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
      copies: [`COPY --from=${context.buildName} ${artifact} /app`],
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

/**
 * Patterns that name no single program: `go install tool` installs every tool the go.mod
 * `tool` directives list (Go 1.24, https://go.dev/doc/go1.24#tools), `all`/`std`/`cmd`
 * are package sets, and `...` matches many packages.
 */
const NOT_ONE_PROGRAM = /^(?:tool|all|std|cmd)$|\.\.\./;
/** Flags of go build/install that take a value (so the word after them is not a package). */
const VALUE_FLAGS = new Set(['-o', '-ldflags', '-gcflags', '-asmflags', '-tags', '-mod', '-modfile', '-p', '-pkgdir', '-buildmode', '-compiler', '-gccgoflags', '-installsuffix', '-overlay', '-pgo', '-toolexec', '-C']);

function packagesOf(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 2; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('-')) {
      if (VALUE_FLAGS.has(w)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/**
 * Where `go build` without -o writes a single main package: in the current directory,
 * named after the last element of the import path, or the first file's name
 * (https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies).
 */
function defaultOutputName(context: LanguageContext, packages: string[], workdir: string): string | undefined {
  if (packages.some((p) => p.includes('$') || NOT_ONE_PROGRAM.test(p))) return undefined;
  if (packages.length > 0 && packages.every((p) => p.endsWith('.go'))) return basename(packages[0]).replace(/\.go$/, '');
  if (packages.length > 1) return undefined;
  const pkg = (packages[0] ?? '.').replace(/\/+$/, '');
  if (pkg === '.' || pkg === '') {
    const module = /^\s*module\s+(\S+)/m.exec(context.workspace?.readFile('go.mod') ?? '')?.[1];
    const name = module ? basename(module.replace(/\/v\d+$/, '')) : basename(workdir);
    return name && name !== '/' ? name : undefined;
  }
  return basename(pkg.replace(/\/v\d+$/, ''));
}

const KNOWN_DIRS = new Set(['/usr/bin', '/usr/local/bin', '/bin', '/sbin', '/usr/sbin', '/go/bin', '/usr/local/go/bin', '/out', '/dist', '/bin/app']);

/**
 * Follows the binary at `path` through later `mv`/`cp` commands (the rest of its RUN, then
 * the later RUNs of the stage chain). `moved` tells whether any did; `final` is undefined
 * when a move's destination cannot be read (variables, globs, several sources).
 */
function follow(path: string, after: Array<{ commands: string[][]; workdir: string }>, dirs: Set<string>): { final?: string; moved: boolean } {
  let current: string | undefined = path;
  let moved = false;
  for (const { commands, workdir } of after) {
    for (const c of commands) {
      if (current === undefined) return { moved };
      if (c[0] !== 'mv' && c[0] !== 'cp' && c[0] !== 'install') continue;
      const operands = c.slice(1).filter((w) => !w.startsWith('-'));
      if (operands.length < 2) continue;
      const dest = operands[operands.length - 1];
      const sources = operands.slice(0, -1);
      const hit = sources.some((src) => !/[$*?]/.test(src) && resolvePath(src, workdir) === current)
        || sources.some((src) => /[$*?]/.test(src) && basename(src).replace(/[*?].*$/, '') !== '' && basename(current ?? '').startsWith(basename(src).replace(/[*?$].*$/, '')));
      if (!hit) continue;
      moved = true;
      if (sources.length !== 1 || /[$*?]/.test(sources[0]) || dest.includes('$')) return { moved };
      const target = resolvePath(dest, workdir);
      const isDir = dest.endsWith('/') || dest === '.' || dirs.has(target) || KNOWN_DIRS.has(target);
      const next: string = isDir ? `${target === '/' ? '' : target}/${basename(current)}` : target;
      // cp leaves the original in place, but the image starts the copy.
      current = next;
    }
  }
  return { final: current, moved };
}

function goBuilds(context: LanguageContext, run: RunStep, runs: RunStep[]): GoBuild[] {
  const { start, text: raw } = rawInstruction(context.model, run.instruction);
  const out: GoBuild[] = [];
  const later = runs.slice(runs.indexOf(run) + 1).map((r) => ({ commands: r.commands, workdir: r.workdir }));
  const dirs = new Set<string>(runs.flatMap((r) => r.commands.filter((c) => c[0] === 'mkdir').flatMap((c) => c.slice(1).filter((w) => !w.startsWith('-')).map((w) => resolvePath(w, r.workdir)))));
  for (const r of runs) dirs.add(r.workdir);
  for (const m of raw.matchAll(/\bgo\s+(build|install)\b/g)) {
    const at = m.index ?? 0;
    const end = commandEnd(raw, at);
    const segment = raw.slice(at, end);
    const words = simpleCommands(segment)[0] ?? [];
    const install = m[1] === 'install';
    const packages = packagesOf(words);
    const o = flagValue(words.slice(2), ['-o']);
    let output: string | undefined;
    let defaultOutput: string | undefined;
    if (o !== undefined && !o.includes('$')) {
      output = resolvePath(o, run.workdir);
      // `-o dir/` names a directory: the binary takes the package's name inside it.
      if (o.endsWith('/')) {
        const name = defaultOutputName(context, packages, run.workdir);
        output = name ? `${output}/${name}` : undefined;
      }
    } else if (install) {
      const gobin = run.stage.env.get('GOBIN') ?? `${run.stage.env.get('GOPATH') ?? '/go'}/bin`;
      const pkg = packages[packages.length - 1];
      const name = pkg && !NOT_ONE_PROGRAM.test(pkg) && packages.length === 1 ? basename(pkg.replace(/@.*$/, '').replace(/\/v\d+$/, '')) : undefined;
      output = name && name !== '.' && !name.includes('$') ? `${gobin}/${name}` : undefined;
    } else if (o === undefined) {
      const name = defaultOutputName(context, packages, run.workdir);
      defaultOutput = name ? resolvePath(name, run.workdir) : undefined;
    }
    const rest = { commands: simpleCommands(raw.slice(end)), workdir: run.workdir };
    const from = output ?? defaultOutput;
    const followed = from ? follow(from, [rest, ...later], dirs) : { final: undefined, moved: false };
    const prefix = raw.slice(0, at).replace(/\\\r?\n/g, ' ').split(/&&|\|\||[;|\n]/).pop() ?? '';
    out.push({ run, at: start + at, afterVerb: start + at + m[0].length, segment, words, install, output, prefix, defaultOutput, final: followed.moved ? followed.final : output ?? defaultOutput, moved: followed.moved });
  }
  return out;
}

/** CGO_ENABLED=0 (unless the code needs cgo), -trimpath and -ldflags "-s -w" on one go build. */
function hardenBuild(context: LanguageContext, build: GoBuild, cgo: boolean): TextEdit[] {
  const { model } = context;
  const edits: TextEdit[] = [];
  const { start, text: raw } = rawInstruction(model, build.run.instruction);
  const before = raw.slice(0, build.at - start);
  const cgoOff = /\bCGO_ENABLED=["']?0\b/.test(build.prefix) || /\bexport\s+(?:\S+=\S*\s+)*CGO_ENABLED=["']?0\b/.test(before)
    || stageCgoOff(build.run.stage);
  if (!cgo && !cgoOff) edits.push(insertAt(model, build.at, 'CGO_ENABLED=0 '));
  const flags = build.words.slice(2);
  if (!flags.includes('-trimpath')) edits.push(insertAt(model, build.afterVerb, ' -trimpath'));
  const ld = /-ldflags(=|\s+)(["']?)/.exec(build.segment);
  if (!ld) {
    edits.push(insertAt(model, build.afterVerb, ' -ldflags="-s -w"'));
  } else {
    const value = flagValue(flags, ['-ldflags']) ?? '';
    const missing = ['-s', '-w'].filter((f) => !value.split(/\s+/).includes(f));
    if (missing.length > 0 && !value.includes('$')) {
      const valueStart = build.at + ld.index + ld[0].length;
      if (ld[2]) {
        edits.push(insertAt(model, valueStart, `${missing.join(' ')} `));
      } else {
        // An unquoted single-word value: quote it so the added flags stay in it.
        const end = valueStart + value.length;
        edits.push({ range: { start: model.document.positionAt(valueStart), end: model.document.positionAt(end) }, newText: `"${missing.join(' ')} ${value}"` });
      }
    }
  }
  return edits;
}

function stageCgoOff(stage: Stage): boolean {
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    if (s.env.get('CGO_ENABLED') === '0') return true;
    if (s.instructions.some((i) => i.getKeyword() === 'ARG' && /\bCGO_ENABLED=["']?0\b/.test(argumentsContentOf(i) ?? ''))) return true;
  }
  return false;
}

/** The code imports "C", or the build turns cgo on explicitly. */
function usesCgo(context: LanguageContext, chain: Stage[]): boolean {
  if (chain.some((s) => s.env.get('CGO_ENABLED') === '1')) return true;
  const workspace = context.workspace;
  const files = workspace?.findFiles?.(/\.go$/, 200) ?? [];
  return files.some((f) => /^\s*import\s+(?:\(\s*[^)]*?)?"C"/m.test(workspace?.readFile(f) ?? ''));
}
