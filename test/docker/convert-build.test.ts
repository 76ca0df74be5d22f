/**
 * Proof on a real Docker engine: each fixture app's Dockerfile (one per conversion pattern) is
 * converted, both versions are built (on stand-in base images made from Debian
 * packages, see standins.sh), the converted image serves HTTP, has no shell and
 * runs as 65532. Sizes before and after are printed.
 *
 * Needs a Docker engine (DOCKER_HOST or the default socket) and, on the first
 * run, debootstrap and Debian's package mirror. Outside CI a missing engine skips
 * the test with the reason; in CI (CI=true) it fails.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { convert } from '../../server/src/engine/testing';
import { diskWorkspace } from '../../server/src/host/workspaceFiles';
import { answerOf, docker, engineProblem, imageFiles } from './proof';

const ROOT = path.resolve(__dirname, '../../..');
const APPS = path.join(ROOT, 'test/fixtures/apps');
const STANDINS = path.join(ROOT, 'test/docker/standins.sh');
const REQUIRED = process.env.CI === 'true';

interface App {
  /** The folder under test/fixtures/apps. */
  dir: string;
  language: string;
  runtimeImage: string;
  /** What the original answers; undefined when its base image has no offline stand-in (only the conversion is built). */
  original?: RegExp;
  /** What the converted app answers: proves it runs as nonroot too. */
  answer: RegExp;
}

const GO = 'gcr.io/distroless/static-debian13:nonroot';
const NODE = 'gcr.io/distroless/nodejs22-debian13:nonroot';
const PYTHON = 'gcr.io/distroless/python3-debian13:nonroot';
const AS_ROOT = (language: string) => new RegExp(`^hello from ${language} as (uid 0|user root)$`);

const APPS_UNDER_TEST: App[] = [
  { dir: 'go', language: 'go', runtimeImage: GO, original: AS_ROOT('go'), answer: /^hello from go as uid 65532$/ },
  // go build -o, then mv into /usr/local/bin: the binary is copied from where mv put it.
  { dir: 'go-mv', language: 'go', runtimeImage: GO, original: AS_ROOT('go'), answer: /^hello from go as uid 65532$/ },
  // go build without -o (named after the module), then mv.
  { dir: 'go-default-mv', language: 'go', runtimeImage: GO, original: AS_ROOT('go'), answer: /^hello from go as uid 65532$/ },
  // WORKDIR /app: the runtime stage makes /app a directory, so the binary must not be copied onto /app.
  { dir: 'go-workdir-app', language: 'go', runtimeImage: GO, original: AS_ROOT('go'), answer: /^hello from go as uid 65532$/ },
  // The main package under cmd/api, built without -o.
  { dir: 'go-cmd', language: 'go', runtimeImage: GO, original: AS_ROOT('go'), answer: /^hello from go as uid 65532$/ },
  { dir: 'node', language: 'node', runtimeImage: NODE, original: AS_ROOT('node'), answer: /^hello from node as uid 65532$/ },
  // mv node_modules /node_modules: shipped at that path, found by walking up from the app folder.
  { dir: 'node-moved-modules', language: 'node', runtimeImage: NODE, original: AS_ROOT('node'), answer: /^hello from node as uid 65532$/ },
  // npm run <script>: the script's node command becomes CMD.
  { dir: 'node-npm-run', language: 'node', runtimeImage: NODE, original: AS_ROOT('node'), answer: /^hello from node as uid 65532$/ },
  { dir: 'python', language: 'python', runtimeImage: PYTHON, original: AS_ROOT('python'), answer: /^hello from python as uid 65532$/ },
  // python -m <package>.
  { dir: 'python-module', language: 'python', runtimeImage: PYTHON, original: AS_ROOT('python'), answer: /^hello from python as uid 65532$/ },
  // pip install --user as a non-root user: the packages are in /home/app/.local, not /root/.local.
  { dir: 'python-user', language: 'python', runtimeImage: PYTHON, original: /^hello from python as uid 1000$/, answer: /^hello from python as uid 65532$/ },
  // Pinned to 3.12 with python3.12 paths: builder and paths move to 3.13 together. No offline 3.12 stand-in, so only the conversion is built.
  { dir: 'python-pinned', language: 'python', runtimeImage: PYTHON, answer: /^hello from python as uid 65532$/ },
  { dir: 'java', language: 'java', runtimeImage: 'gcr.io/distroless/java21-debian13:nonroot', original: AS_ROOT('java'), answer: /^hello from java as user nonroot$/ },
];

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

