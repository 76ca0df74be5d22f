/**
 * `distroless convert --verify` on a real engine: the Go fixture app is converted,
 * both images are built and run, and the report says what each image is and does; a
 * converted Dockerfile that does not build is reported with its failing step and is
 * not verified; a cancel removes what was created; without an engine the plain
 * conversion is still printed. Nothing labelled by the run survives it.
 *
 * Base images are the stand-ins of standins.sh (no registry here).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { connectEngine } from '../../server/src/docker/connection';
import { OperationCancelledError } from '../../server/src/docker/errors';
import { VERIFY_LABEL, verifyConversion } from '../../server/src/docker/verify';
import { convert } from '../../server/src/engine/testing';
import { diskWorkspace } from '../../server/src/host/workspaceFiles';
import { convertCommand } from '../../server/src/cli/commands/convert';
import { engineOrSkip } from './engine';
import { capturedIo } from './proof';

const ROOT = path.resolve(__dirname, '../../..');
const GO_APP = path.join(ROOT, 'test/fixtures/apps/go');
const STANDINS = path.join(ROOT, 'test/docker/standins.sh');

function copyApp(): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-verify-test-'));
  fs.cpSync(GO_APP, work, { recursive: true });
  return work;
}

/** Containers and images still carrying the verify label (any run): none of ours may remain. */
function leftovers(runLabelValue?: string): string[] {
  const filter = runLabelValue ? `label=${VERIFY_LABEL}=${runLabelValue}` : `label=${VERIFY_LABEL}`;
  const containers = spawnSync('docker', ['ps', '-a', '-q', '--filter', filter], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const images = spawnSync('docker', ['images', '-q', '--filter', filter], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return [...containers.map((c) => `container ${c}`), ...images.map((i) => `image ${i}`)];
}

test('convert --verify on a real engine', { timeout: 20 * 60_000 }, async (t) => {
  if (!(await engineOrSkip(t))) return;
  const standins = spawnSync('bash', [STANDINS], { encoding: 'utf8', timeout: 20 * 60_000 });
  assert.equal(standins.status, 0, `stand-in images could not be built:\n${standins.stderr}`);
  const { docker, endpoint } = await connectEngine();

  await t.test('the CLI reports both images side by side as JSON, verified, and leaves nothing behind', async () => {
    const work = copyApp();
    try {
      const before = new Set(leftovers());
      const cli = capturedIo(ROOT);
      const code = await convertCommand.run(['--verify', '--format', 'json', path.join(work, 'Dockerfile')], cli);
      assert.equal(code, 0, cli.err());
      const report = JSON.parse(cli.out()) as Record<'original' | 'converted', { image: string; sizeBytes: number; hasShell: boolean; user: string; started: boolean; stayedUp: boolean; layers: number; ports: Array<{ port: number; protocol: string; answering: boolean }> }> & { verified: boolean };
      for (const side of ['original', 'converted'] as const) {
        for (const key of ['image', 'sizeBytes', 'hasShell', 'user', 'started', 'ports']) assert.ok(key in report[side], `${side}.${key} is reported`);
        assert.equal(report[side].started, true, `${side} started`);
        assert.equal(report[side].stayedUp, true, `${side} stayed up`);
        assert.deepEqual(report[side].ports, [{ port: 8080, protocol: 'tcp', answering: true }], `${side} answers on its EXPOSEd port`);
      }
      assert.equal(report.original.hasShell, true);
      assert.equal(report.converted.hasShell, false);
      // Read from the running main process: the golang stand-in runs as root, the distroless one as nonroot.
      assert.equal(report.original.user, '0:0');
      assert.equal(report.converted.user, '65532:65532');
      assert.ok(report.converted.sizeBytes < report.original.sizeBytes / 10, 'the converted image is much smaller');
      assert.ok(report.converted.layers < report.original.layers);
      assert.equal(report.verified, true);
      assert.match(cli.err(), /^Building the converted image/m, 'progress is shown on standard error');
      assert.deepEqual(leftovers().filter((l) => !before.has(l)), [], 'every container and image verify created is removed');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  await t.test('a converted Dockerfile that does not build is reported with its failing step and not verified', async () => {
    const work = copyApp();
    try {
      const before = new Set(leftovers());
      const converted = convert(fs.readFileSync(path.join(work, 'Dockerfile'), 'utf8'), { workspace: diskWorkspace(work) });
      assert.ok(converted.ok);
      const broken = converted.text.replace('COPY --from=build /src/server /app', 'COPY --from=build /src/no-such-binary /app');
      assert.notEqual(broken, converted.text);
      const report = await verifyConversion({ docker, endpoint, contextDir: work, dockerfile: path.join(work, 'Dockerfile'), convertedText: broken, observeSeconds: 2 });
      assert.equal(report.verified, false);
      assert.equal(report.original.built, true);
      assert.equal(report.converted.built, false);
      assert.match(report.converted.failedStep ?? '', /COPY --from=build \/src\/no-such-binary \/app/);
      assert.match(report.converted.buildOutput ?? '', /no-such-binary/);
      assert.match(report.problems.join('\n'), /the converted Dockerfile does not build: COPY --from=build \/src\/no-such-binary \/app/);
      assert.deepEqual(leftovers().filter((l) => !before.has(l)), [], 'the original image and its container are removed after a failed converted build');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  await t.test('cancelling while a container runs removes what verify created', async () => {
    const work = copyApp();
    try {
      const before = new Set(leftovers());
      const converted = convert(fs.readFileSync(path.join(work, 'Dockerfile'), 'utf8'), { workspace: diskWorkspace(work) });
      assert.ok(converted.ok);
      const abort = new AbortController();
      await assert.rejects(
        verifyConversion({
          docker, endpoint, contextDir: work, dockerfile: path.join(work, 'Dockerfile'), convertedText: converted.text, observeSeconds: 30, signal: abort.signal,
          onProgress: (m) => {
            if (m.startsWith('Running the original')) setTimeout(() => abort.abort(), 1500);
          },
        }),
        OperationCancelledError,
      );
      assert.deepEqual(leftovers().filter((l) => !before.has(l)), [], 'nothing labelled by the cancelled run remains');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

test('convert --verify without an engine says so and still prints the conversion', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-verify-home-'));
  try {
    const cli = capturedIo(ROOT, { ...process.env, DOCKER_HOST: `unix://${path.join(home, 'no-engine.sock')}`, DOCKER_CONTEXT: '', HOME: home });
    const code = await convertCommand.run(['--verify', path.join(GO_APP, 'Dockerfile')], cli);
    assert.equal(code, 125);
    assert.match(cli.err(), /cannot verify the conversion: No Docker engine answered/);
    assert.match(cli.err(), /the converted Dockerfile follows, NOT verified/);
    const expected = convert(fs.readFileSync(path.join(GO_APP, 'Dockerfile'), 'utf8'), { workspace: diskWorkspace(GO_APP) });
    assert.ok(expected.ok);
    assert.equal(cli.out(), expected.text);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
