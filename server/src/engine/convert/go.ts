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
    const builds = runs.flatMap((run) => goBuilds(context, run));
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
      let chosen = builds.find((b) => b.output !== undefined && wanted !== undefined && b.output === wanted)
        ?? builds.find((b) => b.output !== undefined && programWord !== undefined && basename(b.output) === basename(programWord));
      if (!chosen && builds.length === 1 && (!copied || builds[0].output === undefined)) chosen = builds[0];
      if (!chosen) {
        return { refuse: `none of the ${builds.length} go build commands visibly produces ${programWord ?? 'the program'}: give the build an -o path and start that path` };
      }
      if (chosen.output === undefined) {
        if (chosen.install) return { refuse: 'the binary comes from go install without a known name: build it with go build -o <path> and start that path' };
        outputEdit = insertAt(model, chosen.afterVerb, ` -o ${OUT}`);
        chosen.output = OUT;
      }
      artifact = chosen.output;
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

function goBuilds(context: LanguageContext, run: RunStep): GoBuild[] {
  const { start, text: raw } = rawInstruction(context.model, run.instruction);
  const out: GoBuild[] = [];
  for (const m of raw.matchAll(/\bgo\s+(build|install)\b/g)) {
    const at = m.index ?? 0;
    const segment = raw.slice(at, commandEnd(raw, at));
    const words = simpleCommands(segment)[0] ?? [];
    const install = m[1] === 'install';
    const o = flagValue(words.slice(2), ['-o']);
    let output: string | undefined;
    if (o !== undefined && !o.includes('$')) {
      output = resolvePath(o, run.workdir);
      // `-o dir/` names a directory: the binary takes the package's name inside it.
      if (o.endsWith('/')) output = undefined;
    } else if (install) {
      const gobin = run.stage.env.get('GOBIN') ?? `${run.stage.env.get('GOPATH') ?? '/go'}/bin`;
      const pkg = words.slice(2).filter((w) => !w.startsWith('-')).pop();
      const name = pkg ? basename(pkg.replace(/@.*$/, '').replace(/\/\.\.\.$/, '')) : undefined;
      output = name && name !== '.' && !name.includes('$') ? `${gobin}/${name}` : undefined;
    }
    const prefix = raw.slice(0, at).replace(/\\\r?\n/g, ' ').split(/&&|\|\||[;|\n]/).pop() ?? '';
    out.push({ run, at: start + at, afterVerb: start + at + m[0].length, segment, words, install, output, prefix });
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
