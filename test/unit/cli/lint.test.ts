/**
 * `distroless lint`: exact output per format for a fixture, SARIF against the official
 * 2.1.0 schema, exit codes, --fix, --stdin, globs, configuration, and bad input.
 * Golden files: test/fixtures/cli/golden/expected.*; UPDATE_GOLDEN=1 rewrites them
 * (review the diff: it is the CLI's output contract).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { pathToFileURL } from 'url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { analyze, fixAll } from '../../../server/src/engine/testing';
import { makeProject, repoRoot, runCli } from '../../support/cli';

const FIXTURES = path.join(repoRoot(), 'test', 'fixtures', 'cli');
const GOLDEN = path.join(FIXTURES, 'golden');
const CWD_PLACEHOLDER = 'file:///CWD/';

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs; if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff`);
}

const SHELL_FORM = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD /app --serve\n';
const CLEAN = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app"]\n';
/** Only a warning (runs-as-root) and no error. */
const WARNING_ONLY = 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD ["/app"]\n';

// ---- exact output ----

test('text output of the fixture is exact', async () => {
  const run = await runCli(['lint', 'golden'], { cwd: FIXTURES });
  assert.equal(run.code, 1);
  assert.equal(run.stderr, '');
  golden('expected.txt', run.stdout);
});

test('JSON output of the fixture is exact', async () => {
  const run = await runCli(['lint', '--format', 'json', 'golden'], { cwd: FIXTURES });
  assert.equal(run.code, 1);
  golden('expected.json', run.stdout);
});

test('SARIF output of the fixture is exact', async () => {
  const run = await runCli(['lint', '--format=sarif', 'golden'], { cwd: FIXTURES });
  assert.equal(run.code, 1);
  const base = pathToFileURL(FIXTURES).href + '/';
  assert.ok(run.stdout.includes(base), 'the %SRCROOT% base is the working folder');
  golden('expected.sarif', run.stdout.split(base).join(CWD_PLACEHOLDER));
});

// ---- SARIF schema ----

function sarifValidator() {
  // The schema is draft-04 and its language-tag pattern is not a valid unicode regexp.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  return ajv.compile(schema);
}

test('SARIF validates against the SARIF 2.1.0 schema, with rules, help links, locations and fixes', async () => {
  const validate = sarifValidator();
  const project = makeProject({ 'a/Dockerfile': SHELL_FORM, 'b/Dockerfile': fs.readFileSync(path.join(GOLDEN, 'Dockerfile')), 'bin.Dockerfile': Buffer.from([0, 1, 2]) });
  const run = await runCli(['lint', '-f', 'sarif', '.'], { cwd: project });
  assert.equal(run.code, 2, 'the binary file is an input error');
  const log = JSON.parse(run.stdout);
  assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
  const [sarifRun] = log.runs;
  const results = sarifRun.results as Array<{ ruleId: string; ruleIndex: number; fixes?: unknown[]; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
  assert.ok(results.some((r) => r.fixes && r.fixes.length > 0), 'fixes are carried');
  for (const r of results) {
    const rule = sarifRun.tool.driver.rules[r.ruleIndex];
    assert.equal(rule.id, r.ruleId, 'ruleIndex points at the rule');
    assert.match(rule.helpUri, new RegExp(`docs/rules\\.md#${r.ruleId}$`));
    assert.ok(rule.help.text.length > 0 && rule.help.markdown.includes(rule.helpUri));
  }
  assert.deepEqual([...new Set(results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri))].sort(), ['a/Dockerfile', 'b/Dockerfile']);
  assert.equal(sarifRun.invocations[0].executionSuccessful, false);
  assert.match(sarifRun.invocations[0].toolExecutionNotifications[0].message.text, /bin\.Dockerfile: this is a binary file/);
  // The validator is not vacuous: a broken log fails it.
  assert.equal(validate({ ...log, version: '2.0.0' }), false);
});

// ---- exit codes and --severity ----

test('exit code 0 when nothing reaches the threshold, 1 when something does', async () => {
  const project = makeProject({ 'clean/Dockerfile': CLEAN, 'warn/Dockerfile': WARNING_ONLY, 'err/Dockerfile': SHELL_FORM });
  assert.equal((await runCli(['lint', 'clean'], { cwd: project })).code, 0);
  assert.equal((await runCli(['lint', 'warn'], { cwd: project })).code, 1, 'default threshold is warning');
  assert.equal((await runCli(['lint', '--severity', 'error', 'warn'], { cwd: project })).code, 0);
  assert.equal((await runCli(['lint', '--severity', 'error', 'err'], { cwd: project })).code, 1);
  assert.equal((await runCli(['lint', '--severity=hint', 'clean'], { cwd: project })).code, 0);
});

