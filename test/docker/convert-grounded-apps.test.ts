/**
 * `distroless convert --build` on a real engine for two apps of issue 24 (the pure half
 * is test/unit/convert/grounded-extensions.test.ts):
 *
 * python-native: a C extension compiled in the build against libyaml (libyaml-dev from
 * apt), which the distroless python3 image lacks. The static conversion ships it without
 * the library (verify names the missing library); --build reads the extension from
 * site-packages, copies libyaml from the build stage, and the result answers as 65532.
 *
 * node-native: the same with a Node-API addon that node-gyp compiles in the build and
 * npm installs under node_modules.
 *
 * python-writes-workdir: an app that writes a pid file and a cache in its working
 * directory, `WORKDIR /root/` run as root. The conversion moves it to /home/nonroot,
 * which the non-root user owns, and the result writes there and answers. Put in a
 * root-owned /app instead, --build says so in the comment, verify names the failed write
 * as permission denied with the fix, and the fix (COPY --chown=65532:65532) answers.
 *
 * Each: original and converted built, run, answering, no shell, non-root.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { convert } from '../../server/src/engine/testing';
import { diskWorkspace } from '../../server/src/host/workspaceFiles';
import { convertCommand } from '../../server/src/cli/commands/convert';
import type { CliIo } from '../../server/src/cli/commands/types';
import { BUILD_LABEL } from '../../server/src/docker/imageEvidence';
import { connectEngine } from '../../server/src/docker/connection';
import { verifyConversion } from '../../server/src/docker/verify';
import { answerOf, docker, engineProblem, imageFiles } from './proof';

const ROOT = path.resolve(__dirname, '../../..');
const STANDINS = path.join(ROOT, 'test/docker/standins.sh');
const SHELLS = ['bin/sh', 'usr/bin/sh', 'bin/bash', 'usr/bin/bash', 'bin/dash', 'usr/bin/dash', 'bin/busybox'];

function io(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, stdin: new PassThrough(), cwd: ROOT, env: process.env, out: () => out, err: () => err };
}

async function convertBuild(dockerfile: string): Promise<string> {
  const cli = io();
  const code = await convertCommand.run(['--build', dockerfile], cli);
  assert.equal(code, 0, cli.err());
  const leftovers = docker(['ps', '-a', '-q', '--filter', `label=${BUILD_LABEL}`]) + docker(['images', '-q', '--filter', `label=${BUILD_LABEL}`]);
  assert.equal(leftovers, '', 'nothing --build created is left');
  return cli.out();
}

/** Builds `dockerfile` in `context` as `image`, runs it, and returns its HTTP answer; the container is removed. */
async function served(context: string, dockerfile: string, image: string, cleanup: string[]): Promise<string> {
  docker(['build', '-q', '-f', dockerfile, '-t', image, context]);
  cleanup.push(image);
  const container = docker(['run', '-d', image]);
  try {
    return await answerOf(container);
  } finally {
    spawnSync('docker', ['rm', '-f', container], { stdio: 'ignore' });
  }
}

function assertNoShell(image: string): void {
  const files = new Set(imageFiles(image));
  for (const shell of SHELLS) assert.ok(!files.has(shell), `${image} has no ${shell}`);
}

/** The one `why:` line verify gives for a converted text that fails. */
async function whyOf(work: string, convertedText: string): Promise<string> {
  const { docker: engine, endpoint } = await connectEngine();
  const report = await verifyConversion({ docker: engine, endpoint, contextDir: work, dockerfile: path.join(work, 'Dockerfile'), convertedText, observeSeconds: 5 });
  assert.equal(report.converted.built, true, report.converted.buildOutput);
  assert.equal(report.verified, false, 'the broken conversion is not verified');
  const why = report.problems.filter((p) => p.startsWith('why: '));
  assert.equal(why.length, 1, `one cause among: ${report.problems.join(' | ')}; output: ${report.converted.logs}`);
  return why[0];
}

