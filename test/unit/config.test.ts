/** Configuration discovery, validation, and precedence with VS Code settings in the server. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { hostPlatform } from '../../server/src/host/platform';
import { ConfigCache, ConfigError, findConfigFile, analysisOptions, readConfigFile, validateConfig } from '../../server/src/host/config';
import { DocumentChecker, INVALID_CONFIGURATION } from '../../server/src/lsp/documentChecker';
import { DEFAULT_SETTINGS, normalizeSettings, ServerSettings } from '../../server/src/lsp/settings';
import { classifyImage } from '../../server/src/engine/testing';
import { convert } from '../../server/src/engine/testing';
import { lint } from '../../server/src/engine/testing';
import { makeProject, runCli } from '../support/cli';

const SHELL_FORM = 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD /app --serve\n';

test('discovery walks up to the nearest file and stops at the repository root', () => {
  const outer = makeProject({ '.distroless.yaml': 'target: x\n' }, { git: false });
  const repo = path.join(outer, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'a/b'), { recursive: true });
  assert.equal(findConfigFile(path.join(repo, 'a/b')), undefined, 'the file above .git is not the project\'s');
  fs.writeFileSync(path.join(repo, '.distroless.json'), '{}');
  assert.equal(findConfigFile(path.join(repo, 'a/b')), path.join(repo, '.distroless.json'));
  fs.writeFileSync(path.join(repo, 'a/.distroless.yml'), 'ignore: []\n');
  assert.equal(findConfigFile(path.join(repo, 'a/b')), path.join(repo, 'a/.distroless.yml'));
  fs.writeFileSync(path.join(repo, 'a/.distroless.json'), '{}');
  assert.throws(() => findConfigFile(path.join(repo, 'a/b')), /\.distroless\.json and \.distroless\.yml are both in .*; keep one of them/);
});

test('JSON and YAML files give the same configuration', () => {
  const project = makeProject({
    'j/.distroless.json': JSON.stringify({ rules: { 'runs-as-root': 'error', 'final-stage-full-os': 'info' }, ignore: ['go-cgo-enabled-for-static'], registry: 'registry.example.com/distroless/', target: 'runtime' }),
    'y/.distroless.yaml': 'rules:\n  runs-as-root: error\n  final-stage-full-os: info\nignore:\n  - go-cgo-enabled-for-static\nregistry: registry.example.com/distroless/\ntarget: runtime\n',
  });
  const expected = {
    rules: { 'runs-as-root': 'error', 'final-stage-full-os': 'information' },
    ignore: ['go-cgo-enabled-for-static'],
    registry: 'registry.example.com/distroless/',
    target: 'runtime',
  };
  assert.deepEqual(readConfigFile(path.join(project, 'j/.distroless.json')), expected);
  assert.deepEqual(readConfigFile(path.join(project, 'y/.distroless.yaml')), expected);
});

test('validation names the key and says what to do', () => {
  const cases: Array<[unknown, RegExp]> = [
    [['a'], /must be a mapping/],
    [{ rule: {} }, /unknown key "rule"\. Did you mean "rules"\?/],
    [{ rules: { 'runs-as-root': 'fatal' } }, /rules\.runs-as-root: "fatal" is not a severity\. Use one of error, warning, information, hint, off/],
    [{ rules: { 'no-such-rule': 'off' } }, /rules\.no-such-rule: unknown rule id "no-such-rule"\. Known ids: /],
    [{ ignore: 'runs-as-root' }, /ignore must be a list of rule ids/],
    [{ ignore: ['runs-as-rooot'] }, /Did you mean "runs-as-root"/],
    [{ registry: 'https://registry.example.com/distroless' }, /has a URL scheme; write it as docker does, without it, e\.g\. registry\.example\.com\/distroless/],
    [{ registry: 'registry.example.com/distroless:latest' }, /not an image repository prefix/],
    [{ target: '' }, /target must be the name of a build stage/],
  ];
  for (const [raw, message] of cases) {
    assert.throws(() => validateConfig(raw, '/p/.distroless.json'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.startsWith('/p/.distroless.json: '), error.message);
      assert.match(error.message, message);
      return true;
    });
  }
});

test('syntax errors name the file and the line', () => {
  const project = makeProject({ 'y/.distroless.yaml': 'rules:\n  runs-as-root: error\n bad: [\n', 'j/.distroless.json': '{ "rules": ' });
  assert.throws(() => readConfigFile(path.join(project, 'y/.distroless.yaml')), /y\/\.distroless\.yaml: not valid YAML at line \d+/);
  assert.throws(() => readConfigFile(path.join(project, 'j/.distroless.json')), /j\/\.distroless\.json: not valid JSON/);
});

test('analysisOptions: ignore turns rules off, rules win over ignore, overrides win over both; empty overrides are unset; the machine adds files, images and the platform', () => {
  const config = { rules: { 'runs-as-root': 'error' as const }, ignore: ['runs-as-root', 'final-stage-full-os'], target: 'runtime', registry: 'mirror.example/distroless', buildArgs: { BASE: 'debian:12' } };
  const workspace = { readFile: () => undefined };
  assert.deepEqual(analysisOptions(config, {}, { workspace, images: {} }), {
    severities: { 'runs-as-root': 'error', 'final-stage-full-os': 'off' }, target: 'runtime', distrolessRegistry: 'mirror.example/distroless',
    buildArgs: { BASE: 'debian:12' }, workspace, images: {}, ...(hostPlatform() ? { platform: hostPlatform() } : {}),
  });
  assert.deepEqual(analysisOptions(config, { rules: {}, target: '' }).target, 'runtime');
  const overridden = analysisOptions(config, { rules: { 'final-stage-full-os': 'hint' }, target: 'other' });
  assert.deepEqual(overridden.severities, { 'runs-as-root': 'error', 'final-stage-full-os': 'hint' });
  assert.equal(overridden.target, 'other');
});

test('analysisOptions: the build files\' stage only when neither override nor file names a target; convertTo from the override over the file; declared images pass through', () => {
  const images = { 'corp/base': { shell: false } };
  assert.equal(analysisOptions({}, {}, { buildTarget: 'prod' }).target, 'prod');
  assert.equal(analysisOptions({ target: 'runtime' }, {}, { buildTarget: 'prod' }).target, 'runtime');
  assert.equal(analysisOptions({ target: 'runtime' }, { target: 'dev' }, { buildTarget: 'prod' }).target, 'dev');
  assert.equal(analysisOptions({ convertTo: 'dhi' }).convertTo, 'dhi');
  assert.equal(analysisOptions({ convertTo: 'dhi' }, { convertTo: 'chainguard' }).convertTo, 'chainguard');
  assert.equal(analysisOptions({}).convertTo, undefined);
  assert.deepEqual(analysisOptions({ images }).declaredImages, images);
});

test('the cache re-reads a file when it changes', () => {
  const project = makeProject({ '.distroless.json': '{ "target": "a" }' });
  const cache = new ConfigCache();
  assert.equal(cache.load(project).config.target, 'a');
  fs.writeFileSync(path.join(project, '.distroless.json'), '{ "target": "bbb" }');
  assert.equal(cache.load(project).config.target, 'bbb');
});

test('images under the configured registry are distroless; others under gcr.io stay distroless', () => {
  assert.equal(classifyImage('registry.example.com/distroless/nodejs22-debian13:nonroot', 'registry.example.com/distroless').family, 'distroless');
  assert.equal(classifyImage('registry.example.com/distroless/nodejs22-debian13:nonroot').family, 'unknown');
  assert.equal(classifyImage('gcr.io/distroless/static-debian13', 'registry.example.com/distroless').family, 'distroless');
});

// ---- the language server's merge ----

function checkerFor(settings: ServerSettings, folder: string) {
  const published: Diagnostic[][] = [];
  const checker = new DocumentChecker({
    settingsFor: async () => settings,
    workspaceFolderFor: () => folder,
    publish: (_uri, _version, diagnostics) => published.push(diagnostics),
    log: () => undefined,
  });
  return { checker, published };
}

const documentIn = (folder: string, text = SHELL_FORM) => TextDocument.create(`file://${folder}/Dockerfile`, 'dockerfile', 1, text);

test('server: the configuration file applies when VS Code settings are left at their defaults', async () => {
  const project = makeProject({ '.distroless.yaml': 'rules:\n  shell-form-in-shellless-stage: hint\n' });
  // What VS Code sends for untouched settings: the contributed defaults.
  const { checker } = checkerFor(normalizeSettings({ rules: {}, target: '' }), project);
  const result = await checker.analysisOf(documentIn(project));
  assert.deepEqual(result.diagnoses.map((d) => [d.ruleId, d.severity]), [['shell-form-in-shellless-stage', 'hint']]);
});

test('server: a VS Code setting the user set wins over the configuration file, rule by rule', async () => {
  const project = makeProject({ '.distroless.yaml': 'rules:\n  shell-form-in-shellless-stage: hint\n  runs-as-root: "off"\ntarget: first\n' });
  const twoStages = 'FROM gcr.io/distroless/static-debian13 AS first\nCMD /a\nFROM gcr.io/distroless/static-debian13:nonroot AS second\nCMD ["/b"]\n';
  const fromFile = await checkerFor(DEFAULT_SETTINGS, project).checker.analysisOf(documentIn(project, twoStages));
  assert.deepEqual(fromFile.diagnoses.map((d) => [d.ruleId, d.severity]), [['shell-form-in-shellless-stage', 'hint']], 'file: target first, runs-as-root off');
  const settings = normalizeSettings({ rules: { 'shell-form-in-shellless-stage': 'error' }, target: '' });
  const mixed = await checkerFor(settings, project).checker.analysisOf(documentIn(project, twoStages));
  assert.deepEqual(mixed.diagnoses.map((d) => [d.ruleId, d.severity]), [['shell-form-in-shellless-stage', 'error']], 'the setting wins for its rule; the file still turns runs-as-root off');
  const retargeted = await checkerFor(normalizeSettings({ rules: {}, target: 'second' }), project).checker.analysisOf(documentIn(project, twoStages));
  assert.deepEqual(retargeted.diagnoses, [], 'the target setting wins');
});

test('server: an invalid configuration file is shown as an error diagnostic and otherwise ignored', async () => {
  const project = makeProject({ '.distroless.json': '{ "rulez": {} }' });
  const { checker, published } = checkerFor({ ...DEFAULT_SETTINGS, diagnosticsDelay: 0 }, project);
  checker.schedule(documentIn(project), 0);
  for (let i = 0; i < 100 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const [diagnostics] = published;
  assert.ok(diagnostics, 'diagnostics were published');
  const config = diagnostics.find((d) => d.code === INVALID_CONFIGURATION);
  assert.ok(config);
  assert.match(config.message, /\.distroless\.json: unknown key "rulez"\. Did you mean "rules"\?/);
  assert.ok(diagnostics.some((d) => d.code === 'shell-form-in-shellless-stage'), 'the rules still run on defaults');
});

test('the configured registry is what the converter and the scratch fix write', () => {
  const registry = 'registry.example.com/distroless';
  const goApp = 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n';
  const converted = convert(goApp, { distrolessRegistry: registry });
  assert.ok(converted.ok && converted.changed);
  if (converted.ok) {
    assert.equal(converted.runtimeImage, 'registry.example.com/distroless/static-debian13:nonroot');
    assert.ok(converted.text.includes('FROM registry.example.com/distroless/static-debian13:nonroot'));
    assert.ok(!converted.text.includes('gcr.io'));
  }
  const scratch = lint('FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT ["/app"]\n', { distrolessRegistry: registry, severities: {} });
  const fix = scratch.diagnoses.find((d) => d.ruleId === 'scratch-prefer-static')?.fixes[0];
  assert.equal(fix?.edits[0].newText, 'registry.example.com/distroless/static-debian13');
});

test('distroless convert, through the CLI dispatcher, takes target and registry from the configuration file', async () => {
  const root = makeProject({
    '.distroless.yaml': 'registry: registry.example.com/distroless\n',
    'svc/Dockerfile': 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n',
  });
  const run = await runCli(['convert', 'svc/Dockerfile'], { cwd: root });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.stdout.includes('FROM registry.example.com/distroless/static-debian13:nonroot'), run.stdout);
  fs.writeFileSync(path.join(root, '.distroless.yaml'), 'registry: https://nope\n');
  const broken = await runCli(['convert', 'svc/Dockerfile'], { cwd: root });
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /\.distroless\.yaml/);
});