test('exit code 2 for bad usage: one line naming the problem', async () => {
  const project = makeProject({ Dockerfile: CLEAN });
  const cases: Array<[string[], string]> = [
    [['lint'], 'distroless lint: name at least one Dockerfile, folder or glob, or pass --stdin (see distroless lint --help)\n'],
    [['lint', '--format', 'xml', '.'], 'distroless lint: unknown format "xml". Use one of text, json, sarif, gitlab, checkstyle (see distroless lint --help)\n'],
    [['lint', '--severity', 'fatal', '.'], 'distroless lint: unknown severity "fatal". Use one of error, warning, information, hint, none (see distroless lint --help)\n'],
    [['lint', '--bogus', '.'], 'distroless lint: unknown option --bogus (see distroless lint --help)\n'],
    [['lint', '--target'], 'distroless lint: --target needs a value: <stage> (see distroless lint --help)\n'],
    [['lint', '--stdin', 'Dockerfile'], 'distroless lint: --stdin reads one Dockerfile from standard input; drop Dockerfile or --stdin (see distroless lint --help)\n'],
    // Not the command line's fault but the file's: no pointer to --help.
    [['lint', '--config', 'missing.yaml', '.'], 'distroless lint: missing.yaml: no such configuration file. Check the path given to --config.\n'],
  ];
  for (const [argv, stderr] of cases) {
    const run = await runCli(argv, { cwd: project });
    assert.deepEqual([run.code, run.stderr, run.stdout], [2, stderr, ''], argv.join(' '));
  }
});

// ---- --fix ----

test('--fix rewrites files with the same edits as the editor fix-all and reports what remains', async () => {
  const original = fs.readFileSync(path.join(GOLDEN, 'Dockerfile'), 'utf8');
  const project = makeProject({ 'svc/Dockerfile': original, 'svc/.distroless.yaml': 'rules:\n  go-cgo-enabled-for-static: "off"\n' });
  const run = await runCli(['lint', '--fix', 'svc'], { cwd: project });
  const expected = fixAll(analyze(original, { severities: { 'go-cgo-enabled-for-static': 'off' } }));
  assert.ok(expected.applied.length >= 2);
  assert.equal(fs.readFileSync(path.join(project, 'svc/Dockerfile'), 'utf8'), expected.text);
  assert.match(run.stdout, new RegExp(`^svc/Dockerfile: fixed ${expected.applied.length} problems \\(`));
  assert.equal(run.code, expected.remaining.some((d) => d.severity === 'error' || d.severity === 'warning') ? 1 : 0);
  // Nothing fixable is left, so a second run changes nothing.
  const again = await runCli(['lint', '--fix', 'svc'], { cwd: project });
  assert.equal(fs.readFileSync(path.join(project, 'svc/Dockerfile'), 'utf8'), expected.text);
  assert.doesNotMatch(again.stdout, /fixed/);
});

test('--fix in JSON lists the applied fixes per file', async () => {
  const project = makeProject({ Dockerfile: SHELL_FORM });
  const run = await runCli(['lint', '--fix', '-f', 'json', 'Dockerfile'], { cwd: project });
  const report = JSON.parse(run.stdout);
  assert.deepEqual(report.files[0].fixed, ['shell-form-in-shellless-stage']);
  assert.equal(report.summary.fixed, 1);
  assert.deepEqual(report.files[0].diagnostics, []);
  assert.equal(run.code, 0);
  assert.equal(fs.readFileSync(path.join(project, 'Dockerfile'), 'utf8'), SHELL_FORM.replace('CMD /app --serve', 'CMD ["/app", "--serve"]'));
});

// ---- --stdin ----

test('--stdin lints standard input; with --fix the fixed text goes to stdout and the report to stderr', async () => {
  const project = makeProject({});
  const lintRun = await runCli(['lint', '--stdin'], { cwd: project, stdin: SHELL_FORM });
  assert.equal(lintRun.code, 1);
  assert.match(lintRun.stdout, /^<stdin>:3:5 error shell-form-in-shellless-stage /);
  const fixRun = await runCli(['lint', '--stdin', '--fix'], { cwd: project, stdin: SHELL_FORM });
  assert.equal(fixRun.stdout, SHELL_FORM.replace('CMD /app --serve', 'CMD ["/app", "--serve"]'));
  assert.equal(fixRun.stderr, '<stdin>: fixed 1 problem (shell-form-in-shellless-stage)\n');
  assert.equal(fixRun.code, 0);
});

