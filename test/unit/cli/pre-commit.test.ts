/**
 * The `language: node` hook of .pre-commit-hooks.yaml run by the real pre-commit
 * (Debian's package): `pre-commit try-repo <this repository>` on a temporary git
 * repository. pre-commit installs the hook as it would from GitHub (npm install in a
 * clone, npm pack, which builds through prepack, then npm install -g of the tarball)
 * and passes the staged Dockerfiles. The docker_image hook: test/docker/cli-image.test.ts.
 * Outside CI a missing pre-commit skips with the reason; under CI=true it fails.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawnSync } from 'child_process';
import { parse } from 'yaml';
import { repoRoot } from '../../support/cli';

const SHELL_FORM = 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD /app --serve\n';
const NO_FINDINGS = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app"]\n';

test('pre-commit try-repo runs the node hook on the staged Dockerfiles only', { timeout: 900_000 }, (t) => {
  if (spawnSync('pre-commit', ['--version']).status !== 0) {
    if (process.env.CI === 'true') throw new Error('CI=true but pre-commit is missing (apt-get install pre-commit; .ci/run installs it)');
    t.skip('pre-commit is missing: apt-get install pre-commit');
    return;
  }
  const hooks = parse(fs.readFileSync(path.join(repoRoot(), '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; language: string; types: string[] }>;
  const hook = hooks.find((h) => h.language === 'node');
  assert.ok(hook, 'a node hook');
  assert.deepEqual([hook.entry, hook.types], ['distroless lint', ['dockerfile']]);

  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-pre-commit-'));
  // identify (pre-commit's file typing) calls Dockerfile and Dockerfile.<anything> dockerfile.
  const files: Record<string, string> = { 'svc/Dockerfile': SHELL_FORM, 'ok/Containerfile': NO_FINDINGS, 'prod/Dockerfile.prod': SHELL_FORM, 'notes/README.md': 'FROM is a word\n' };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
    fs.writeFileSync(path.join(repo, name), text);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  const env = { ...process.env, PRE_COMMIT_HOME: path.join(repo, '.cache-pre-commit'), PRE_COMMIT_COLOR: 'never' };
  const tryRepo = (...args: string[]) => spawnSync('pre-commit', ['try-repo', repoRoot(), hook.id, ...args], { cwd: repo, env, encoding: 'utf8', timeout: 880_000 });

  const run = tryRepo('--all-files', '--verbose');
  assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /^svc\/Dockerfile:1:6 warning runs-as-root /m);
  assert.match(run.stdout, /^svc\/Dockerfile:3:5 error shell-form-in-shellless-stage CMD in shell form needs \/bin\/sh/m);
  assert.match(run.stdout, /^prod\/Dockerfile\.prod:3:5 error shell-form-in-shellless-stage /m);
  assert.ok(!/notes\//.test(run.stdout), `a file that is not a Dockerfile is not passed:\n${run.stdout}`);

  // Fixed and staged: the hook passes; the installed environment is reused.
  fs.writeFileSync(path.join(repo, 'svc/Dockerfile'), NO_FINDINGS);
  fs.writeFileSync(path.join(repo, 'prod/Dockerfile.prod'), NO_FINDINGS);
  git('add', '.');
  const fixed = tryRepo('--all-files');
  assert.equal(fixed.status, 0, `${fixed.stdout}\n${fixed.stderr}`);
  assert.match(fixed.stdout, /distroless lint\.+Passed/);
});
