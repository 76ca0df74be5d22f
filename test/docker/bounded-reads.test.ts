/**
 * Reads from a container are bounded, against a real engine: `distroless ls` over a
 * directory of a stopped container (a running one lists without the archive API:
 * ls-without-contents.test.ts) holding a 10 GiB (sparse) file lists from the tar
 * headers and stops after 64 MiB of contents, saying so (exit 3); a small-file read (how a stopped container's
 * USER name is resolved from its /etc/passwd) gives up at the size in the header; file
 * names with escape codes and line breaks are printed escaped, one row each.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { readContainerFile } from '../../server/src/docker/containers';
import { decodeFileName, encodeFileName, readContainerFileStream, statContainerPath } from '../../server/src/docker/files';
import { listContainerDirectory } from '../../server/src/docker/directoryListing';
import { engineOrSkip, findEngine } from './engine';
import { ensureToolsImage, removeContainer, TEST_LABEL, TOOLS_IMAGE } from './fixtures';
import { repoRoot } from '../support/cli';

const NAME = 'distroless-i23-bounded-reads';
const EVIL = 'evil\x1b[31mred\nforged  row';

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bounded reads from a container', { concurrency: false, timeout: 120_000 }, () => {
  let id = '';
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await ensureToolsImage(engine.docker);
    await removeContainer(engine.docker, NAME);
    const container = await engine.docker.createContainer({
      name: NAME,
      Image: TOOLS_IMAGE,
      Cmd: ['sh', '-c', `mkdir -p /data /names && echo hi > /data/a-small && truncate -s 10G /data/b-big && echo after > /data/c-after && touch "/names/$(printf '${EVIL.replace(/\x1b/g, '\\033').replace(/\n/g, '\\n')}')" /names/plain && mkdir /latin1 && echo bonjour > "/latin1/$(printf 'caf\\351')"`],
      Labels: { [TEST_LABEL]: '1' },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    await container.wait();
    id = container.id;
    env = engine.endpoint.source === 'DOCKER_HOST' ? {} : { DOCKER_HOST: engine.endpoint.url };
  });
  after(async () => {
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeContainer(engine.docker, NAME);
  });

  it('ls over a 10 GiB file lists what comes before it and says where it stopped', async (t) => {
    if (!(await engineOrSkip(t))) return;
    const result = await cli(['ls', NAME, '/data'], env);
    assert.equal(result.code, 3, result.stderr);
    const names = result.stdout.trimEnd().split('\n').map((row) => row.split(/\s+/).pop());
    assert.deepEqual(names, ['a-small', 'b-big']);
    assert.match(result.stdout, / 10737418240 /, 'the size comes from the header');
    assert.match(result.stderr, /^distroless ls: listing of \/data stopped at b-big after \d+ bytes of file contents.*\(read through the engine's archive API because distroless-i23-bounded-reads is not running, so nothing can list it from inside\)\n$/);
  });

  it('a small-file read gives up at the size in the tar header', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    assert.equal(await readContainerFile(engine.docker, id, '/data/b-big'), undefined);
    assert.equal(await readContainerFile(engine.docker, id, '/data/a-small'), 'hi\n');
  });

  it('file names with escape codes and line breaks are printed escaped, one row each', async (t) => {
    if (!(await engineOrSkip(t))) return;
    const result = await cli(['ls', NAME, '/names'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes('\x1b'), JSON.stringify(result.stdout));
    const rows = result.stdout.trimEnd().split('\n');
    assert.equal(rows.length, 2, JSON.stringify(result.stdout));
    assert.ok(rows[0].endsWith('evil\\x1b[31mred\\nforged  row'), rows[0]);
    const json = JSON.parse((await cli(['ls', '--json', NAME, '/names'], env)).stdout) as Array<{ name: string }>;
    assert.equal(json[0].name, EVIL, 'JSON keeps the name as it is');
  });

  it('a file name that is not UTF-8 (Latin-1 "caf\\xe9") lists, stats and opens with its own bytes', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const [entry] = await listContainerDirectory(engine.docker, id, '/latin1');
    assert.deepEqual(encodeFileName(entry.name), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    assert.equal(decodeFileName(encodeFileName(entry.name)), entry.name);
    // The editor's file view keeps the name in a URI path and asks for it again.
    const path = new URL(`distroless-container://x/latin1/${encodeURIComponent(entry.name)}`).pathname;
    const asked = decodeURIComponent(path);
    assert.equal((await statContainerPath(engine.docker, id, asked)).type, 'file');
    const { stream } = await readContainerFileStream(engine.docker, id, asked);
    let text = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString('utf8');
    assert.equal(text, 'bonjour\n');
    const listed = await cli(['ls', NAME, '/latin1'], env);
    assert.match(listed.stdout, /caf\\xe9\n$/);
  });
});
