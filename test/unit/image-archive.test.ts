/**
 * The image archive reader on archives made by the real `tar` and `gzip`, in the
 * layouts the engines write (Docker's legacy `<id>/layer.tar`, OCI `blobs/sha256/…`,
 * Podman's docker-archive with `<hex>.tar` layers), fed in
 * small chunks so every header and body straddles a chunk boundary.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readImageArchive, resolveInTree } from '../../server/src/docker/imageArchive';
import { observeImage, WANTED_FILES } from '../../server/src/host/imageFacts';
import type { LocalImageConfig } from '../../server/src/docker/images';

const LONG_DIR = `opt/${'a-rather-long-directory-name/'.repeat(5)}bin`;

function write(root: string, file: string, content: string, mode = 0o644): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  fs.chmodSync(full, mode);
}

function tarOf(dir: string, out: string, gzip = false): void {
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '--format=gnu', '-C', dir, '-cf', out, '.']);
  if (gzip) {
    execFileSync('gzip', ['-n', out]);
    fs.renameSync(`${out}.gz`, out);
  }
}

/** Three layers: a base, one with whiteouts and a long path, one gzip-compressed replacing /etc/passwd. */
function makeLayers(work: string): string[] {
  const one = path.join(work, 'l1');
  write(one, 'bin/busybox', 'ELF', 0o755);
  fs.symlinkSync('busybox', path.join(one, 'bin', 'sh'));
  write(one, 'bin/ash', 'not executable', 0o644);
  write(one, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
  write(one, 'lib/ld-musl-x86_64.so.1', 'ELF', 0o755);
  write(one, 'opt/tool/old', 'x');
  write(one, 'srv/gone/file', 'x');
  fs.mkdirSync(path.join(one, 'usr'));
  fs.symlinkSync('../bin', path.join(one, 'usr', 'bin'));
  const two = path.join(work, 'l2');
  write(two, 'bin/.wh.busybox', '');
  write(two, 'srv/.wh.gone', '');
  write(two, 'opt/tool/.wh..wh..opq', '');
  write(two, 'opt/tool/new', 'y');
  write(two, `${LONG_DIR}/node`, 'ELF', 0o755);
  write(two, 'busybox/busybox', 'ELF', 0o755);
  fs.symlinkSync('busybox', path.join(two, 'busybox', 'sh'));
  const three = path.join(work, 'l3');
  write(three, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/sbin/nologin\n');
  write(three, 'etc/ssl/certs/ca-certificates.crt', 'PEM');
  const out: string[] = [];
  [one, two, three].forEach((dir, i) => {
    const file = path.join(work, `layer${i + 1}.tar`);
    tarOf(dir, file, i === 2);
    out.push(file);
  });
  return out;
}

function legacyArchive(work: string, layers: string[]): string {
  const dir = path.join(work, 'legacy');
  const names = layers.map((file, i) => {
    const id = crypto.createHash('sha256').update(String(i)).digest('hex');
    fs.mkdirSync(path.join(dir, id), { recursive: true });
    fs.copyFileSync(file, path.join(dir, id, 'layer.tar'));
    return `${id}/layer.tar`;
  });
  fs.writeFileSync(path.join(dir, 'config.json'), '{}');
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['x:1'], Layers: names }]));
  const out = path.join(work, 'legacy.tar');
  // The engine writes manifest.json after the layers: so does this.
  execFileSync('tar', ['-C', dir, '-cf', out, ...names, 'config.json', 'manifest.json']);
  return out;
}

function ociArchive(work: string, layers: string[]): string {
  const dir = path.join(work, 'oci');
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const blob = (content: Buffer): string => {
    const hex = crypto.createHash('sha256').update(content).digest('hex');
    fs.writeFileSync(path.join(dir, 'blobs', 'sha256', hex), content);
    return `blobs/sha256/${hex}`;
  };
  const names = layers.map((file) => blob(fs.readFileSync(file)));
  const config = blob(Buffer.from('{"architecture":"amd64"}'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: config, Layers: names }]));
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const out = path.join(work, 'oci.tar');
  execFileSync('tar', ['-C', dir, '-cf', out, 'oci-layout', 'blobs', 'manifest.json']);
  return out;
}

