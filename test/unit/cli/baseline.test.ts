/**
 * The baseline: `lint --write-baseline` records today's findings, `--baseline` (or the
 * configuration's `baseline` key) reports only new ones. Lines moved, unrelated lines
 * edited, and a new problem added; stale entries said once, as information.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { makeProject, runCli } from '../../support/cli';
import { CORPUS_SKIP, corpusFiles } from '../../support/corpus';

/** Two findings: runs-as-root (line 1) and shell-form-in-shellless-stage (line 3). */
const TODAY = 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD /app --serve\n';

async function lint(root: string, ...args: string[]) {
  return runCli(['lint', ...args], { cwd: root });
}

function findings(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '');
}

test('--write-baseline records every finding by file, rule and fingerprint, and exits 0', async () => {
  const root = makeProject({ 'svc/Dockerfile': TODAY, 'other/Dockerfile': 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD ["/app"]\n' });
  const run = await lint(root, '--write-baseline', 'ci/baseline.json', '.');
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "distroless lint: ci/baseline.json: 2 findings recorded; lint with --baseline ci/baseline.json (or the configuration's baseline key) reports only new ones.\n");
  assert.equal(findings(run.stdout).length, 2, 'the report still shows them');
  const written = JSON.parse(fs.readFileSync(path.join(root, 'ci/baseline.json'), 'utf8'));
  assert.equal(written.version, 1);
  assert.deepEqual(written.findings.map((e: { file: string; rule: string; line: number }) => [e.file, e.rule, e.line]), [
    ['../svc/Dockerfile', 'runs-as-root', 1],
    ['../svc/Dockerfile', 'shell-form-in-shellless-stage', 3],
  ], 'paths are relative to the baseline file, so it can be committed');
  for (const e of written.findings) assert.match(e.fingerprint, /^[0-9a-f]{32}$/);
  // Written twice with nothing changed: the same bytes (no dates), so it diffs cleanly in review.
  const first = fs.readFileSync(path.join(root, 'ci/baseline.json'), 'utf8');
  await lint(root, '--write-baseline', 'ci/baseline.json', '.');
  assert.equal(fs.readFileSync(path.join(root, 'ci/baseline.json'), 'utf8'), first);
});

test('--baseline: lines moved, unrelated lines edited: nothing new; a new problem: only it, and exit 1', async () => {
  const root = makeProject({ Dockerfile: TODAY });
  assert.equal((await lint(root, '--write-baseline', '.distroless-baseline.json', 'Dockerfile')).code, 0);
  const accepted = await lint(root, '--baseline', '.distroless-baseline.json', 'Dockerfile');
  assert.deepEqual([accepted.code, accepted.stdout, accepted.stderr], [0, '', '']);

  // Lines added above, an unrelated line edited (COPY), blank lines and indentation moved.
  fs.writeFileSync(path.join(root, 'Dockerfile'), '# syntax=docker/dockerfile:1\nARG VERSION=1\nFROM gcr.io/distroless/static-debian13\nLABEL version=$VERSION\nCOPY --chmod=755 app /app\n\n\n    CMD /app --serve\n');
  const moved = await lint(root, '--baseline', '.distroless-baseline.json', 'Dockerfile');
  assert.deepEqual([moved.code, moved.stdout, moved.stderr], [0, '', '']);

  // A new problem (a second shell-form instruction) is reported, the accepted ones are not.
  fs.appendFileSync(path.join(root, 'Dockerfile'), 'ENTRYPOINT /app --check\n');
  const added = await lint(root, '--baseline', '.distroless-baseline.json', 'Dockerfile');
  assert.equal(added.code, 1);
  assert.deepEqual(findings(added.stdout).map((l) => l.split(' ').slice(0, 3).join(' ')), ['Dockerfile:9:12 error shell-form-in-shellless-stage']);
  assert.equal(added.stderr, '');
  // The same baseline through JSON: the report holds only the new finding.
  const json = JSON.parse((await lint(root, '--format', 'json', '--baseline', '.distroless-baseline.json', 'Dockerfile')).stdout);
  assert.deepEqual(json.files[0].diagnostics.map((d: { ruleId: string; line: number }) => [d.ruleId, d.line]), [['shell-form-in-shellless-stage', 9]]);
});

test('--baseline counts: a second identical instruction with the same problem is new', async () => {
  const root = makeProject({ Dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nRUN /app --migrate\nCMD ["/app"]\n' });
  await lint(root, '--write-baseline', 'b.json', 'Dockerfile');
  fs.writeFileSync(path.join(root, 'Dockerfile'), 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nRUN /app --migrate\nRUN /app --migrate\nCMD ["/app"]\n');
  const run = await lint(root, '--baseline', 'b.json', 'Dockerfile');
  const before = JSON.parse(fs.readFileSync(path.join(root, 'b.json'), 'utf8')).findings.length;
  assert.ok(before >= 1, 'the RUN has findings in a shell-less stage');
  assert.equal(findings(run.stdout).length, before, 'the copy reports what the original had');
  assert.ok(findings(run.stdout).every((l) => l.startsWith('Dockerfile:4:')), run.stdout);
});

test('stale entries (fixed, or the file is gone) are said once on stderr as information, and do not fail the run', async () => {
  const root = makeProject({ 'a/Dockerfile': TODAY, 'b/Dockerfile': TODAY, 'c/Dockerfile': TODAY });
  await lint(root, '--write-baseline', 'baseline.json', '.');
  // a: the shell form fixed; b: deleted; c: unchanged but not linted in this run (pre-commit passes only changed files).
  fs.writeFileSync(path.join(root, 'a/Dockerfile'), 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD ["/app", "--serve"]\n');
  fs.rmSync(path.join(root, 'b'), { recursive: true });
  const run = await lint(root, '--baseline', 'baseline.json', 'a/Dockerfile');
  assert.equal(run.code, 0);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, [
    'distroless lint: information: baseline.json: 3 baseline entries match no finding any more (fixed, or the file is gone); write the baseline again to drop them:',
    '  a/Dockerfile: shell-form-in-shellless-stage (line 3 when recorded)',
    '  b/Dockerfile: runs-as-root (line 1 when recorded)',
    '  b/Dockerfile: shell-form-in-shellless-stage (line 3 when recorded)',
    '',
  ].join('\n'));
  // Writing again for a/ alone keeps c's entries (not linted), drops a's fixed one and b's (the file is gone).
  await lint(root, '--write-baseline', 'baseline.json', 'a/Dockerfile');
  const files = () => JSON.parse(fs.readFileSync(path.join(root, 'baseline.json'), 'utf8')).findings.map((e: { file: string; rule: string }) => `${e.file} ${e.rule}`);
  assert.deepEqual(files(), ['a/Dockerfile runs-as-root', 'c/Dockerfile runs-as-root', 'c/Dockerfile shell-form-in-shellless-stage']);
  const again = await lint(root, '--baseline', 'baseline.json', '.');
  assert.deepEqual([again.code, again.stdout, again.stderr], [0, '', '']);
});

test('the configuration key baseline (relative to the configuration file) applies without --baseline', async () => {
  const root = makeProject({ 'svc/Dockerfile': TODAY, '.distroless.yaml': 'baseline: ci/distroless-baseline.json\n' });
  await lint(root, '--write-baseline', 'ci/distroless-baseline.json', '.');
  fs.writeFileSync(path.join(root, 'svc/Dockerfile'), `# moved\n${TODAY}`);
  const run = await lint(root, 'svc');
  assert.deepEqual([run.code, run.stdout, run.stderr], [0, '', '']);
  fs.appendFileSync(path.join(root, 'svc/Dockerfile'), 'USER root\n');
  const added = await lint(root, 'svc');
  assert.equal(added.code, 1);
  assert.ok(findings(added.stdout).every((l) => l.startsWith('svc/Dockerfile:5:')), added.stdout);
});

test('a missing or broken baseline is one line and exit 2; a bad configuration value names the key', async () => {
  const root = makeProject({ Dockerfile: TODAY, 'bad.json': '{"findings": 3}', 'config/.distroless.json': '{"baseline": 7}', 'config/Dockerfile': TODAY });
  const missing = await lint(root, '--baseline', 'nope.json', 'Dockerfile');
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "distroless lint: nope.json: no such baseline file. Record today's findings with distroless lint --write-baseline nope.json <paths>, or fix the path.\n");
  const bad = await lint(root, '--baseline', 'bad.json', 'Dockerfile');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^distroless lint: bad\.json: not a distroless baseline \(version 1/);
  const config = await lint(root, 'config/Dockerfile');
  assert.equal(config.code, 2);
  assert.match(config.stderr, /config\/\.distroless\.json: baseline must be the path of the file distroless lint --write-baseline wrote/);
});

test('--write-baseline never overwrites a file that is not a baseline (a Dockerfile, the configuration), nor writes under a file', async () => {
  const config = '{"ignore": ["runs-as-root"]}\n';
  const root = makeProject({ Dockerfile: TODAY, '.distroless.json': config, 'empty.json': '' });
  // `--write-baseline Dockerfile .`: the slip of putting the Dockerfile where the baseline's name goes.
  for (const [name, before] of [['Dockerfile', TODAY], ['.distroless.json', config]]) {
    const run = await lint(root, '--write-baseline', name, '.');
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, `distroless lint: ${name}: exists and is not a distroless baseline, so it was left as it is. Name a new file (e.g. .distroless-baseline.json) or remove this one first.\n`);
    assert.equal(fs.readFileSync(path.join(root, name), 'utf8'), before);
  }
  const under = await lint(root, '--write-baseline', 'Dockerfile/baseline.json', '.');
  assert.equal(under.code, 2);
  assert.match(under.stderr, /^distroless lint: Dockerfile\/baseline\.json: cannot create its folder \(.*\)\. Nothing was written\.\n$/);
  // An empty file (touch) is taken.
  assert.equal((await lint(root, '--write-baseline', 'empty.json', '.')).code, 0);
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, 'empty.json'), 'utf8')).version, 1);
});

