/**
 * The CLI's container image (Dockerfile at the repository root) on the real engine:
 * both targets built FROM the local stand-ins (test/docker/standins.sh: node:22 and
 * gcr.io/distroless/nodejs22-debian13:nonroot, no registry), the Dockerfile passes our own
 * lint with no finding (base images read from the engine), the default image runs as
 * 65532 with no shell and lints a mounted folder, the debug image has busybox's sh and
 * a `distroless` command; and the pre-commit `docker_image` hook (.pre-commit-hooks.yaml)
 * run by Debian's pre-commit against that image.
 * Outside CI a missing engine (or pre-commit) skips with the reason; under CI=true it fails.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { buildStandins } from './standins';
import { REPO_ROOT } from '../support/paths';

const REQUIRED = process.env.CI === 'true';
const TAG = `distroless-test-cli-image-${process.pid}`;
const IMAGE = `${TAG}:latest`;
const DEBUG_IMAGE = `${TAG}:latest-debug`;
const SHELLS = ['/bin/sh', '/bin/bash', '/usr/bin/sh', '/bin/busybox', '/busybox/sh'];
const NO_FINDINGS = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app"]\n';
const SHELL_FORM = 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD /app --serve\n';

function docker(args: string[], options: { input?: string } = {}) {
  return spawnSync('docker', args, { encoding: 'utf8', input: options.input, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
}

function engineAnswers(): string | undefined {
  const info = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 20_000 });
  return info.status === 0 ? undefined : (info.stderr || info.error?.message || 'docker version failed').trim();
}

/**
 * The CA certificates this machine trusts that the builder image lacks (a TLS-
 * intercepting proxy's): passed as NPM_EXTRA_CA, as the Dockerfile documents, so
 * npm ci in the build reaches the registry here as it does on the host.
 */
function extraCaCertificates(): string {
  const host = process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt';
  if (!fs.existsSync(host)) return '';
  const blocks = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const image = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'cat', 'node:22', '/etc/ssl/certs/ca-certificates.crt']);
  assert.equal(image.status, 0, `reading the builder image's CA bundle: ${image.stderr}`);
  const known = new Set(blocks(image.stdout));
  return blocks(fs.readFileSync(host, 'utf8')).filter((b) => !known.has(b)).join('\n');
}

let skip: string | undefined;
let built = false;

before(async () => {
  skip = engineAnswers();
  if (skip) {
    if (REQUIRED) throw new Error(`CI=true but no Docker engine answers: ${skip}`);
    return;
  }
  await buildStandins();
  const ca = extraCaCertificates();
  for (const [tag, target] of [[IMAGE, undefined], [DEBUG_IMAGE, 'debug']] as const) {
    const build = docker(['build', '-q', '-t', tag, ...(target ? ['--target', target] : []), '--build-arg', `NPM_EXTRA_CA=${ca}`, REPO_ROOT]);
    assert.equal(build.status, 0, `docker build${target ? ` --target ${target}` : ''} failed:\n${(build.stderr ?? String(build.error)).slice(-4000)}`);
  }
  built = true;
});

after(() => {
  if (built) docker(['rmi', IMAGE, DEBUG_IMAGE]);
});

function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-cli-image-'));
  // Readable by the image's user (65532), as a checkout usually is.
  fs.chmodSync(root, 0o755);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(root, name), text, { mode: 0o644 });
  }
  return root;
}

test('the Dockerfile passes our own lint with no finding, its base images read from the engine', (t) => {
  if (skip) return t.skip(`no Docker engine: ${skip}`);
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), 'lint', '--format', 'json', '--failure-threshold', 'hint', 'Dockerfile'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).files[0].diagnostics, []);
});

