import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { fromGoFileMode, modeString, normalizeContainerPath, parseTar, TarHeader } from '../../server/src/docker/files';

const LONG = 'a-directory-name-that-is-long-enough/' + 'b'.repeat(90) + '/and-a-file-name-past-one-hundred-bytes.txt';

/** A tree made with the real `tar`, in the three formats engines and tools write. */
function makeTar(format: 'gnu' | 'pax' | 'ustar'): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-test-'));
  try {
    fs.mkdirSync(path.join(dir, 'etc'));
    fs.writeFileSync(path.join(dir, 'etc', 'secret'), 'top secret\n');
    fs.chmodSync(path.join(dir, 'etc', 'secret'), 0o600);
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(70000, 7));
    fs.symlinkSync('etc/secret', path.join(dir, 'link'));
    fs.writeFileSync(path.join(dir, 'empty'), '');
    const files = ['etc', 'etc/secret', 'big.bin', 'link', 'empty'];
    if (format !== 'ustar') {
      fs.mkdirSync(path.join(dir, path.dirname(LONG)), { recursive: true });
      fs.writeFileSync(path.join(dir, LONG), 'long\n');
      files.push(LONG);
    }
    return execFileSync('tar', [`--format=${format}`, '--owner=65532', '--group=65532', '--numeric-owner', '--no-recursion', '-C', dir, '-c', ...files], { maxBuffer: 1 << 24 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function chunked(buf: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) pieces.push(buf.subarray(i, i + size));
  return Readable.from(pieces);
}

async function readAll(tar: Buffer, chunk: number) {
  const headers: TarHeader[] = [];
  const data = new Map<string, Buffer>();
  await parseTar(chunked(tar, chunk), (h) => {
    headers.push(h);
    const parts: Buffer[] = [];
    return { data: (c) => parts.push(c), end: () => data.set(h.name, Buffer.concat(parts)) };
  });
  return { headers, data };
}

describe('streaming tar reader', () => {
  for (const format of ['gnu', 'pax', 'ustar'] as const) {
    for (const chunk of [1, 13, 512, 1 << 20]) {
      it(`${format} archive in ${chunk}-byte chunks`, async () => {
        const { headers, data } = await readAll(makeTar(format), chunk);
        const names = headers.map((h) => h.name);
        assert.deepEqual(names, ['etc/', 'etc/secret', 'big.bin', 'link', 'empty', ...(format === 'ustar' ? [] : [LONG])]);
        const secret = headers.find((h) => h.name === 'etc/secret')!;
        assert.deepEqual(
          { type: secret.type, mode: secret.mode & 0o7777, uid: secret.uid, gid: secret.gid, size: secret.size },
          { type: 'file', mode: 0o600, uid: 65532, gid: 65532, size: 11 },
        );
        assert.equal(headers.find((h) => h.name === 'etc/')!.type, 'directory');
        const link = headers.find((h) => h.name === 'link')!;
        assert.deepEqual([link.type, link.linkname], ['symlink', 'etc/secret']);
        assert.equal(data.get('etc/secret')!.toString(), 'top secret\n');
        assert.ok(data.get('big.bin')!.equals(Buffer.alloc(70000, 7)));
        assert.equal(data.get('empty')!.length, 0);
        if (format !== 'ustar') assert.equal(data.get(LONG)!.toString(), 'long\n');
      });
    }
  }

  it('stops early and destroys the source when asked', async () => {
    const source = chunked(makeTar('gnu'), 100);
    const seen: string[] = [];
    await parseTar(source, (h) => {
      seen.push(h.name);
      return seen.length === 2 ? 'stop' : 'skip';
    });
    assert.deepEqual(seen, ['etc/', 'etc/secret']);
    assert.equal(source.destroyed, true);
  });

  it('reports an archive cut in the middle of a file', async () => {
    const tar = makeTar('gnu');
    const cut = tar.subarray(0, tar.indexOf(Buffer.alloc(600, 7)) + 600);
    await assert.rejects(
      parseTar(chunked(cut, 512), () => ({ data: () => undefined, end: () => undefined })),
      /the archive ended in the middle of a file/,
    );
  });
});

describe('file modes and paths', () => {
  const goModes: Array<[number, ReturnType<typeof fromGoFileMode>, string]> = [
    // Values the engine sent in X-Docker-Container-Path-Stat (see docs/debugging.md).
    [2147484141, { type: 'directory', mode: 0o755 }, 'drwxr-xr-x'],
    [134218239, { type: 'symlink', mode: 0o777 }, 'lrwxrwxrwx'],
    [420, { type: 'file', mode: 0o644 }, '-rw-r--r--'],
    [384, { type: 'file', mode: 0o600 }, '-rw-------'],
    [2 ** 23 + 0o755, { type: 'file', mode: 0o4755 }, '-rwsr-xr-x'],
    [2 ** 31 + 2 ** 20 + 0o777, { type: 'directory', mode: 0o1777 }, 'drwxrwxrwt'],
    [2 ** 26 + 2 ** 21 + 0o666, { type: 'char-device', mode: 0o666 }, 'crw-rw-rw-'],
    [2 ** 22 + 0o644, { type: 'file', mode: 0o2644 }, '-rw-r-Sr--'],
  ];
  for (const [go, expected, ls] of goModes) {
    it(`Go mode ${go}`, () => {
      assert.deepEqual(fromGoFileMode(go), expected);
      assert.equal(modeString(expected.type, expected.mode), ls);
    });
  }
  const paths: Array<[string, string]> = [
    ['', '/'],
    ['/', '/'],
    ['etc', '/etc'],
    ['/etc/', '/etc'],
    ['/etc//passwd', '/etc/passwd'],
    ['/../../etc/./passwd', '/etc/passwd'],
  ];
  for (const [input, expected] of paths) it(`normalizes "${input}"`, () => assert.equal(normalizeContainerPath(input), expected));
  it('refuses NUL', () => assert.throws(() => normalizeContainerPath('/etc\0'), /NUL/));
});
