/**
 * `distroless convert --build` on the real engine for a runtime stage that installs
 * packages with apt (issue 24's patterns 6 and 5), and verify's diagnosis when the cause
 * is broken on purpose.
 *
 * c-httpd: a C server on GNU libmicrohttpd; the build stage installs libmicrohttpd-dev,
 * the runtime stage libmicrohttpd12t64. --build reads the program's DT_NEEDED closure
 * from the built image and copies every library cc-debian13 lacks (libmicrohttpd and
 * GnuTLS's closure) from the build stage, which the build showed has them; the result
 * answers as 65532 without a shell. Without libgnutls, verify names it.
 *
 * go-tool: a Go server that runs xz, which its runtime stage installs (xz-utils). --build
 * reads xz-utils's files from dpkg's list in the image and refuses naming the package and
 * its programs. Dropping the package (what the refusal offers) converts, and verify
 * names the program the app runs that is missing.
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
import { ExitCode } from '../../server/src/cli/commands/types';
import { BUILD_LABEL } from '../../server/src/docker/imageEvidence';
import { connectEngine } from '../../server/src/docker/connection';
import { verifyConversion } from '../../server/src/docker/verify';
import { engineOrSkip } from './engine';
import { answerOf, capturedIo, docker, imageFiles } from './proof';

const ROOT = path.resolve(__dirname, '../../..');
const STANDINS = path.join(ROOT, 'test/docker/standins.sh');
const SHELLS = ['bin/sh', 'usr/bin/sh', 'bin/bash', 'usr/bin/bash', 'bin/dash', 'usr/bin/dash', 'bin/busybox'];

function leftovers(): string {
  return docker(['ps', '-a', '-q', '--filter', `label=${BUILD_LABEL}`]) + docker(['images', '-q', '--filter', `label=${BUILD_LABEL}`]);
}

/** The problems verify reports that explain the failure (`why: ...`). */
async function whyOf(work: string, convertedText: string): Promise<{ verified: boolean; why: string[]; all: string }> {
  const { docker: engine, endpoint } = await connectEngine();
  const report = await verifyConversion({ docker: engine, endpoint, contextDir: work, dockerfile: path.join(work, 'Dockerfile'), convertedText, observeSeconds: 3 });
  assert.equal(report.converted.built, true, report.converted.buildOutput);
  return { verified: report.verified, why: report.problems.filter((p) => p.startsWith('why: ')), all: `${report.problems.join(' | ')}; output: ${report.converted.logs}` };
}