test('--stdin with a baseline needs --stdin-filename (findings are recorded by file): usage, exit 2, nothing written', async () => {
  const root = makeProject({ Dockerfile: TODAY });
  for (const flag of ['--write-baseline', '--baseline']) {
    const run = await runCli(['lint', '--stdin', flag, 'b.json'], { cwd: root, stdin: TODAY });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, `distroless lint: ${flag} with --stdin needs --stdin-filename <path>: the baseline records findings by file (see distroless lint --help)\n`);
  }
  assert.ok(!fs.existsSync(path.join(root, 'b.json')));
  const named = await runCli(['lint', '--stdin', '--stdin-filename', 'Dockerfile', '--write-baseline', 'b.json'], { cwd: root, stdin: TODAY });
  assert.equal(named.code, 0, named.stderr);
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, 'b.json'), 'utf8')).findings.length, 2);
});

test('both corpora: a baseline accepts every finding, and still does after a line is inserted below each first FROM', { skip: CORPUS_SKIP }, async () => {
  const files = corpusFiles();
  assert.ok(files.length > 300);
  const project: Record<string, string> = {};
  files.forEach((f, i) => (project[`f${i}/Dockerfile`] = f.text));
  const root = makeProject(project);
  const written = await lint(root, '--format', 'json', '--write-baseline', 'baseline.json', '.');
  assert.notEqual(written.code, 3, written.stderr);
  const recorded = JSON.parse(fs.readFileSync(path.join(root, 'baseline.json'), 'utf8')).findings.length;
  assert.ok(recorded > 500, `the corpus has findings to accept (${recorded})`);
  const same = await lint(root, '--format', 'json', '--baseline', 'baseline.json', '.');
  const count = (stdout: string) => (JSON.parse(stdout).files as Array<{ diagnostics: unknown[] }>).reduce((n, f) => n + f.diagnostics.length, 0);
  assert.equal(count(same.stdout), 0);
  assert.ok(!same.stderr.includes('information:'), same.stderr);
  // Every line below the first FROM moves down by one; no instruction changes.
  files.forEach((f, i) => {
    const lines = f.text.split('\n');
    const from = lines.findIndex((l) => /^\s*FROM\s/i.test(l) && !/\\\s*$/.test(l));
    if (from >= 0) lines.splice(from + 1, 0, '# a line added by a colleague');
    fs.writeFileSync(path.join(root, `f${i}/Dockerfile`), lines.join('\n'));
  });
  const moved = await lint(root, '--format', 'json', '--baseline', 'baseline.json', '.');
  const left = (JSON.parse(moved.stdout).files as Array<{ path: string; diagnostics: Array<{ ruleId: string; line: number }> }>).flatMap((f) => f.diagnostics.map((d) => `${files[Number(f.path.slice(1, f.path.indexOf('/')))].name}:${d.line} ${d.ruleId}`));
  assert.deepEqual(left, []);
  assert.ok(!moved.stderr.includes('information:'), moved.stderr);
});