test('converted fixture apps build, serve, have no shell and run as 65532 on a real engine', { timeout: 60 * 60_000 }, async (t) => {
  const problem = engineProblem();
  if (problem) {
    if (REQUIRED) assert.fail(`CI needs a Docker engine: ${problem}`);
    t.skip(`no Docker engine: ${problem}`);
    return;
  }
  const started = Date.now();
  const standins = spawnSync('bash', [STANDINS], { encoding: 'utf8', timeout: 20 * 60_000 });
  assert.equal(standins.status, 0, `stand-in images could not be built:\n${standins.stderr}`);
  t.diagnostic(`stand-ins ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  for (const app of APPS_UNDER_TEST) {
    await t.test(app.dir, async () => {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), `distroless-proof-${app.dir}-`));
      const tag = `distroless-proof/${app.dir}`;
      const containers: string[] = [];
      try {
        fs.cpSync(path.join(APPS, app.dir), work, { recursive: true });
        const original = fs.readFileSync(path.join(work, 'Dockerfile'), 'utf8');
        const result = convert(original, { workspace: diskWorkspace(work) });
        assert.ok(result.ok, result.ok ? '' : result.reason);
        assert.equal(result.language, app.language);
        assert.equal(result.runtimeImage, app.runtimeImage);
        fs.writeFileSync(path.join(work, 'Dockerfile.distroless'), result.text);

        if (app.original) {
          docker(['build', '-q', '-t', `${tag}:before`, work]);
          const before = docker(['run', '-d', `${tag}:before`]);
          containers.push(before);
          assert.match(await answerOf(before), app.original, 'the original serves');
        }
        docker(['build', '-q', '-f', path.join(work, 'Dockerfile.distroless'), '-t', `${tag}:after`, work]);

        const after = docker(['run', '-d', `${tag}:after`]);
        containers.push(after);
        assert.match(await answerOf(after), app.answer);

        assert.equal(docker(['image', 'inspect', '-f', '{{.Config.User}}', `${tag}:after`]).split(':')[0], '65532');
        const pid = docker(['inspect', '-f', '{{.State.Pid}}', after]);
        const status = fs.existsSync(`/proc/${pid}/status`) ? fs.readFileSync(`/proc/${pid}/status`, 'utf8') : undefined;
        // Only when the engine shares this host's process table; the app's own answer covers the rest.
        if (status) assert.match(status, /^Uid:\s+65532\s/m, 'the container process runs as 65532');

        const files = new Set(imageFiles(`${tag}:after`));
        for (const shell of ['bin/sh', 'usr/bin/sh', 'bin/bash', 'usr/bin/bash', 'bin/dash', 'usr/bin/dash', 'bin/busybox', 'usr/bin/apt-get']) {
          assert.ok(!files.has(shell), `the converted image has no ${shell}`);
        }
        assert.ok(files.size > 0, 'the export listed files');

        const size = (image: string) => Number(docker(['image', 'inspect', '-f', '{{.Size}}', image]));
        const line = `${app.dir}: ${app.original ? `${mib(size(`${tag}:before`))} before, ` : ''}${mib(size(`${tag}:after`))} after (on ${app.runtimeImage} stand-in)`;
        t.diagnostic(line);
        console.log(`image size ${line}`);
      } finally {
        for (const c of containers) spawnSync('docker', ['rm', '-f', c]);
        spawnSync('docker', ['rmi', '-f', `${tag}:before`, `${tag}:after`], { stdio: 'ignore' });
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  }
  t.diagnostic(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
});
