import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { PathNotFoundError, TargetNotFoundError } from '../../server/src/docker';
import { runCli } from '../support/cli';
import { engineOrSkip, findEngine } from './engine';
import { binaryData, ensureFilesImage, FILES_IMAGE, LONG_NAME, SECRET_TEXT } from './filesFixture';
import { INDEX_TEXT, removeTestContainersNamed, startTarget } from './fixtures';

const PREFIX = 'distroless-files-test';
const LABEL = 'io.distroless.test.files';

describe('container files through the archive API (real engine)', { concurrency: false }, () => {
  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await removeTestContainersNamed(engine.docker, PREFIX, LABEL);
    await ensureFilesImage(engine.docker);
  });
  after(async () => {
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeTestContainersNamed(engine.docker, PREFIX, LABEL);
  });

  it('lists and reads a shell-less target running as 65532, its 0600 file included, and writes nothing', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const name = `${PREFIX}-run`;
    await startTarget(engine.docker, { name, image: FILES_IMAGE, label: LABEL });
    const info = await engine.inspectTarget(name);
    assert.equal(info.hasShell, false);
    assert.equal(info.user.uid, 65532);

    const home = await engine.listDirectory(name, '/home/nonroot');
    const byName = new Map(home.map((e) => [e.name, e]));
    assert.deepEqual([...byName.keys()], [LONG_NAME, 'data.bin', 'latest', 'secret.txt'].sort());
    const secret = byName.get('secret.txt')!;
    assert.deepEqual(
      { type: secret.type, mode: secret.mode, uid: secret.uid, gid: secret.gid, size: secret.size },
      { type: 'file', mode: 0o600, uid: 65532, gid: 65532, size: SECRET_TEXT.length },
    );
    assert.deepEqual([byName.get('latest')!.type, byName.get('latest')!.linkTarget], ['symlink', 'data.bin']);

    const read = async (p: string) => {
      const { size, stream } = await engine.readFile(name, p);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return { size, data: Buffer.concat(chunks), chunks: chunks.length };
    };
    assert.equal((await read('/home/nonroot/secret.txt')).data.toString(), SECRET_TEXT);
    const big = await read('/home/nonroot/data.bin');
    assert.equal(big.size, binaryData().length);
    assert.ok(big.data.equals(binaryData()), 'binary file read byte for byte');
    assert.ok(big.chunks > 1, 'a large file arrives as a stream of chunks');
    // A symlink is followed when reading.
    assert.ok((await read('/home/nonroot/latest')).data.equals(binaryData()));
    assert.equal((await read(`/home/nonroot/${LONG_NAME}`)).data.toString(), 'long\n');
    assert.equal((await read('/www/index.html')).data.toString(), INDEX_TEXT + '\n');

    const root = await engine.listDirectory(name, '/');
    for (const expected of ['etc', 'home', 'usr', 'www']) assert.ok(root.some((e) => e.name === expected && e.type === 'directory'), `/ lists ${expected}`);

    await assert.rejects(engine.listDirectory(name, '/nope'), PathNotFoundError);
    await assert.rejects(engine.readFile(name, '/nope'), (err: Error) => err instanceof PathNotFoundError && err.message === `No such file or directory in container "${name}": /nope`);
    await assert.rejects(engine.readFile(name, '/home'), /is a directory, not a regular file/);
    await assert.rejects(engine.listDirectory(name, '/home/nonroot/secret.txt'), /is not a directory/);
    await assert.rejects(engine.listDirectory(`${PREFIX}-absent`, '/'), TargetNotFoundError);

    // Read-only: the container's filesystem has no changes.
    // (dockerode hands back the raw body, `null`, when there are none.)
    const raw: unknown = await engine.docker.getContainer(name).changes();
    const changes: unknown = Buffer.isBuffer(raw) ? JSON.parse(raw.toString()) : raw;
    assert.deepEqual(changes ?? [], []);
  });

  it('works on a stopped container', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const name = `${PREFIX}-stopped`;
    const c = await startTarget(engine.docker, { name, image: FILES_IMAGE, label: LABEL });
    await c.stop({ t: 0 });
    const { stream } = await engine.readFile(name, '/home/nonroot/secret.txt');
    let text = '';
    for await (const chunk of stream) text += (chunk as Buffer).toString();
    assert.equal(text, SECRET_TEXT);
  });

  it('distroless ls prints owner, mode, size and link targets', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const name = `${PREFIX}-cli`;
    await startTarget(engine.docker, { name, image: FILES_IMAGE, label: LABEL });
    const entries = await engine.listDirectory(name, '/home/nonroot');
    const when = (n: string) => entries.find((e) => e.name === n)!.mtime.toISOString().slice(0, 16).replace('T', ' ');
    const size = String(binaryData().length);
    const w = size.length;
    const run = await runCli(['ls', '--numeric', name, '/home/nonroot'], { cwd: os.tmpdir(), env: process.env });
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    assert.equal(
      run.stdout,
      [
        `-rw-r--r--  65532  65532  ${'5'.padStart(w)}  ${when(LONG_NAME)}  ${LONG_NAME}`,
        `-rw-r--r--  65532  65532  ${size}  ${when('data.bin')}  data.bin`,
        `lrwxrwxrwx  65532  65532  ${'0'.padStart(w)}  ${when('latest')}  latest -> data.bin`,
        `-rw-------  65532  65532  ${String(SECRET_TEXT.length).padStart(w)}  ${when('secret.txt')}  secret.txt`,
        '',
      ].join('\n'),
    );
    const one = await runCli(['ls', '--numeric', name, '/home/nonroot/latest'], { cwd: os.tmpdir(), env: process.env });
    assert.match(one.stdout, /^lrwxrwxrwx  65532  65532  0  \S+ \S+  latest -> data\.bin\n$/);
    const missing = await runCli(['ls', name, '/nope'], { cwd: os.tmpdir(), env: process.env });
    assert.deepEqual([missing.code, missing.stderr], [1, `distroless ls: No such file or directory in container "${name}": /nope\n`]);
    const noContainer = await runCli(['ls', `${PREFIX}-absent`], { cwd: os.tmpdir(), env: process.env });
    assert.equal(noContainer.code, 125);
    assert.match(noContainer.stderr, /^distroless ls: No container named or with ID "distroless-files-test-absent" exists on this engine\./);
  });
});
