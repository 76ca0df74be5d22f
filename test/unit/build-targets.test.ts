/**
 * Which stage ships, read from the project's build files: one table per format (the
 * files of a project in, the target and its source for one Dockerfile out), then the
 * precedence between formats and over the distroless configuration, on disk.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildTargetFor, buildTargetsOfRun } from '../../server/src/host/buildTargets';
import { parseBakeHcl } from '../../server/src/host/buildTargets/bakeHcl';
import { makeProject, runCli } from '../support/cli';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'url';
import { DocumentChecker } from '../../server/src/lsp/documentChecker';
import { normalizeSettings, type ServerSettings } from '../../server/src/lsp/settings';
import { shippedStageOf } from '../../server/src/lsp/shippedStage';
import { imageHover } from '../../server/src/lsp/imageHover';
import { URI } from '../../server/src/lsp/uri';

interface TargetCase {
  name: string;
  files: Record<string, string>;
  /** The Dockerfile asked about, relative to the project root. */
  dockerfile?: string;
  /** `target <- source`, or undefined when no build file names a target for it. */
  expect: string | undefined;
}

function targetTable(format: string, cases: TargetCase[]): void {
  for (const c of cases) {
    test(`build target (${format}): ${c.name}`, () => {
      const dockerfile = c.dockerfile ?? 'Dockerfile';
      const root = makeProject({ [dockerfile]: 'FROM debian:13 AS dev\nFROM gcr.io/distroless/static-debian13 AS prod\n', ...c.files });
      const answer = buildTargetFor(path.join(root, dockerfile));
      assert.equal(answer ? `${answer.target} <- ${answer.source}` : undefined, c.expect);
    });
  }
}

targetTable('compose', [
  {
    name: 'build.target of the service that builds this Dockerfile',
    files: { 'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      target: prod\n  db:\n    image: postgres:16\n' },
    expect: 'prod <- target "prod" of service "web" in compose.yaml',
  },
  {
    name: 'the override file replaces the target, as docker compose merges it',
    files: {
      'docker-compose.yml': 'services:\n  web:\n    build:\n      context: .\n      target: dev\n',
      'docker-compose.override.yml': 'services:\n  web:\n    build:\n      target: prod\n',
    },
    expect: 'prod <- target "prod" of service "web" in docker-compose.override.yml',
  },
  {
    name: 'a dockerfile in a sub-folder, relative to its context, with ${VAR:-default}',
    dockerfile: 'app/Dockerfile.prod',
    files: { 'compose.yml': 'services:\n  api:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.prod\n      target: ${TARGET:-prod}\n' },
    expect: 'prod <- target "prod" of service "api" in ../compose.yml',
  },
  {
    name: 'a target from a variable without default is unknown',
    files: { 'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      target: ${TARGET}\n' },
    expect: undefined,
  },
  {
    name: 'a service building another Dockerfile says nothing about this one',
    files: { 'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile.dev\n      target: dev\n' },
    expect: undefined,
  },
  {
    name: 'build as a string (context only) builds the last stage: no target',
    files: { 'compose.yaml': 'services:\n  web:\n    build: .\n' },
    expect: undefined,
  },
  {
    name: 'a file that is not valid YAML is skipped',
    files: { 'compose.yaml': 'services:\n  web: [\n' },
    expect: undefined,
  },
]);

targetTable('bake HCL', [
  {
    name: 'a target block with context, dockerfile and target; comments and other blocks around it',
    files: {
      'docker-bake.hcl': '# release\nvariable "TAG" {\n  default = "latest"\n}\ngroup "default" {\n  targets = ["app"]\n}\n// the image\ntarget "app" {\n  context = "."\n  dockerfile = "Dockerfile"\n  target = "prod"\n  tags = ["example/app:${TAG}"]\n  platforms = ["linux/amd64", "linux/arm64"]\n  /* args */\n  args = {\n    GO_VERSION = "1.23"\n  }\n}\n',
    },
    expect: 'prod <- target "prod" of target "app" in docker-bake.hcl',
  },
  {
    name: 'inherits: the target comes from the parent, a variable default fills it',
    files: {
      'docker-bake.hcl': 'variable "STAGE" {\n  default = "prod"\n}\ntarget "_common" {\n  target = "${STAGE}"\n}\ntarget "image" {\n  inherits = ["_common"]\n  tags = [format("x:%s", "1")]\n}\n',
    },
    expect: 'prod <- target "prod" of target "image" in docker-bake.hcl',
  },
  {
    name: 'a target computed by a function is unknown',
    files: { 'docker-bake.hcl': 'target "image" {\n  target = notequal("", X) ? "a" : "b"\n}\n' },
    expect: undefined,
  },
  {
    name: 'a heredoc Dockerfile (dockerfile-inline) is not this file',
    files: { 'docker-bake.hcl': 'target "image" {\n  dockerfile-inline = <<EOT\nFROM alpine\nEOT\n  target = "dev"\n}\n' },
    expect: undefined,
  },
]);