test('--stdin-filename names the input and finds its configuration', async () => {
  const project = makeProject({ 'svc/.distroless.json': JSON.stringify({ ignore: ['shell-form-in-shellless-stage'] }) });
  const run = await runCli(['lint', '--stdin', '--stdin-filename', 'svc/Dockerfile'], { cwd: project, stdin: SHELL_FORM });
  assert.equal(run.stdout, '');
  assert.equal(run.code, 0);
  const without = await runCli(['lint', '--stdin', '--stdin-filename', 'other/Dockerfile'], { cwd: project, stdin: SHELL_FORM });
  assert.match(without.stdout, /^other\/Dockerfile:3:5 error shell-form-in-shellless-stage/);
});

// ---- files, folders, globs ----

test('files, folders and quoted globs; a glob matching nothing is an error naming it', async () => {
  const project = makeProject({
    'services/api/Dockerfile': SHELL_FORM,
    'services/web/web.Dockerfile': SHELL_FORM,
    'services/web/node_modules/x/Dockerfile': SHELL_FORM,
    'tools/Containerfile': SHELL_FORM,
  });
  const files = (run: { stdout: string }) => [...new Set(run.stdout.split('\n').filter(Boolean).map((l) => l.split(':')[0]))];
  assert.deepEqual(files(await runCli(['lint', 'services'], { cwd: project })), ['services/api/Dockerfile', 'services/web/web.Dockerfile']);
  assert.deepEqual(files(await runCli(['lint', 'services/**/*Dockerfile'], { cwd: project })), ['services/api/Dockerfile', 'services/web/web.Dockerfile']);
  assert.deepEqual(files(await runCli(['lint', 'services/*', 'tools/Containerfile'], { cwd: project })), ['services/api/Dockerfile', 'services/web/web.Dockerfile', 'tools/Containerfile']);
  const none = await runCli(['lint', 'deploy/**/Dockerfile'], { cwd: project });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /deploy\/\*\*\/Dockerfile: the pattern matches no Dockerfile/);
});

// ---- configuration ----

test('configuration is found by walking up from each Dockerfile; CLI flags override it', async () => {
  const twoStages = 'FROM gcr.io/distroless/static-debian13:nonroot AS runtime\nCMD /app\nFROM gcr.io/distroless/static-debian13:nonroot AS other\nCMD ["/app"]\n';
  const project = makeProject({
    '.distroless.yaml': 'rules:\n  shell-form-in-shellless-stage: warning\n',
    'a/Dockerfile': SHELL_FORM,
    'b/.distroless.json': '{ "rules": { "shell-form-in-shellless-stage": "hint" } }',
    'b/deeper/Dockerfile': SHELL_FORM,
    'c/.distroless.yml': 'target: runtime\n',
    'c/Dockerfile': twoStages,
  });
  const run = await runCli(['lint', '.'], { cwd: project });
  assert.match(run.stdout, /^a\/Dockerfile:3:5 warning shell-form-in-shellless-stage/m);
  assert.match(run.stdout, /^b\/deeper\/Dockerfile:3:5 hint shell-form-in-shellless-stage/m, 'the nearest file wins, not merged with the outer one');
  assert.match(run.stdout, /^c\/Dockerfile:2:5 error shell-form-in-shellless-stage/m, 'target from the file picks the first stage');
  const flagged = await runCli(['lint', '--target', 'other', 'c'], { cwd: project });
  assert.equal(flagged.stdout, '', '--target overrides the file');
  const explicit = await runCli(['lint', '--config', 'b/.distroless.json', 'a'], { cwd: project });
  assert.match(explicit.stdout, /^a\/Dockerfile:3:5 hint /, '--config replaces discovery');
});

test('an invalid configuration file is exit 2 with the file, the key and what to do', async () => {
  const project = makeProject({
    'a/.distroless.yaml': 'rules:\n  runs-as-rot: error\n',
    'a/Dockerfile': CLEAN,
    'b/.distroless.json': '{ "severity": "error" }',
    'b/Dockerfile': CLEAN,
    'c/Dockerfile': CLEAN,
  });
  const run = await runCli(['lint', '.'], { cwd: project });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /a\/\.distroless\.yaml: rules\.runs-as-rot: unknown rule id "runs-as-rot"\. Did you mean "runs-as-root"\?/);
  assert.match(run.stderr, /b\/\.distroless\.json: unknown key "severity"\. .*Allowed keys: rules, ignore, registry, target/);
  assert.doesNotMatch(run.stderr, /c\//, 'other files are still linted');
});

