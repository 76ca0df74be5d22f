/**
 * One Analysis per document version: lint, fix-all, code actions and convert read the
 * same model, so they agree (final-stage-full-os and convert over both corpora, with
 * no configuration, a registry mirror, build args and a target), and a code action
 * request or fix-all on a checked document parses nothing.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, convert, type AnalysisOptions } from '../../server/src/engine/testing';
import { analysisOptions, type DistrolessConfig } from '../../server/src/host/config';
import { diskWorkspace } from '../../server/src/host/workspaceFiles';
import { DocumentChecker } from '../../server/src/lsp/documentChecker';
import { answerConvert } from '../../server/src/lsp/conversion';
import { codeActions } from '../../server/src/lsp/codeActions';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { FIX_ALL_KIND } from '../../server/src/protocol';
import { CORPUS_SKIP, corpusFiles } from '../support/corpus';
import { makeProject, runCli } from '../support/cli';
import { FACTS_DATE } from '../support/ruleTable';

const FULL_OS = 'final-stage-full-os';
const MIRROR = 'mirror.example.com/distroless';

function checkerIn(folder: string) {
  return new DocumentChecker({
    settingsFor: async () => DEFAULT_SETTINGS,
    workspaceFolderFor: () => folder,
    publish: () => undefined,
    log: () => undefined,
  });
}

const documentIn = (folder: string, text: string, version = 1, name = 'Dockerfile') => TextDocument.create(`file://${folder}/${name}`, 'dockerfile', version, text);

// ---- the two cases from issue 22, on every route ----

const ON_MIRROR = `FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /app .
FROM ${MIRROR}/static-debian13:nonroot
COPY --from=build /app /app
ENTRYPOINT ["/app"]
`;

const BASE_FROM_BUILD_ARG = `ARG BASE=gcr.io/distroless/static-debian13:nonroot
FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app .
FROM \${BASE}
COPY --from=build /app /app
ENTRYPOINT ["/app"]
`;

test('a registry mirror: the mirror\'s distroless image is already distroless for lint, convert, the CLI and distroless/convert', async () => {
  const config: DistrolessConfig = { registry: MIRROR };
  const options = analysisOptions(config);
  assert.deepEqual(analyze(ON_MIRROR, options).diagnoses.map((d) => d.ruleId), []);
  assert.deepEqual(convert(ON_MIRROR, options), { ok: true, text: ON_MIRROR, changed: false, language: 'none', runtimeImage: `${MIRROR}/static-debian13:nonroot`, dropped: [] });

  const project = makeProject({ '.distroless.yaml': `registry: ${MIRROR}\n`, Dockerfile: ON_MIRROR });
  const check = await runCli(['convert', '--check', 'Dockerfile'], { cwd: project });
  assert.deepEqual([check.code, check.stderr], [0, '']);
  const printed = await runCli(['convert', 'Dockerfile'], { cwd: project });
  assert.deepEqual([printed.code, printed.stdout, printed.stderr], [0, ON_MIRROR, '']);
  const written = await runCli(['convert', '--write', 'Dockerfile'], { cwd: project });
  assert.deepEqual([written.code, written.stderr], [0, `Dockerfile: already ships on ${MIRROR}/static-debian13:nonroot; nothing to convert\n`]);

  const checker = checkerIn(project);
  const document = documentIn(project, ON_MIRROR);
  const host = { analysis: (uri: string, text: string | undefined) => checker.analysisOfText(uri, document, text) };
  assert.deepEqual(await answerConvert({ textDocument: { uri: document.uri } }, host), { status: 'unchanged', runtimeImage: `${MIRROR}/static-debian13:nonroot` });
  assert.deepEqual(await answerConvert({ textDocument: { uri: document.uri }, text: ON_MIRROR }, host), { status: 'unchanged', runtimeImage: `${MIRROR}/static-debian13:nonroot` });
});

test('build args: FROM ${BASE} with BASE=debian:12 is a full OS for lint, and convert converts it instead of calling it distroless', async () => {
  const options = analysisOptions({ buildArgs: { BASE: 'debian:12' } });
  const analysis = analyze(BASE_FROM_BUILD_ARG, options);
  assert.deepEqual(analysis.diagnoses.filter((d) => d.ruleId === FULL_OS).map((d) => [d.range.start.line, d.message.startsWith('Ships on debian:12, a full OS')]), [[5, true]]);
  const converted = analysis.convert();
  assert.ok(converted.ok && converted.changed, JSON.stringify(converted));
  assert.equal(converted.runtimeImage, 'gcr.io/distroless/static-debian13:nonroot');
  // The same decision without the build arg: the default is distroless, nothing to do.
  assert.deepEqual(analyze(BASE_FROM_BUILD_ARG).diagnoses.filter((d) => d.ruleId === FULL_OS), []);
  assert.equal(convert(BASE_FROM_BUILD_ARG).ok && (convert(BASE_FROM_BUILD_ARG) as { changed: boolean }).changed, false);

  const project = makeProject({ '.distroless.yaml': 'buildArgs:\n  BASE: debian:12\n', Dockerfile: BASE_FROM_BUILD_ARG, 'go.mod': 'module example.com/app\n\ngo 1.23\n' });
  const check = await runCli(['convert', '--check', 'Dockerfile'], { cwd: project });
  assert.deepEqual([check.code, check.stderr], [1, 'Dockerfile: can be converted to gcr.io/distroless/static-debian13:nonroot (run distroless convert --write Dockerfile)\n']);
  const printed = await runCli(['convert', 'Dockerfile'], { cwd: project });
  assert.equal(printed.code, 0, printed.stderr);
  const checker = checkerIn(project);
  const document = documentIn(project, BASE_FROM_BUILD_ARG);
  assert.equal(printed.stdout, (await checker.analysisOf(document)).convert().ok ? ((await checker.analysisOf(document)).convert() as { text: string }).text : '');
  const answer = await answerConvert({ textDocument: { uri: document.uri } }, { analysis: (uri, text) => checker.analysisOfText(uri, document, text) });
  assert.deepEqual([answer.status, answer.status === 'converted' ? answer.text : ''], ['converted', printed.stdout]);
  const lint = await runCli(['lint', '--format', 'json', 'Dockerfile'], { cwd: project });
  assert.ok((JSON.parse(lint.stdout) as { files: Array<{ diagnostics: Array<{ ruleId: string }> }> }).files[0].diagnostics.some((d) => d.ruleId === FULL_OS), lint.stdout);
});

// ---- agreement over both corpora ----

type Variant = { name: string; text: (text: string) => string; options: (text: string) => AnalysisOptions };

/** The ARG names a FROM line reads: a build arg there changes which image a stage runs on. */
function fromArgs(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (!/^\s*FROM\s/i.test(line)) continue;
    for (const m of line.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  }
  return [...names];
}

