/**
 * Go: the binary is built static (CGO_ENABLED=0), stripped and path-trimmed, and
 * shipped alone on static-debian13 (base-debian13 when the code uses cgo).
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { distrolessNativeImage } from '../imageFacts';
import type { Stage } from '../model';
import { basename, optionValue, values } from '../shell';
import { GoBuild, goBuildsFromBase, resolvePath, stageChainFromBase } from '../stages';
import { insertAt, nativeStart } from './common';
import type { LanguageContext, LanguageConverter, PlanResult } from './types';

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
      // A build's binary is wherever later mv/cp put it (GoBuild.paths).
      const byPath = wanted === undefined ? undefined : builds.find((b) => b.paths.includes(wanted));
      const byName = programWord === undefined ? undefined : builds.find((b) => b.paths.some((p) => basename(p) === basename(programWord)));
      let chosen = byPath ?? byName;
      if (!chosen && builds.length === 1 && (!copied || builds[0].output === undefined)) chosen = builds[0];
      if (!chosen) {
        return { refuse: `none of the ${builds.length} go build commands visibly produces ${programWord ?? 'the program'}: give the build an -o path and start that path` };
      }
      if (chosen.output === undefined) {
        if (chosen.tool) return { refuse: 'the binary comes from go install tool, which installs the tools go.mod declares (Go 1.24), not the program: build it with go build -o <path> and start that path' };
        if (chosen.install) return { refuse: 'the binary comes from go install without a known name: build it with go build -o <path> and start that path' };
        if (chosen.command.exec) return { refuse: 'the go build runs in exec form without -o, so its binary has no known path: give it -o <path> and start that path' };
        outputEdit = insertAt(model, chosen.command.words[1].end, ` -o ${OUT}`);
        artifact = OUT;
      } else {
        artifact = byPath && wanted !== undefined ? wanted : byName ? byName.paths.find((p) => basename(p) === basename(programWord ?? '')) : chosen.paths[chosen.paths.length - 1] ?? chosen.output;
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