/** Podman's docker-archive: layers as `<hex>.tar` at the top, `<id>/layer.tar` symlinks to them. */
function podmanArchive(work: string, layers: string[]): string {
  const dir = path.join(work, 'podman');
  fs.mkdirSync(dir, { recursive: true });
  const names = layers.map((file, i) => {
    const hex = crypto.createHash('sha256').update(`layer${i}`).digest('hex');
    fs.copyFileSync(file, path.join(dir, `${hex}.tar`));
    fs.mkdirSync(path.join(dir, `id${i}`));
    fs.symlinkSync(`../${hex}.tar`, path.join(dir, `id${i}`, 'layer.tar'));
    return `${hex}.tar`;
  });
  fs.writeFileSync(path.join(dir, 'config.json'), '{}');
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: 'config.json', Layers: names }]));
  const out = path.join(work, 'podman.tar');
  execFileSync('tar', ['-C', dir, '-cf', out, ...names, 'config.json', ...layers.map((_, i) => `id${i}`), 'manifest.json']);
  return out;
}

const CONFIG: LocalImageConfig = {
  id: 'sha256:' + 'ab'.repeat(32), repoTags: [], repoDigests: [], os: 'linux', architecture: 'amd64', size: 0,
  user: 'app', cmd: ['/busybox/sh'], env: [`PATH=/usr/bin:/${LONG_DIR}`], workingDir: '/', labels: { a: 'b' },
};

for (const layout of ['legacy', 'oci', 'podman'] as const) {
  test(`reads the merged file list of a ${layout} archive, whiteouts and all`, async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-archive-'));
    try {
      const layers = makeLayers(work);
      const archive = layout === 'legacy' ? legacyArchive(work, layers) : layout === 'oci' ? ociArchive(work, layers) : podmanArchive(work, layers);
      const tree = await readImageArchive(fs.createReadStream(archive, { highWaterMark: 333 }), WANTED_FILES);
      assert.equal(tree.bytes, fs.statSync(archive).size);
      const files = [...tree.nodes].filter(([, n]) => n.type !== 'dir').map(([p]) => p).sort();
      assert.deepEqual(files, [
        'bin/ash', 'bin/sh', 'busybox/busybox', 'busybox/sh', 'etc/passwd', 'etc/ssl/certs/ca-certificates.crt',
        'lib/ld-musl-x86_64.so.1', `${LONG_DIR}/node`, 'opt/tool/new', 'usr/bin',
      ]);
      assert.equal(tree.nodes.has('srv/gone'), false, 'a whited-out directory is gone');
      // /bin/sh is a dangling symlink once busybox is whited out; /usr/bin/../bin resolves through the symlink.
      assert.equal(resolveInTree(tree, '/bin/sh'), undefined);
      assert.deepEqual(resolveInTree(tree, '/usr/bin/ash')?.path, 'bin/ash');
      assert.equal(tree.contents.get('etc/passwd')?.toString(), 'root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/sbin/nologin\n');

      assert.deepEqual(observeImage(CONFIG, tree), {
        id: CONFIG.id, user: 'app', entrypoint: undefined, cmd: ['/busybox/sh'], env: CONFIG.env, workingDir: '/', os: 'linux', architecture: 'amd64',
        variant: undefined, labels: { a: 'b' },
        // bin/ash is there but not executable; /bin/sh dangles.
        shells: ['/busybox/sh'],
        runtimes: { node: `/${LONG_DIR}/node` },
        users: [{ name: 'root', uid: 0, gid: 0 }, { name: 'app', uid: 1000, gid: 1001 }],
        libc: 'musl',
        caBundle: true,
      });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
}

test('an archive without manifest.json is refused with a reason', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-archive-'));
  try {
    write(work, 'x/layer.tar', '');
    const out = path.join(work, 'bad.tar');
    execFileSync('tar', ['-C', work, '-cf', out, 'x']);
    await assert.rejects(readImageArchive(fs.createReadStream(out)), /no manifest\.json/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('a very deep tree is read in time linear in its listing (was cubic in its depth: 1,500 folders took 17.8 s)', { timeout: 60_000 }, () => {
  // 3,000 nested folders, each with a file, as an image whose build made a deep tree: finding
  // whether an implicit folder (usr, absent from the listing) has children once sliced every
  // prefix of every path. With the old walk this test runs for minutes and times out.
  const nodes = new Map<string, { type: 'file' | 'dir'; mode: number }>();
  let dir = 'deep';
  for (let i = 0; i < 3000; i++) {
    nodes.set(dir, { type: 'dir', mode: 0o755 });
    nodes.set(`${dir}/f`, { type: 'file', mode: 0o644 });
    dir += '/d';
  }
  nodes.set('usr/bin/node', { type: 'file', mode: 0o755 });
  const tree = { nodes, contents: new Map<string, Buffer>(), bytes: 0 };
  assert.equal(resolveInTree(tree, '/usr/bin/node')?.path, 'usr/bin/node');
  assert.deepEqual(observeImage(CONFIG, tree).runtimes, { node: '/usr/bin/node' });
});