test('the default image: non-root, no shell, no package manager, lints a mounted folder', (t) => {
  if (skip) return t.skip(`no Docker engine: ${skip}`);
  const config = JSON.parse(docker(['image', 'inspect', IMAGE, '--format', '{{json .Config}}']).stdout);
  assert.equal(config.User, '65532:65532');
  assert.deepEqual(config.Entrypoint, ['/nodejs/bin/node', '/opt/distroless/dist/cli.js']);
  const probe = docker(['run', '--rm', '--network', 'none', '--entrypoint', '/nodejs/bin/node', IMAGE, '-e',
    `const fs = require('fs'); console.log(JSON.stringify({ uid: process.getuid(), present: ${JSON.stringify([...SHELLS, '/usr/bin/apt-get', '/usr/bin/dpkg', '/usr/bin/npm'])}.filter((p) => fs.existsSync(p)) }))`]);
  assert.equal(probe.status, 0, probe.stderr);
  assert.deepEqual(JSON.parse(probe.stdout), { uid: 65532, present: [] });
  const shell = docker(['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', IMAGE, '-c', 'true']);
  assert.notEqual(shell.status, 0, 'no /bin/sh to run');

  const root = project({ 'svc/Dockerfile': SHELL_FORM, 'ok/Dockerfile': NO_FINDINGS });
  const run = docker(['run', '--rm', '--network', 'none', '-v', `${root}:/src:ro`, IMAGE, 'lint', '--format', 'json', '.']);
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(report.files.map((f: { path: string; diagnostics: Array<{ ruleId: string }> }) => [f.path, f.diagnostics.map((d) => d.ruleId)]), [
    ['ok/Dockerfile', []],
    ['svc/Dockerfile', ['runs-as-root', 'shell-form-in-shellless-stage']],
  ]);
  // The default command lints the working folder (/src).
  const clean = project({ Dockerfile: NO_FINDINGS });
  const byDefault = docker(['run', '--rm', '--network', 'none', '-v', `${clean}:/src:ro`, IMAGE]);
  assert.deepEqual([byDefault.status, byDefault.stdout, byDefault.stderr], [0, '', '']);
});

test('the debug image: busybox sh and a distroless command, same user', (t) => {
  if (skip) return t.skip(`no Docker engine: ${skip}`);
  const root = project({ Dockerfile: SHELL_FORM });
  const run = docker(['run', '--rm', '--network', 'none', '-v', `${root}:/src:ro`, '--entrypoint', 'sh', DEBUG_IMAGE, '-c', 'id -u && distroless lint --format gitlab . > /tmp/gl.json; echo "exit $?" && cat /tmp/gl.json']);
  assert.equal(run.status, 0, run.stderr);
  const [uid, exit, ...json] = run.stdout.split('\n');
  assert.deepEqual([uid, exit], ['65532', 'exit 1']);
  assert.deepEqual(JSON.parse(json.join('\n')).map((i: { check_name: string }) => i.check_name), ['runs-as-root', 'shell-form-in-shellless-stage']);
});

test('pre-commit try-repo runs the docker_image hook on the image', (t) => {
  if (skip) return t.skip(`no Docker engine: ${skip}`);
  if (spawnSync('pre-commit', ['--version']).status !== 0) {
    if (REQUIRED) throw new Error('CI=true but pre-commit is missing (apt-get install pre-commit; .ci/run installs it)');
    return t.skip('pre-commit is missing: apt-get install pre-commit');
  }
  const hooks = parse(fs.readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; language: string; types: string[] }>;
  const hook = hooks.find((h) => h.language === 'docker_image');
  assert.ok(hook, 'a docker_image hook');
  assert.deepEqual(hook.types, ['dockerfile']);
  const published = hook.entry.split(' ')[0];
  // The hook names the published image; here it is the one just built, tagged so for the run only.
  if (docker(['image', 'inspect', published]).status === 0) return t.skip(`${published} exists on this engine already: not replaced by a test`);
  assert.equal(docker(['tag', IMAGE, published]).status, 0);
  try {
    const repo = project({ 'svc/Dockerfile': SHELL_FORM, 'ok/Dockerfile': NO_FINDINGS, 'README.md': 'not a Dockerfile\n' });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '.'], { cwd: repo });
    const env = { ...process.env, PRE_COMMIT_HOME: path.join(repo, '.pre-commit-home'), PRE_COMMIT_COLOR: 'never' };
    const run = spawnSync('pre-commit', ['try-repo', REPO_ROOT, hook.id, '--all-files', '--verbose'], { cwd: repo, env, encoding: 'utf8', timeout: 600_000 });
    assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /svc\/Dockerfile:3:5 error shell-form-in-shellless-stage CMD in shell form needs \/bin\/sh/);
    assert.ok(!run.stdout.includes('ok/Dockerfile:'), 'no finding in the clean file');
    fs.writeFileSync(path.join(repo, 'svc/Dockerfile'), NO_FINDINGS);
    execFileSync('git', ['add', '.'], { cwd: repo });
    const fixed = spawnSync('pre-commit', ['try-repo', REPO_ROOT, hook.id, '--all-files'], { cwd: repo, env, encoding: 'utf8', timeout: 600_000 });
    assert.equal(fixed.status, 0, `${fixed.stdout}\n${fixed.stderr}`);
  } finally {
    docker(['rmi', published]);
  }
});
