/**
 * The fast reader (a created, never-started container: stats and small reads) against
 * the full one (the exported archive) on the real engine: the same facts on every
 * stand-in image, a large image, and an imported image with a musl loader, symlinked
 * shells and folders; no container is left behind.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DockerService } from '../../server/src/docker';
import { engineOrSkip, findEngine } from './engine';
import { inspectLocalImage, readLocalImageTree } from '../../server/src/docker/images';
import { probeImage, PROBE_LABEL } from '../../server/src/docker/imageProbe';
import { observeImage, pathsToProbe, probedFiles, WANTED_FILES } from '../../server/src/host/imageFacts/observe';
import { LocalImageFacts } from '../../server/src/host/imageFacts';

/** Stand-ins (test/docker/standins.sh) and what they stand for; node:22 is the large one (about 0.5 GB). */
const STANDINS = [
  'gcr.io/distroless/static-debian13:nonroot',
  'gcr.io/distroless/nodejs22-debian13:nonroot',
  'gcr.io/distroless/python3-debian13:nonroot',
  'gcr.io/distroless/java21-debian13:nonroot',
  'python:3.13-slim-trixie',
  'node:22',
];
const IMPORTED = `distroless-image-facts-fast-${process.pid}-${Date.now().toString(36)}/musl:test`;
const BUSYBOX = '/bin/busybox';

let engine: DockerService | undefined;
let work: string | undefined;

before(async () => {
  const found = await findEngine();
  if (found instanceof Error) return;
  engine = found;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-facts-fast-'));
  const root = path.join(work, 'root');
  const put = (file: string, content: string | Buffer, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
    fs.chmodSync(path.join(root, file), mode);
  };
  put('bin/busybox', fs.readFileSync(BUSYBOX), 0o755);
  fs.symlinkSync('busybox', path.join(root, 'bin', 'sh'));
  fs.symlinkSync('missing', path.join(root, 'bin', 'bash'));
  put('bin/ash', 'not executable');
  put('lib/ld-musl-x86_64.so.1', 'ELF', 0o755);
  put('etc/passwd', 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/sbin/nologin\n');
  put('opt/node/bin/node', 'ELF', 0o755);
  fs.mkdirSync(path.join(root, 'usr'));
  fs.symlinkSync('../bin', path.join(root, 'usr', 'bin'));
  fs.symlinkSync('/etc/ssl/real.pem', path.join(root, 'etc', 'ca.pem'));
  fs.mkdirSync(path.join(root, 'etc', 'ssl', 'certs'), { recursive: true });
  fs.symlinkSync('../ca-bundle.pem', path.join(root, 'etc', 'ssl', 'certs', 'ca-certificates.crt'));
  put('etc/ssl/ca-bundle.pem', 'PEM');
  const tarball = path.join(work, 'root.tar');
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
  execFileSync('docker', ['import', '--change', 'ENV PATH=/usr/bin:/opt/node/bin', '--change', 'USER app', tarball, IMPORTED], { stdio: 'pipe' });
});

after(() => {
  if (!engine) return;
  spawnSync('docker', ['rmi', '--force', IMPORTED], { stdio: 'ignore' });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function bothReaders(reference: string) {
  const docker = engine!.docker;
  const config = await inspectLocalImage(docker, reference);
  assert.ok(config, `${reference} is on the engine`);
  const wanted = pathsToProbe(config);
  const probe = await probeImage(docker, config.id, wanted);
  const fast = observeImage(config, probedFiles(config, probe));
  const full = observeImage(config, await readLocalImageTree(docker, config.id, { wanted: WANTED_FILES }));
  return { fast, full, config, probe };
}

function probeContainers(): string {
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=${PROBE_LABEL}`]).toString().trim();
}

test('the fast reader gives the same facts as the export on an imported image (musl, symlinked shells, a dangling bash, /usr/bin -> ../bin)', { timeout: 120_000 }, async (t) => {
  if (!(await engineOrSkip(t))) return;
  const { fast, full } = await bothReaders(IMPORTED);
  assert.deepEqual(fast, full);
  assert.deepEqual(fast.shells, ['/bin/sh']);
  assert.equal(fast.libc, 'musl');
  assert.equal(fast.caBundle, true);
  assert.deepEqual(fast.runtimes, { node: '/opt/node/bin/node' });
  assert.deepEqual(fast.users, [{ name: 'root', uid: 0, gid: 0 }, { name: 'app', uid: 1000, gid: 1000 }]);
});

for (const reference of STANDINS) {
  test(`the fast reader gives the same facts as the export: ${reference}`, { timeout: 300_000 }, async (t) => {
    if (!(await engineOrSkip(t))) return;
    if (spawnSync('docker', ['image', 'inspect', reference], { stdio: 'ignore' }).status !== 0) {
      if (process.env.CI === 'true') throw new Error(`${reference} is missing: build the stand-ins (bash test/docker/standins.sh)`);
      t.skip(`${reference} is not on this engine (bash test/docker/standins.sh builds it)`);
      return;
    }
    const { fast, full, probe } = await bothReaders(reference);
    assert.deepEqual(fast, full);
    // Docker keeps the filesystem mounted for the export, and /etc/passwd came from it (no GET).
    assert.equal(probe.heldMounted, true, 'the export held the filesystem mounted');
    assert.ok(probe.requests <= 50, `about 40 requests, whatever the size (${probe.requests})`);
  });
}

test('the provider reads a large image through a container and a small one by export, and leaves no container', { timeout: 300_000 }, async (t) => {
  if (!(await engineOrSkip(t))) return;
  if (spawnSync('docker', ['image', 'inspect', 'node:22'], { stdio: 'ignore' }).status !== 0) {
    if (process.env.CI === 'true') throw new Error('node:22 is missing: build the stand-ins (bash test/docker/standins.sh)');
    t.skip('node:22 is not on this engine (bash test/docker/standins.sh builds it)');
    return;
  }
  const before = probeContainers();
  const facts = new LocalImageFacts({ cacheDir: null });
  const keys = ['node:22', IMPORTED];
  await facts.load(keys);
  assert.equal(facts.stats.reads, 2);
  assert.equal(facts.stats.probes, 1, 'node:22 (about 0.5 GB) through a container; the 1 MB import by export');
  assert.equal(facts.stats.bytesRead < 10_000_000, true, 'node:22 was not exported');
  const node = facts.peek(keys[0]);
  assert.equal(node?.state, 'observed');
  if (node?.state === 'observed') assert.ok(node.image.runtimes.node, 'node found on PATH');
  assert.equal(probeContainers(), before, 'every probe container is removed');
});