targetTable('bake JSON', [
  {
    name: 'target.<name>.target',
    files: { 'docker-bake.json': JSON.stringify({ target: { app: { context: '.', dockerfile: 'Dockerfile', target: 'prod' } } }) },
    expect: 'prod <- target "prod" of target "app" in docker-bake.json',
  },
]);

targetTable('skaffold', [
  {
    name: 'build.artifacts[].docker.target, in any document of the file',
    files: { 'skaffold.yaml': 'apiVersion: skaffold/v4beta11\nkind: Config\n---\napiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: example/app\n      context: .\n      docker:\n        dockerfile: Dockerfile\n        target: prod\n' },
    expect: 'prod <- target "prod" of artifact "example/app" in skaffold.yaml',
  },
  {
    name: 'an artifact without docker.target builds the last stage',
    files: { 'skaffold.yaml': 'apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: example/app\n' },
    expect: undefined,
  },
]);

targetTable('GitHub workflow', [
  {
    name: 'docker/build-push-action with target, file relative to the repository root',
    dockerfile: 'services/api/Dockerfile',
    files: { '.github/workflows/release.yml': 'on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n          context: services/api\n          file: services/api/Dockerfile\n          target: prod\n          push: true\n' },
    expect: 'prod <- target "prod" of job "image" in ../../.github/workflows/release.yml',
  },
  {
    name: 'file defaults to {context}/Dockerfile',
    files: { '.github/workflows/ci.yaml': 'jobs:\n  build:\n    steps:\n      - uses: docker/build-push-action@v5\n        with:\n          target: prod\n' },
    expect: 'prod <- target "prod" of job "build" in .github/workflows/ci.yaml',
  },
  {
    name: 'a target from an expression is unknown',
    files: { '.github/workflows/ci.yaml': 'jobs:\n  build:\n    steps:\n      - uses: docker/build-push-action@v5\n        with:\n          target: ${{ matrix.target }}\n' },
    expect: undefined,
  },
]);

targetTable('precedence', [
  {
    name: 'CI (the workflow) wins over Compose, and the source names the other answer',
    files: {
      'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      target: dev\n',
      '.github/workflows/ci.yml': 'jobs:\n  build:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          target: prod\n',
    },
    expect: 'prod <- target "prod" of job "build" in .github/workflows/ci.yml (over "dev" in compose.yaml)',
  },
]);

test('build target: the search stops at the repository root', () => {
  const outer = makeProject({ 'compose.yaml': 'services:\n  web:\n    build:\n      context: repo\n      target: prod\n' }, { git: false });
  const repo = path.join(outer, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'Dockerfile'), 'FROM debian:13 AS prod\n');
  assert.equal(buildTargetFor(path.join(repo, 'Dockerfile')), undefined);
});

test('build target: an edited build file is read again', () => {
  const root = makeProject({ Dockerfile: 'FROM debian:13 AS dev\nFROM debian:13 AS prod\n', 'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      target: dev\n' });
  assert.equal(buildTargetFor(path.join(root, 'Dockerfile'))?.target, 'dev');
  fs.writeFileSync(path.join(root, 'compose.yaml'), 'services:\n  web:\n    build:\n      context: .\n      target: prod # now\n');
  assert.equal(buildTargetFor(path.join(root, 'Dockerfile'))?.target, 'prod');
});

test('build target: one run looks at each folder once and answers as buildTargetFor', () => {
  const root = makeProject({
    'app/Dockerfile': 'FROM debian:13 AS dev\nFROM debian:13 AS prod\n',
    'app/Dockerfile.dev': 'FROM debian:13 AS dev\n',
    'compose.yaml': 'services:\n  web:\n    build:\n      context: app\n      target: prod\n  dev:\n    build:\n      context: app\n      dockerfile: Dockerfile.dev\n      target: dev\n',
  });
  const ofRun = buildTargetsOfRun();
  for (const name of ['app/Dockerfile', 'app/Dockerfile.dev', 'app/Dockerfile.other']) {
    assert.deepEqual(ofRun(path.join(root, name)), buildTargetFor(path.join(root, name)), name);
  }
  assert.equal(ofRun(path.join(root, 'app/Dockerfile'))?.source, 'target "prod" of service "web" in ../compose.yaml');
  // Within a run the folders were read once: a later edit is for the next run (buildTargetFor reads it).
  fs.writeFileSync(path.join(root, 'compose.yaml'), 'services:\n  web:\n    build:\n      context: app\n      target: dev\n');
  assert.equal(ofRun(path.join(root, 'app/Dockerfile'))?.target, 'prod');
  assert.equal(buildTargetFor(path.join(root, 'app/Dockerfile'))?.target, 'dev');
  assert.equal(buildTargetsOfRun()(path.join(root, 'app/Dockerfile'))?.target, 'dev');
});