function firstNamedStage(text: string): string | undefined {
  return /^\s*FROM\s+\S+\s+AS\s+(\S+)/im.exec(text)?.[1];
}

const VARIANTS: Variant[] = [
  { name: 'no configuration', text: (t) => t, options: () => ({}) },
  {
    name: 'a registry mirror',
    text: (t) => t.replace(/gcr\.io\/distroless\//g, `${MIRROR}/`),
    options: () => analysisOptions({ registry: MIRROR }),
  },
  {
    name: 'build args',
    text: (t) => t,
    options: (t) => analysisOptions({ buildArgs: Object.fromEntries(fromArgs(t).map((name) => [name, 'debian:12'])) }),
  },
  { name: 'a target', text: (t) => t, options: (t) => analysisOptions({ target: firstNamedStage(t) }) },
];

test('over both corpora, under each configuration, lint\'s final-stage-full-os and convert agree', { skip: CORPUS_SKIP }, () => {
  const files = corpusFiles();
  assert.ok(files.length > 300, `both corpora read (${files.length} files)`);
  const disagreements: string[] = [];
  const counts = new Map<string, { flagged: number; changed: number; unchanged: number }>();
  for (const variant of VARIANTS) {
    const count = { flagged: 0, changed: 0, unchanged: 0 };
    counts.set(variant.name, count);
    for (const file of files) {
      const text = variant.text(file.text);
      const options = { ...variant.options(text), today: FACTS_DATE, ...(file.folder ? { workspace: diskWorkspace(file.folder) } : {}) };
      const analysis = analyze(text, options);
      const flagged = analysis.diagnoses.some((d) => d.ruleId === FULL_OS);
      const result = analysis.convert();
      const changed = result.ok && result.changed;
      const unchanged = result.ok && !result.changed;
      if (flagged) count.flagged++;
      if (changed) count.changed++;
      if (unchanged) count.unchanged++;
      if (flagged && unchanged) disagreements.push(`${variant.name}: ${file.name}: lint flags ${FULL_OS}, convert says it already ships on ${result.runtimeImage}`);
      if (changed && !flagged) disagreements.push(`${variant.name}: ${file.name}: convert changes it, lint does not flag ${FULL_OS}`);
      // Every route reads the one Analysis: convert() of the text with the same options answers the same.
      assert.deepEqual(convert(text, options), result, `${variant.name}: ${file.name}: convert(text, options) is the Analysis's conversion`);
    }
  }
  assert.deepEqual(disagreements, []);
  // The variants reach the cases they are for: files flagged, converted, and already distroless in each.
  for (const [name, count] of counts) {
    assert.ok(count.flagged > 50 && count.changed > 10 && count.unchanged > 5, `${name}: ${JSON.stringify(count)}`);
  }
});

// ---- parses counted ----

/** Counts dockerfile-ast parses of documents (fixed texts included) while `run` runs. */
async function parsesDuring(run: () => Promise<unknown>): Promise<number> {
  const original = DockerfileParser.parse;
  let count = 0;
  DockerfileParser.parse = (content: string) => {
    // Not the document: tail.ts asks the parser about the last instruction's lines plus a
    // probe LABEL (whether an appended line stands on its own), once per Analysis.
    if (!content.endsWith('\n\nLABEL distroless.probe=1\n')) count++;
    return original.call(DockerfileParser, content);
  };
  try {
    await run();
  } finally {
    DockerfileParser.parse = original;
  }
  return count;
}

const FIXABLE = 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD /app\n';
/** One round fixes it (runs-as-root's tag change is a quick fix only): the fixed text is parsed once, to check it and find what remains. */
const FIXABLE_ROUNDS = 1;
const FIXABLE_APPLIED = ['shell-form-in-shellless-stage'];

test('a code action request and fix-all on a checked document parse nothing; each fix-all round after the first parses once', async () => {
  const project = makeProject({});
  const checker = checkerIn(project);
  const clean = documentIn(project, ON_MIRROR.replace(MIRROR, 'gcr.io/distroless'), 1, 'clean.Dockerfile');
  const fixable = documentIn(project, FIXABLE);
  const everything = { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } };
  const request = (document: TextDocument, only?: string[]) => codeActions(document, { range: everything, context: { diagnostics: [], ...(only ? { only } : {}) } }, checker, { clientCommands: new Set() });

  assert.ok(await parsesDuring(() => checker.analysisOf(fixable)) >= 1, 'checking parses the document');
  await checker.analysisOf(clean);
  assert.equal(await parsesDuring(() => request(fixable, ['quickfix'])), 0, 'quick fixes of a checked document');
  assert.equal(await parsesDuring(() => request(clean)), 0, 'all code actions of a checked document with nothing to fix');
  // The fixed text is a new text: one parse per round that changed it, none for the round read from the check.
  const firstFixAll = await parsesDuring(() => request(fixable, [FIX_ALL_KIND]));
  const fixed = await checker.fixAllNow(fixable);
  assert.notEqual(fixed.text, FIXABLE);
  assert.deepEqual([firstFixAll, fixed.applied], [FIXABLE_ROUNDS, FIXABLE_APPLIED]);
  assert.equal(await parsesDuring(() => request(fixable)), 0, 'a second request for the same version parses nothing');
  // distroless/convert of the checked version reads its Analysis too.
  assert.equal(await parsesDuring(() => answerConvert({ textDocument: { uri: fixable.uri }, text: FIXABLE }, { analysis: (uri, text) => checker.analysisOfText(uri, fixable, text) })), 0);
});


test('new image facts re-analyse the same text without parsing it again', async () => {
  const project = makeProject({});
  let images = {};
  const checker = new DocumentChecker({
    settingsFor: async () => DEFAULT_SETTINGS,
    workspaceFolderFor: () => project,
    publish: () => undefined,
    log: () => undefined,
    images: () => ({ snapshot: () => images, wants: () => false, load: async () => [] }),
  });
  const first = await checker.analysisOf(documentIn(project, FIXABLE, 1));
  images = {};
  checker.forgetResults();
  let second;
  assert.equal(await parsesDuring(async () => { second = await checker.analysisOf(documentIn(project, FIXABLE, 1)); }), 0);
  assert.notEqual(second, first);
});
