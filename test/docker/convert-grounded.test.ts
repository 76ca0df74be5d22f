/**
 * `distroless convert --build` on a real engine: the fixture's original is built through
 * the engine API and read through the archive API, the grounded conversion is built
 * and run, and it answers, has no shell and runs as 65532. The image and container
 * --build made are gone afterwards.
 *
 * go-wrapper: a Go server started by `start.sh` (set -e, export VAR="${VAR:-default}",
 * echo, exec /src/server "$@"), which the static conversion refuses (a shell script)
 * and --build turns into ENV lines and ENTRYPOINT ["/app"].
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { convert } from '../../server/src/engine/testing';
import { diskWorkspace } from '../../server/src/host/workspaceFiles';
import { convertCommand } from '../../server/src/cli/commands/convert';
import { BUILD_LABEL, evidenceFromBuild } from '../../server/src/docker/imageEvidence';
import { OperationCancelledError } from '../../server/src/docker/errors';
import { connectEngine } from '../../server/src/docker/connection';
import { answerOf, capturedIo, docker, engineProblem, imageFiles } from './proof';

const ROOT = path.resolve(__dirname, '../../..');
const STANDINS = path.join(ROOT, 'test/docker/standins.sh');

test('convert --build grounds the conversion in the built image', { timeout: 40 * 60_000 }, async (t) => {
  const problem = engineProblem();
  if (problem) {
    if (process.env.CI === 'true') assert.fail(`CI needs a Docker engine: ${problem}`);
    t.skip(`no Docker engine: ${problem}`);
    return;
  }
  const standins = spawnSync('bash', [STANDINS], { encoding: 'utf8', timeout: 20 * 60_000 });
  assert.equal(standins.status, 0, `stand-in images could not be built:\n${standins.stderr}`);

  await t.test('an ELF program: interpreter and DT_NEEDED closure read through the archive API, with the image\'s library paths', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-elf-'));
    try {
      // No RUN step: apt-get of the Debian stand-in is the program, whose closure is known.
      fs.writeFileSync(path.join(work, 'Dockerfile'), 'FROM local/debian:trixie\nWORKDIR /usr/bin\nCMD ["apt-get", "update"]\n');
      const { docker: engine } = await connectEngine();
      const evidence = await evidenceFromBuild(engine, { contextDir: work, dockerfile: 'Dockerfile' });
      assert.deepEqual([evidence.cmd, evidence.workdir], [['apt-get', 'update'], '/usr/bin']);
      const program = evidence.program;
      assert.equal(program?.path, '/usr/bin/apt-get');
      assert.equal(program?.kind, 'elf');
      assert.match(program?.interpreter ?? '', /^\/lib(?:64)?\/ld-linux-[\w-]+\.so\.\d$/);
      const found = new Map((program?.libraries ?? []).map((l) => [l.soname, l.path]));
      for (const soname of ['libapt-pkg.so.7.0', 'libstdc++.so.6', 'libc.so.6', 'libz.so.1']) assert.match(found.get(soname) ?? '', new RegExp(`/${soname.replace(/[.+]/g, '\\$&')}$`), soname);
      assert.equal([...found.values()].filter((p) => p === undefined).length, 0, 'every library is found where the loader finds it');
      const leftovers = docker(['ps', '-a', '-q', '--filter', `label=${BUILD_LABEL}`]) + docker(['images', '-q', '--filter', `label=${BUILD_LABEL}`]);
      assert.equal(leftovers, '', 'nothing --build created is left');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  await t.test('cancelled mid-step: the step container (still running on the engine) and the layers committed before it are removed', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-cancel-'));
    // A LABEL after FROM marks every later layer and step container: the engine can be asked for exactly this build's.
    const label = `io.distroless.test.cancel=${process.pid}-${Date.now()}`;
    const left = () => docker(['ps', '-a', '-q', '--filter', `label=${label}`]) + docker(['images', '-a', '-q', '--filter', `label=${label}`]);
    try {
      fs.cpSync(path.join(ROOT, 'test/fixtures/apps/go-wrapper'), work, { recursive: true });
      const dockerfile = path.join(work, 'Dockerfile');
      fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace(/^(FROM .*\n)/, `$1LABEL ${label}\n`));
      const { docker: engine } = await connectEngine();
      const abort = new AbortController();
      let stepSeen = false;
      const build = evidenceFromBuild(engine, {
        contextDir: work,
        dockerfile: 'Dockerfile',
        signal: abort.signal,
        onOutput: (line) => {
          if (/^Step \d+\/\d+ : RUN go build/.test(line)) stepSeen = true;
        },
      });
      // Cancelled once `go build` runs in its step container.
      const until = Date.now() + 10 * 60_000;
      while (!(stepSeen && docker(['ps', '-q', '--filter', `label=${label}`]) !== '') && Date.now() < until) await new Promise((r) => setTimeout(r, 300));
      assert.ok(stepSeen, 'the build reached go build');
      abort.abort();
      await assert.rejects(build, OperationCancelledError);
      assert.equal(left(), '', 'nothing of the cancelled build is left when it returns');
    } finally {
      for (const id of docker(['ps', '-a', '-q', '--filter', `label=${label}`]).split('\n').filter(Boolean)) spawnSync('docker', ['rm', '-f', id]);
      for (const id of docker(['images', '-a', '-q', '--filter', `label=${label}`]).split('\n').filter(Boolean)) spawnSync('docker', ['rmi', '-f', id]);
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  await t.test('go-wrapper: the wrapper script becomes ENV + ENTRYPOINT, and the result serves as 65532 without a shell', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-'));
    const tag = 'distroless-proof/go-wrapper';
    const containers: string[] = [];
    try {
      fs.cpSync(path.join(ROOT, 'test/fixtures/apps/go-wrapper'), work, { recursive: true });
      const dockerfile = path.join(work, 'Dockerfile');
      const stat = convert(fs.readFileSync(dockerfile, 'utf8'), { workspace: diskWorkspace(work) });
      assert.equal(stat.ok, false, 'without the image, a shell-script start is refused');

      const cli = capturedIo(ROOT);
      const code = await convertCommand.run(['--build', dockerfile], cli);
      assert.equal(code, 0, cli.err());
      assert.match(cli.err(), /Step \d+\/\d+ : RUN go build -o server \./, 'the build output streams to stderr');
      const converted = cli.out();
      assert.match(converted, /\nENV GREETING="hello from go behind a wrapper"\nENV PORT=8080\nENTRYPOINT \["\/app"\]\n$/);
      const leftovers = docker(['ps', '-a', '-q', '--filter', `label=${BUILD_LABEL}`]) + docker(['images', '-q', '--filter', `label=${BUILD_LABEL}`]);
      assert.equal(leftovers, '', 'nothing --build created is left');

      fs.writeFileSync(path.join(work, 'Dockerfile.distroless'), converted);
      docker(['build', '-q', '-t', `${tag}:before`, work]);
      const before = docker(['run', '-d', `${tag}:before`]);
      containers.push(before);
      assert.equal(await answerOf(before), 'hello from go behind a wrapper as uid 0');
      docker(['build', '-q', '-f', path.join(work, 'Dockerfile.distroless'), '-t', `${tag}:after`, work]);
      const after = docker(['run', '-d', `${tag}:after`]);
      containers.push(after);
      assert.equal(await answerOf(after), 'hello from go behind a wrapper as uid 65532');
      const files = new Set(imageFiles(`${tag}:after`));
      for (const shell of ['bin/sh', 'usr/bin/sh', 'bin/bash', 'bin/dash', 'bin/busybox']) assert.ok(!files.has(shell), `no ${shell}`);
    } finally {
      for (const c of containers) spawnSync('docker', ['rm', '-f', c]);
      spawnSync('docker', ['rmi', '-f', `${tag}:before`, `${tag}:after`], { stdio: 'ignore' });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