test('bake HCL subset: blocks, labels, strings, lists; other expressions unknown', () => {
  const blocks = parseBakeHcl('target "a" {\n  x = "1"\n  y = ["p", "q"]\n  z = 3\n  w = { k = "v" }\n  nested "n" {\n    v = "in"\n  }\n}\n');
  assert.equal(blocks.length, 1);
  assert.deepEqual([...blocks[0].attributes], [['x', '1'], ['y', ['p', 'q']], ['z', undefined], ['w', undefined]]);
  assert.deepEqual(blocks[0].blocks.map((b) => [b.type, b.labels, [...b.attributes]]), [['nested', ['n'], [['v', 'in']]]]);
});

// ---- the language server: the target in force, where it came from, hover and status ----


const TWO_STAGES = 'FROM gcr.io/distroless/static-debian13:nonroot AS prod\nCOPY app /app\nFROM debian:13 AS dev\nRUN apt-get update && apt-get install -y gdb\n';

function serverOn(project: string, settings: ServerSettings) {
  const checker = new DocumentChecker({
    settingsFor: async () => settings,
    workspaceFolderFor: (uri) => URI.folderOf(uri),
    filePathFor: (uri) => URI.pathOf(uri),
    publish: () => undefined,
    log: () => undefined,
  });
  const document = TextDocument.create(pathToFileURL(path.join(project, 'Dockerfile')).toString(), 'dockerfile', 1, TWO_STAGES);
  return { checker, document };
}

test('server: compose.yaml\'s target ships; the status answer and the hover say where it came from', async () => {
  const project = makeProject({ 'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      target: prod\n' });
  const settings = normalizeSettings({ target: '' });
  const { checker, document } = serverOn(project, settings);
  const result = await checker.analysisOf(document);
  assert.equal(result.model.shipped?.name, 'prod');
  assert.deepEqual(result.diagnoses.filter((d) => d.ruleId === 'package-manager-in-final-stage'), [], 'the dev stage does not ship');
  const source = checker.targetSource(document.uri, settings);
  assert.equal(source, 'target "prod" of service "web" in compose.yaml');
  const status = shippedStageOf(result, source);
  assert.equal(status?.targeted, true);
  assert.equal(status?.targetSource, 'target "prod" of service "web" in compose.yaml');
  const hover = imageHover(result, { line: 0, character: 10 }, undefined, source);
  const text = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
  assert.match(text, /This stage ships: target "prod" of service "web" in compose\\\.yaml\.$/);
});

test('server: the distroless.target setting and the configuration file win over the build files', async () => {
  const project = makeProject({ 'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      target: prod\n' });
  const bySetting = serverOn(project, normalizeSettings({ target: 'dev' }));
  assert.equal((await bySetting.checker.analysisOf(bySetting.document)).model.shipped?.name, 'dev');
  assert.equal(bySetting.checker.targetSource(bySetting.document.uri, normalizeSettings({ target: 'dev' })), 'the distroless.target setting ("dev")');
  fs.writeFileSync(path.join(project, '.distroless.yaml'), 'target: dev\n');
  const byFile = serverOn(project, normalizeSettings({ target: '' }));
  assert.equal((await byFile.checker.analysisOf(byFile.document)).model.shipped?.name, 'dev');
  assert.equal(byFile.checker.targetSource(byFile.document.uri, normalizeSettings({ target: '' })), 'target "dev" in .distroless.yaml');
});

test('CLI: lint and convert ship the stage docker-bake.hcl builds; --target still wins', async () => {
  const project = makeProject({
    Dockerfile: TWO_STAGES,
    'docker-bake.hcl': 'target "default" {\n  target = "prod"\n}\n',
  });
  const bake = await runCli(['lint', '--format', 'json', 'Dockerfile'], { cwd: project });
  const ids = (run: { stdout: string }) => (JSON.parse(run.stdout) as { files: { diagnostics: { ruleId?: string; code?: string }[] }[] }).files[0].diagnostics.map((d) => d.ruleId ?? d.code);
  assert.deepEqual(ids(bake).filter((id) => id === 'package-manager-in-final-stage'), [], 'the dev stage is not what bake builds');
  const flag = await runCli(['lint', '--format', 'json', '--target', 'dev', 'Dockerfile'], { cwd: project });
  assert.ok(ids(flag).includes('package-manager-in-final-stage'), flag.stdout);
  const converted = await runCli(['convert', 'Dockerfile'], { cwd: project });
  assert.equal(converted.stdout, TWO_STAGES, 'prod already ships distroless: nothing to convert');
  const convertedDev = await runCli(['convert', '--target', 'dev', 'Dockerfile'], { cwd: project });
  assert.notEqual(convertedDev.stdout, TWO_STAGES, 'the dev stage would be converted');
});