test('convert --build: a native extension and a written working directory', { timeout: 40 * 60_000 }, async (t) => {
  const problem = engineProblem();
  if (problem) {
    if (process.env.CI === 'true') assert.fail(`CI needs a Docker engine: ${problem}`);
    t.skip(`no Docker engine: ${problem}`);
    return;
  }
  const standins = spawnSync('bash', [STANDINS], { encoding: 'utf8', timeout: 20 * 60_000 });
  assert.equal(standins.status, 0, `stand-in images could not be built:\n${standins.stderr}`);

  await t.test('python-native: libyaml, which the extension links and python3 lacks, is copied from the build stage', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-native-'));
    const tag = 'distroless-proof/python-native';
    const images: string[] = [];
    try {
      fs.cpSync(path.join(ROOT, 'test/fixtures/apps/python-native'), work, { recursive: true });
      const dockerfile = path.join(work, 'Dockerfile');
      // From the text alone the conversion cannot know what the extension links: it ships without libyaml.
      const stat = convert(fs.readFileSync(dockerfile, 'utf8'), { workspace: diskWorkspace(work) });
      assert.ok(stat.ok, stat.ok ? '' : stat.reason);
      assert.doesNotMatch(stat.text, /^COPY .*libyaml/m);

      const converted = await convertBuild(dockerfile);
      const copy = /^COPY --from=build (\/(?:usr\/)?lib\/x86_64-linux-gnu\/libyaml-0\.so\.2) \1$/m.exec(converted);
      assert.ok(copy, `the library is copied at the path the build image's loader found it:\n${converted}`);
      assert.match(converted, /^# Libraries native extensions link that the python3 image lacks, read from the built image: libyaml-0\.so\.2 \(yamlver\.cpython-313-x86_64-linux-gnu\.so\)\.$/m);
      fs.writeFileSync(path.join(work, 'Dockerfile.distroless'), converted);

      assert.match(await served(work, dockerfile, `${tag}:before`, images), /^libyaml 0\.\d+\.\d+ as uid 0$/);
      assert.match(await served(work, path.join(work, 'Dockerfile.distroless'), `${tag}:after`, images), /^libyaml 0\.\d+\.\d+ as uid 65532$/);
      assertNoShell(`${tag}:after`);

      // Broken on purpose: the copied library removed (what the static conversion ships).
      const why = await whyOf(work, converted.replace(`${copy[0]}\n`, ''));
      assert.equal(why, 'why: a shared library is missing: libyaml-0.so.2 is not in the runtime image; copy it (and the libraries it links) from the build stage into the same directory, or run distroless convert --build, which finds and copies them');
    } finally {
      if (images.length > 0) spawnSync('docker', ['rmi', '-f', ...images], { stdio: 'ignore' });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  await t.test('node-native: a node-gyp addon linking libyaml, read under node_modules, gets the library copied', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-addon-'));
    const tag = 'distroless-proof/node-native';
    const images: string[] = [];
    try {
      fs.cpSync(path.join(ROOT, 'test/fixtures/apps/node-native'), work, { recursive: true });
      const dockerfile = path.join(work, 'Dockerfile');
      const converted = await convertBuild(dockerfile);
      const copy = /^COPY --from=build (\/(?:usr\/)?lib\/x86_64-linux-gnu\/libyaml-0\.so\.2) \1$/m.exec(converted);
      assert.ok(copy, `the library is copied at the path the build image's loader found it:\n${converted}`);
      assert.match(converted, /^# Libraries native extensions link that the nodejs image lacks, read from the built image: libyaml-0\.so\.2 \(yamlver\.node\)\.$/m);
      assert.doesNotMatch(converted, /libnode/, 'Node.js itself is the runtime\'s');
      fs.writeFileSync(path.join(work, 'Dockerfile.distroless'), converted);

      assert.match(await served(work, dockerfile, `${tag}:before`, images), /^libyaml 0\.\d+\.\d+ as uid 0$/);
      assert.match(await served(work, path.join(work, 'Dockerfile.distroless'), `${tag}:after`, images), /^libyaml 0\.\d+\.\d+ as uid 65532$/);
      assertNoShell(`${tag}:after`);

      const why = await whyOf(work, converted.replace(`${copy[0]}\n`, ''));
      assert.equal(why, 'why: a shared library is missing: libyaml-0.so.2 is not in the runtime image; copy it (and the libraries it links) from the build stage into the same directory, or run distroless convert --build, which finds and copies them');
    } finally {
      if (images.length > 0) spawnSync('docker', ['rmi', '-f', ...images], { stdio: 'ignore' });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  await t.test('python-writes-workdir: WORKDIR /root/ moves to /home/nonroot, which the user owns and writes', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-workdir-'));
    const tag = 'distroless-proof/python-writes-workdir';
    const images: string[] = [];
    try {
      fs.cpSync(path.join(ROOT, 'test/fixtures/apps/python-writes-workdir'), work, { recursive: true });
      const dockerfile = path.join(work, 'Dockerfile');
      const converted = await convertBuild(dockerfile);
      assert.match(converted, /\nWORKDIR \/home\/nonroot\nCOPY --from=build \/root \/home\/nonroot\nCMD \["app\.py"\]\n$/);
      fs.writeFileSync(path.join(work, 'Dockerfile.distroless'), converted);
      assert.equal(await served(work, dockerfile, `${tag}:before`, images), 'wrote /root/app.pid as uid 0');
      assert.equal(await served(work, path.join(work, 'Dockerfile.distroless'), `${tag}:after`, images), 'wrote /home/nonroot/app.pid as uid 65532');
      assertNoShell(`${tag}:after`);
    } finally {
      if (images.length > 0) spawnSync('docker', ['rmi', '-f', ...images], { stdio: 'ignore' });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  await t.test('python-writes-workdir in a root-owned /app: --build says so, verify names permission denied, --chown answers', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-workdir-app-'));
    const tag = 'distroless-proof/python-writes-workdir-app';
    const images: string[] = [];
    try {
      fs.cpSync(path.join(ROOT, 'test/fixtures/apps/python-writes-workdir'), work, { recursive: true });
      const dockerfile = path.join(work, 'Dockerfile');
      fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace('WORKDIR /root/', 'WORKDIR /app'));
      const converted = await convertBuild(dockerfile);
      assert.match(converted, /^# The original ran as root in \/app, which root owns; here the app runs as a non-root user: if it writes there \(a pid or cache file\), make the directory its own with COPY --from=build --chown=65532:65532 \/app \/app before WORKDIR \(verify reports such a write as permission denied\)\.$/m);
      assert.match(converted, /^COPY --from=build \/app \/app$/m);
      assert.equal(await served(work, dockerfile, `${tag}:before`, images), 'wrote /app/app.pid as uid 0');

      // As converted, the write fails: the read-only working directory is the cause verify names.
      const why = await whyOf(work, converted);
      assert.equal(why, 'why: permission denied: /app/app.pid is not writable or readable by the image\'s non-root user (65532); copy that directory from the build stage with --chown=65532:65532 (or mount a volume there), keep WORKDIR out of /root, and use ports from 1024 up');

      // The fix the comment names: the engine's classic builder made WORKDIR /app root's, so the owned copy goes first.
      const fixed = converted.replace(/^WORKDIR \/app\nCOPY --from=build \/app \/app$/m, 'COPY --from=build --chown=65532:65532 /app /app\nWORKDIR /app');
      assert.notEqual(fixed, converted);
      fs.writeFileSync(path.join(work, 'Dockerfile.distroless'), fixed);
      assert.equal(await served(work, path.join(work, 'Dockerfile.distroless'), `${tag}:after`, images), 'wrote /app/app.pid as uid 65532');
      assertNoShell(`${tag}:after`);
    } finally {
      if (images.length > 0) spawnSync('docker', ['rmi', '-f', ...images], { stdio: 'ignore' });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