test('convert --build carries the libraries a runtime stage installs and refuses the tools it installs', { timeout: 40 * 60_000 }, async (t) => {
  if (!(await engineOrSkip(t))) return;
  const standins = spawnSync('bash', [STANDINS], { encoding: 'utf8', timeout: 20 * 60_000 });
  assert.equal(standins.status, 0, `stand-in images could not be built:\n${standins.stderr}`);

  await t.test('c-httpd: the DT_NEEDED closure is copied from the build stage onto cc, and serves as 65532 without a shell', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-c-'));
    const tag = `distroless-proof/c-httpd-${process.pid}`;
    const containers: string[] = [];
    try {
      fs.cpSync(path.join(ROOT, 'test/fixtures/apps/c-httpd'), work, { recursive: true });
      const dockerfile = path.join(work, 'Dockerfile');
      const stat = convert(fs.readFileSync(dockerfile, 'utf8'), { workspace: diskWorkspace(work) });
      assert.equal(stat.ok ? stat.text : stat.reason, 'the start command names server through PATH, so it is unknown which file the build produced: start the binary by its absolute path and convert again');

      const cli = capturedIo(ROOT);
      const code = await convertCommand.run(['--build', dockerfile], cli);
      assert.equal(code, 0, cli.err());
      assert.match(cli.err(), /Reading stage build for the program's libraries/);
      const converted = cli.out();
      const runtime = converted.slice(converted.indexOf('FROM gcr.io/distroless/cc-debian13:nonroot'));
      const copies = runtime.split('\n').filter((l) => l.startsWith('COPY --from=build /lib/'));
      // The closure as Debian's archive has it today: libmicrohttpd, GnuTLS and what GnuTLS links; never glibc, which cc has.
      for (const soname of ['libmicrohttpd.so.12', 'libgnutls.so.30', 'libnettle.so.8', 'libtasn1.so.6']) assert.ok(copies.includes(`COPY --from=build /lib/x86_64-linux-gnu/${soname} /lib/x86_64-linux-gnu/${soname}`), `${soname} is copied:\n${runtime}`);
      assert.ok(!copies.some((c) => /\/(?:libc|libm|libgcc_s|libstdc\+\+)\.so/.test(c)), 'cc\'s own libraries are not copied');
      assert.equal(runtime, ['FROM gcr.io/distroless/cc-debian13:nonroot', 'COPY --from=build /src/server /usr/local/bin/server', 'EXPOSE 8080', ...copies, 'ENTRYPOINT ["/usr/local/bin/server"]', ''].join('\n'));
      assert.equal(leftovers(), '', 'nothing --build created is left');

      docker(['build', '-q', '-t', `${tag}:before`, work]);
      const before = docker(['run', '-d', `${tag}:before`]);
      containers.push(before);
      assert.match(await answerOf(before), /^libmicrohttpd \d+\.\d+\.\d+ as uid 0$/);
      fs.writeFileSync(path.join(work, 'Dockerfile.distroless'), converted);
      docker(['build', '-q', '-f', path.join(work, 'Dockerfile.distroless'), '-t', `${tag}:after`, work]);
      const after = docker(['run', '-d', `${tag}:after`]);
      containers.push(after);
      assert.match(await answerOf(after), /^libmicrohttpd \d+\.\d+\.\d+ as uid 65532$/);
      const files = new Set(imageFiles(`${tag}:after`));
      for (const shell of SHELLS) assert.ok(!files.has(shell), `no ${shell}`);

      // Broken on purpose: one library of the closure left out.
      const broken = converted.replace(/^COPY --from=build \/lib\/x86_64-linux-gnu\/libgnutls\.so\.30 .*\n/m, '');
      assert.notEqual(broken, converted);
      const verdict = await whyOf(work, broken);
      assert.equal(verdict.verified, false);
      assert.deepEqual(verdict.why, ['why: a shared library is missing: libgnutls.so.30 is not in the runtime image; copy it (and the libraries it links) from the build stage into the same directory, or run distroless convert --build, which finds and copies them'], verdict.all);
    } finally {
      for (const c of containers) spawnSync('docker', ['rm', '-f', c]);
      spawnSync('docker', ['rmi', '-f', `${tag}:before`, `${tag}:after`], { stdio: 'ignore' });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  await t.test('go-tool: the tool the runtime stage installs is named in the refusal; without it the app does not start, and verify says why', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-grounded-tool-'));
    const tag = `distroless-proof/go-tool-${process.pid}`;
    const containers: string[] = [];
    try {
      fs.cpSync(path.join(ROOT, 'test/fixtures/apps/go-tool'), work, { recursive: true });
      const dockerfile = path.join(work, 'Dockerfile');
      const text = fs.readFileSync(dockerfile, 'utf8');

      const cli = capturedIo(ROOT);
      const code = await convertCommand.run(['--build', dockerfile], cli);
      assert.equal(code, ExitCode.negative, cli.err());
      assert.equal(cli.out(), '');
      const refusal = cli.err().trim().split('\n').pop();
      assert.match(refusal ?? '', /^\S*Dockerfile: cannot convert: the stage FROM debian:trixie installs xz-utils with apt-get, which puts programs in the image \((?:\/usr\/bin\/[\w-]+, ){1,3}(?:…)?[^)]*\) that \/usr\/local\/bin\/server does not link, so they are there for the app to run, and a distroless image cannot provide them: drop xz-utils if the app never runs them, or keep this stage on a Debian image, and convert again$/);
      assert.match(refusal ?? '', /\/usr\/bin\/xz\b/, 'the program the app runs is among those named');
      assert.equal(leftovers(), '', 'nothing --build created is left');

      docker(['build', '-q', '-t', `${tag}:before`, work]);
      const before = docker(['run', '-d', `${tag}:before`]);
      containers.push(before);
      assert.match(await answerOf(before), /^xz \(XZ Utils\) \d+\.\d+\.\d+ as uid 0$/);

      // Broken on purpose: the package dropped, as the refusal offers; the rest converts, and the app cannot start.
      const dropped = text.replace(/^RUN apt-get update && apt-get install -y --no-install-recommends xz-utils .*\n/m, '');
      assert.notEqual(dropped, text);
      const without = convert(dropped, { workspace: diskWorkspace(work) });
      assert.ok(without.ok, without.ok ? '' : without.reason);
      assert.match(without.text, /\nFROM gcr\.io\/distroless\/static-debian13:nonroot\n/);
      const verdict = await whyOf(work, without.text);
      assert.equal(verdict.verified, false);
      assert.deepEqual(verdict.why, ['why: a program the app runs is missing: xz is not in the runtime image, which has no package manager to install it; keep the stage that installs its package on a Debian image, or change the app so it does not run xz'], verdict.all);
    } finally {
      for (const c of containers) spawnSync('docker', ['rm', '-f', c]);
      spawnSync('docker', ['rmi', '-f', `${tag}:before`], { stdio: 'ignore' });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
