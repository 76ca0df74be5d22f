/**
 * The GitHub Action run as a runner runs it: action.yml read for `runs` and the inputs'
 * defaults, every input handed over as INPUT_<NAME> (upper case, hyphens kept), the
 * bundled `main` started with node in the workspace, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY as files. Checks the workflow commands on stdout (annotations),
 * the summary (table, converted Dockerfile as a diff), the outputs and the exit code.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { makeProject, repoRoot } from '../../support/cli';

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
}

const action = parse(fs.readFileSync(path.join(repoRoot(), 'action.yml'), 'utf8')) as ActionYml;

function runAction(workspace: string, given: Record<string, string>) {
  const main = path.join(repoRoot(), action.runs.main);
  assert.ok(fs.existsSync(main), `${action.runs.main} is built (npm run build)`);
  for (const name of Object.keys(given)) assert.ok(name in action.inputs, `action.yml declares the input ${name}`);
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-action-'));
  const outputFile = path.join(files, 'output');
  const summaryFile = path.join(files, 'summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: files,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: files,
    // No engine: findings must not depend on which images this machine has.
    DOCKER_HOST: 'unix:///nonexistent/distroless-test/docker.sock',
  };
  for (const [name, spec] of Object.entries(action.inputs)) env[`INPUT_${name.toUpperCase()}`] = given[name] ?? spec.default ?? '';
  const run = spawnSync(process.execPath, [main], { cwd: workspace, env, encoding: 'utf8', timeout: 60_000 });
  const outputs = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter((l) => l).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, outputs, summary: fs.readFileSync(summaryFile, 'utf8') };
}

const SHELL_FORM = 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD /app --serve\n';
/** Converts to static-debian13 (a Go build shipped on the toolchain image). */
const GO_ON_GOLANG = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n';

test('action.yml: a node24 action whose main is the bundle, with the inputs and outputs of issue 28', () => {
  assert.equal(action.runs.using, 'node24');
  assert.equal(action.runs.main, 'dist/action.js');
  assert.deepEqual(Object.keys(action.inputs).sort(), ['baseline', 'config', 'dockerfile', 'failure-threshold', 'format', 'no-fail', 'output-file']);
  assert.deepEqual(Object.keys(action.outputs).sort(), ['findings', 'results-file']);
});

