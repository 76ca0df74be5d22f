/**
 * The probe's read of /etc/passwd from the start of a container export (docker/imageProbe.ts):
 * found, absent once the walk has passed its place, or left to a GET (`ask`) when a folder
 * on the way is a link or the file is a link. Tars made by the system's tar in name order,
 * as the engine's export walks.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFromExport } from '../../server/src/docker/imageProbe';

function exportOf(files: Record<string, string | { link: string }>): fs.ReadStream {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-export-'));
  for (const [name, content] of Object.entries(files)) {
    const at = path.join(root, name);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    if (typeof content === 'string') fs.writeFileSync(at, content);
    else fs.symlinkSync(content.link, at);
  }
  const tarball = `${root}.tar`;
  execFileSync('tar', ['--sort=name', '-C', root, '-cf', tarball, '.']);
  fs.rmSync(root, { recursive: true, force: true });
  const stream = fs.createReadStream(tarball);
  stream.on('close', () => fs.rmSync(tarball, { force: true }));
  return stream;
}

const PASSWD = 'root:x:0:0::/root:/bin/sh\n';

const CASES: [string, Record<string, string | { link: string }>, string | 'absent' | 'ask'][] = [
  ['found after bin, boot and dev', { 'bin/busybox': 'x'.repeat(100_000), 'boot/x': '', 'dev/null': '', 'etc/group': 'root:x:0:\n', 'etc/passwd': PASSWD, 'home/a': '' }, PASSWD],
  ['absent: the walk reached etc/profile', { 'etc/group': '', 'etc/profile': '', 'usr/bin/x': '' }, 'absent'],
  ['absent: the walk left etc', { 'etc/group': '', 'home/a': '' }, 'absent'],
  ['absent: the archive ended', { 'bin/x': '' }, 'absent'],
  ['too large for maxBytes: no contents, as the export reader', { 'etc/passwd': 'x'.repeat(5000) }, 'absent'],
  ['a link: left to a GET, which follows it', { 'etc/passwd': { link: '../srv/passwd' }, 'srv/passwd': PASSWD }, 'ask'],
  ['a linked folder on the way: left to a GET', { etc: { link: 'private/etc' }, 'private/etc/passwd': PASSWD }, 'ask'],
];

for (const [name, files, want] of CASES) {
  test(`reading /etc/passwd from an export: ${name}`, async () => {
    const stream = exportOf(files);
    const read = await readFromExport(stream, ['/etc/passwd'], 4096);
    stream.destroy();
    const got = read.get('/etc/passwd');
    assert.equal(Buffer.isBuffer(got) ? got.toString('utf8') : got, want);
  });
}