test('the preferred registry from the configuration appears in messages and fixes', async () => {
  const project = makeProject({
    '.distroless.yaml': 'registry: registry.example.com/distroless\n',
    'old/Dockerfile': 'FROM registry.example.com/distroless/nodejs20-debian12:nonroot\nCOPY . /app\nCMD ["server.js"]\n',
    'full/Dockerfile': 'FROM golang:1.23\nUSER 65532\nCMD ["/app"]\n',
  });
  const run = await runCli(['lint', '-f', 'json', '.'], { cwd: project });
  const report = JSON.parse(run.stdout);
  const byFile = Object.fromEntries(report.files.map((f: { path: string; diagnostics: Array<{ ruleId: string; message: string; details: string; fixes: Array<{ edits: Array<{ newText: string }> }> }> }) => [f.path, f.diagnostics]));
  const eol = byFile['old/Dockerfile'].find((d: { ruleId: string }) => d.ruleId === 'distroless-end-of-life');
  assert.ok(eol, 'an image under the mirror is recognised as distroless');
  assert.equal(eol.fixes[0].edits[0].newText, 'registry.example.com/distroless/nodejs22-debian13:nonroot');
  const full = byFile['full/Dockerfile'].find((d: { ruleId: string }) => d.ruleId === 'final-stage-full-os');
  assert.match(`${full.message}\n${full.details}`, /registry\.example\.com\/distroless\/static-debian13:nonroot/);
  assert.doesNotMatch(run.stdout, /gcr\.io/);
});

// ---- bad input ----

test('binary, empty and FROM-less files, folders without Dockerfiles: exit 2 and a message naming the file', async () => {
  const project = makeProject({ 'bin/Dockerfile': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 'empty/Dockerfile': ' \n\n', 'notes/Dockerfile': '# just a comment\n', 'docs/readme.md': 'x', 'ok/Dockerfile': SHELL_FORM });
  const cases: Array<[string, RegExp]> = [
    ['bin', /bin\/Dockerfile: this is a binary file, not a Dockerfile/],
    ['empty', /empty\/Dockerfile: the file is empty\. A Dockerfile needs at least a FROM instruction/],
    ['notes', /notes\/Dockerfile: no FROM instruction/],
    ['docs', /docs: no Dockerfile found in this folder/],
    ['nowhere', /nowhere: no such file or folder/],
  ];
  for (const [input, message] of cases) {
    const run = await runCli(['lint', input], { cwd: project });
    assert.equal(run.code, 2, input);
    assert.match(run.stderr, message);
  }
  const mixed = await runCli(['lint', 'bin', 'ok'], { cwd: project });
  assert.equal(mixed.code, 2, 'an unreadable input wins over findings');
  assert.match(mixed.stdout, /^ok\/Dockerfile:3:5 error/m, 'the readable files are still reported');
  const emptyStdin = await runCli(['lint', '--stdin'], { cwd: project, stdin: '' });
  assert.equal(emptyStdin.code, 2);
  assert.match(emptyStdin.stderr, /<stdin>: the file is empty/);
});

test('an unreadable file: exit 2, "permission denied" and the path', async () => {
  const project = makeProject({ 'locked/Dockerfile': SHELL_FORM });
  const file = path.join(project, 'locked/Dockerfile');
  fs.chmodSync(file, 0o000);
  if (process.getuid?.() !== 0) {
    const run = await runCli(['lint', 'locked'], { cwd: project });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /locked\/Dockerfile: cannot read the file \(permission denied\)/);
    return;
  }
  // root reads anything: run the bundled CLI as an unprivileged user instead.
  const cli = path.join(repoRoot(), 'dist', 'cli.js');
  assert.ok(fs.existsSync(cli), 'dist/cli.js is built (npm test builds it)');
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (dir.startsWith(project)) fs.chmodSync(dir, 0o755);
  }
  const run = spawnSync(process.execPath, [cli, 'lint', 'locked'], { cwd: project, uid: 65534, gid: 65534, encoding: 'utf8' });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /locked\/Dockerfile: cannot read the file \(permission denied\)/);
});