test('SARIF to a file, annotations per finding, outputs, a summary table; findings fail the step', () => {
  const root = makeProject({ 'svc/api/Dockerfile': SHELL_FORM });
  const run = runAction(root, { 'output-file': 'results/distroless.sarif' });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, [
    "::warning file=svc/api/Dockerfile,line=1,col=6,endLine=1,endColumn=39,title=runs-as-root::Runs as root (no USER, the image's default): use the :nonroot tag",
    '::error file=svc/api/Dockerfile,line=3,col=5,endLine=3,endColumn=17,title=shell-form-in-shellless-stage::CMD in shell form needs /bin/sh, which this image lacks: use exec form',
    '::error title=distroless::findings at or above the failure threshold (warning); see the annotations and the job summary',
    '',
  ].join('\n'));
  assert.deepEqual(run.outputs, { findings: '2', 'results-file': 'results/distroless.sarif' });
  const sarif = JSON.parse(fs.readFileSync(path.join(root, 'results/distroless.sarif'), 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  assert.deepEqual(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId), ['runs-as-root', 'shell-form-in-shellless-stage']);
  assert.equal(sarif.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri, 'svc/api/Dockerfile');
  assert.match(run.summary, /^## distroless lint\n\n2 findings in 1 Dockerfile \(1 error, 1 warning\); failure threshold: warning\.\n\n\| File \| Line \| Severity \| Rule \| Finding \|\n/);
  assert.ok(run.summary.includes('| `svc/api/Dockerfile` | 3 | error | [shell-form-in-shellless-stage](https://github.com/distroless-tools/distroless-vscode/blob/main/docs/rules.md#shell-form-in-shellless-stage) | CMD in shell form needs /bin/sh, which this image lacks: use exec form |\n'), run.summary);
  assert.ok(!run.summary.includes('Converted'), 'a file already on distroless has nothing to convert');
});

test('failure-threshold and no-fail decide the exit code; the results go to the log without output-file', () => {
  const root = makeProject({ Dockerfile: 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD ["/app"]\n' });
  const errorOnly = runAction(root, { 'failure-threshold': 'error', format: 'json' });
  assert.equal(errorOnly.code, 0, errorOnly.stderr);
  assert.deepEqual(errorOnly.outputs, { findings: '1', 'results-file': '' });
  assert.equal(JSON.parse(errorOnly.stdout.slice(0, errorOnly.stdout.indexOf('\n::'))).summary.warning, 1, 'the JSON report is in the log, before the annotations');
  assert.equal(runAction(root, {}).code, 1);
  const noFail = runAction(root, { 'no-fail': 'true', format: 'checkstyle', 'output-file': 'out/checkstyle.xml' });
  assert.equal(noFail.code, 0);
  assert.match(fs.readFileSync(path.join(root, 'out/checkstyle.xml'), 'utf8'), /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<checkstyle version="4\.3">/);
  const bad = runAction(root, { 'failure-threshold': 'style' });
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '::error title=distroless::failure-threshold: "style" is not one of error, warning, information, hint, none.\n');
});

test('the summary shows the converted Dockerfile as a diff where convert applies', () => {
  const root = makeProject({ 'go/Dockerfile': GO_ON_GOLANG, 'go/go.mod': 'module example.com/app\n\ngo 1.22\n', 'go/main.go': 'package main\n\nfunc main() {}\n' });
  const run = runAction(root, { dockerfile: 'go/Dockerfile', 'no-fail': 'true', format: 'text' });
  assert.equal(run.code, 0, run.stderr);
  const diff = run.summary.slice(run.summary.indexOf('```diff\n') + '```diff\n'.length, run.summary.lastIndexOf('\n```'));
  assert.ok(run.summary.includes('### Converted to distroless\n\n<details><summary>Converted to gcr.io/distroless/static-debian13:nonroot: <code>go/Dockerfile</code>'), run.summary);
  assert.equal(diff.split('\n').slice(0, 4).join('\n'), '--- a/go/Dockerfile\n+++ b/go/Dockerfile\n@@ -1,5 +1,11 @@\n-FROM golang:1.22');
  assert.ok(diff.includes('\n+FROM gcr.io/distroless/static-debian13:nonroot\n'), diff);
  assert.ok(diff.split('\n').slice(3).every((l) => /^[ +-]/.test(l)), 'every line of the hunk is context, removal or addition');
});

test('baseline and dockerfile (several, one per line) inputs; an unreadable input is an error annotation and exit 2', () => {
  const root = makeProject({ 'a/Dockerfile': SHELL_FORM, 'b/Dockerfile': SHELL_FORM });
  const write = spawnSync(process.execPath, [path.join(repoRoot(), 'dist/cli.js'), 'lint', '--write-baseline', '.distroless-baseline.json', 'a', 'b'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, DOCKER_HOST: 'unix:///nonexistent/distroless-test/docker.sock' } });
  assert.equal(write.status, 0, write.stderr);
  fs.appendFileSync(path.join(root, 'b/Dockerfile'), 'USER root\n');
  const run = runAction(root, { dockerfile: 'a/Dockerfile\nb/Dockerfile\n', baseline: '.distroless-baseline.json', format: 'text' });
  assert.equal(run.code, 1);
  assert.deepEqual(run.outputs.findings, String(run.stdout.split('\n').filter((l) => l.startsWith('b/Dockerfile:4:')).length));
  assert.ok(!run.stdout.includes('a/Dockerfile'), 'a/ has only accepted findings');
  // a/ fixed: its entries are stale, one notice lists them.
  fs.writeFileSync(path.join(root, 'a/Dockerfile'), 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app"]\n');
  const stale = runAction(root, { dockerfile: 'a', baseline: '.distroless-baseline.json', format: 'text' });
  assert.equal(stale.code, 0, stale.stderr);
  assert.equal(stale.stdout, '::notice title=distroless baseline::.distroless-baseline.json: 2 baseline entries match no finding any more (fixed, or the file is gone); write the baseline again to drop them:%0A  a/Dockerfile: runs-as-root (line 1 when recorded)%0A  a/Dockerfile: shell-form-in-shellless-stage (line 3 when recorded)\n');
  const missing = runAction(root, { dockerfile: 'nope/Dockerfile' });
  assert.equal(missing.code, 2);
  assert.match(missing.stdout, /^::error title=distroless::nope\/Dockerfile: no such file or folder\. /m);
});

test('an output-file that cannot be written is an error annotation and exit 2, not an internal error', () => {
  const root = makeProject({ Dockerfile: SHELL_FORM, 'results/.keep': '' });
  const run = runAction(root, { 'output-file': 'results' });
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stderr, '');
  assert.equal(run.stdout, '::error title=distroless::output-file: results: cannot write it: it is not a regular file. Nothing was written.\n');
});

test('the summary\'s converted Dockerfile follows the config input (a registry mirror), as the lint did', () => {
  const root = makeProject({ 'go/Dockerfile': GO_ON_GOLANG, 'go/go.mod': 'module example.com/app\n\ngo 1.22\n', 'go/main.go': 'package main\n\nfunc main() {}\n', 'ci/distroless.json': '{"registry": "registry.example.com/distroless"}\n' });
  const run = runAction(root, { dockerfile: 'go/Dockerfile', config: 'ci/distroless.json', 'no-fail': 'true', format: 'text' });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.summary.includes('\n+FROM registry.example.com/distroless/static-debian13:nonroot\n'), run.summary);
  assert.ok(!run.summary.includes('gcr.io/distroless'), run.summary);
});
