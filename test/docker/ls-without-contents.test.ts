/**
 * Issue 23 item 5, against a real engine: listing a running container's directory moves
 * no file contents. A directory holding a 10 GiB (sparse) file is listed completely while
 * every byte the engine sends is counted through a proxy; names with line breaks, escape
 * codes and bytes that are not UTF-8 keep their bytes and are escaped in `ls`; a directory
 * only root may read is listed for a target running as 65532; an absolute symlink on the
 * way resolves inside the target; a stopped container is read through the archive API
 * (bounded, says so); no helper container stays behind.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { isOurSidecar, LISTING_HELPER_LABEL, SIDECAR_LABEL } from '../../server/src/docker';
import { listContainerDirectory, MAX_CONCURRENT_HELPERS, mayTraceRootHelper, parseHelperListing, printfEscaped } from '../../server/src/docker/directoryListing';
import { encodeFileName } from '../../server/src/docker/files';
import { engineOrSkip, findEngine } from './engine';
import { ensureToolsImage, removeContainer, TEST_LABEL, TOOLS_IMAGE } from './fixtures';
import { repoRoot } from '../support/cli';

const NAME = 'distroless-j23b-ls-running';
const STOPPED = 'distroless-j23b-ls-stopped';
const SHARES_PID = 'distroless-rv1-ls-shares-pid';
const TRACER = 'distroless-rv1-ls-tracer';
const EVIL = 'evil\x1b[31mred\nforged  row';
const TEN_GIB = 10 * 1024 ** 3;

const SETUP = [
  'mkdir -p /data /names /secret /real/dir',
  'echo hi > /data/a-small',
  `truncate -s ${TEN_GIB} /data/b-big`,
  'echo after > /data/c-after',
  'ln -s a-small /data/d-link',
  `ln -s "$(printf 'we\\nird')" /data/e-newline-link`,
  `touch "/names/$(printf '${EVIL.replace(/\x1b/g, '\\033').replace(/\n/g, '\\n')}')" /names/plain "/names/$(printf 'caf\\351')" /names/.hidden /names/..dots`,
  // A line break followed by what a forged record would look like (a name holds no "/").
  `touch "/names/$(printf 'x\\n81a4 0 0 1 1 forged')"`,
  'echo root-only > /secret/inside && chmod 700 /secret',
  'echo deep > /real/dir/file && ln -s /real /abs-link',
  'echo mounted > /mnt/tmp/on-tmpfs',
  'chown -R 65532:65532 /data /names',
].join(' && ');

/** A unix-socket proxy to the engine that counts the bytes the engine sends. */
async function countingProxy(target: Docker.DockerOptions): Promise<{ docker: Docker; received: () => number; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'j23b-proxy-'));
  const socketPath = path.join(dir, 'engine.sock');
  let received = 0;
  const server = net.createServer((client) => {
    const upstream = target.socketPath ? net.connect(target.socketPath) : net.connect(Number(target.port), String(target.host));
    upstream.on('data', (d: Buffer) => (received += d.length));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    docker: new Docker({ socketPath }),
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(dir, { recursive: true, force: true });
      }),
  };
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), ...args], { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

interface HelperSeen {
  name: string;
  user: string;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  networkMode: string;
  pidMode: string;
  ours: boolean;
}

/** Every listing helper created while it runs, as the engine describes it right after its creation. */
async function watchHelpers(docker: Docker, onCreate?: () => void): Promise<{ seen: HelperSeen[]; stop: () => Promise<void> }> {
  const abort = new AbortController();
  const seen: HelperSeen[] = [];
  const pending: Promise<void>[] = [];
  const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['create'], label: [LISTING_HELPER_LABEL] }, abortSignal: abort.signal } as Docker.GetEventsOptions)) as NodeJS.ReadableStream;
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const event = JSON.parse(buffered.slice(0, nl)) as { Actor: { ID: string } };
      buffered = buffered.slice(nl + 1);
      onCreate?.();
      pending.push(
        docker
          .getContainer(event.Actor.ID)
          .inspect()
          .then((c) => {
            seen.push({
              name: c.Name.replace(/^\//, ''),
              user: c.Config.User,
              capAdd: c.HostConfig.CapAdd ?? [],
              capDrop: c.HostConfig.CapDrop ?? [],
              privileged: Boolean(c.HostConfig.Privileged),
              networkMode: String(c.HostConfig.NetworkMode),
              pidMode: String(c.HostConfig.PidMode),
              ours: isOurSidecar(c.Name, c.Config.Labels),
            });
          }),
      );
    }
  });
  stream.on('error', () => undefined);
  return {
    seen,
    stop: async () => {
      await new Promise((r) => setTimeout(r, 300));
      abort.abort();
      await Promise.all(pending);
    },
  };
}

/** How many listing helpers of `targetId` existed at most at once, and how many were made, from the engine's create and destroy events. */
async function countHelpers(docker: Docker, targetId: string): Promise<{ stop: () => Promise<{ created: number; mostAtOnce: number }> }> {
  const abort = new AbortController();
  let alive = 0;
  let created = 0;
  let mostAtOnce = 0;
  let destroyed = 0;
  const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['create', 'destroy'], label: [`${SIDECAR_LABEL}=${targetId}`, LISTING_HELPER_LABEL] }, abortSignal: abort.signal } as Docker.GetEventsOptions)) as NodeJS.ReadableStream;
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const event = JSON.parse(buffered.slice(0, nl)) as { Action: string };
      buffered = buffered.slice(nl + 1);
      if (event.Action === 'create') {
        created++;
        mostAtOnce = Math.max(mostAtOnce, ++alive);
      } else if (event.Action === 'destroy') {
        alive--;
        destroyed++;
      }
    }
  });
  stream.on('error', () => undefined);
  return {
    stop: async () => {
      const deadline = Date.now() + 10_000;
      while (destroyed < created && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      abort.abort();
      return { created, mostAtOnce };
    },
  };
}

async function helpersOf(docker: Docker, targetId: string): Promise<string[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } });
  return all.map((c) => c.Names?.[0] ?? c.Id);
}

describe('ls lists without moving file contents (real engine)', { concurrency: false, timeout: 180_000 }, () => {
  let id = '';
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await ensureToolsImage(engine.docker);
    await removeContainer(engine.docker, NAME);
    await removeContainer(engine.docker, STOPPED);
    const container = await engine.docker.createContainer({
      name: NAME,
      Image: TOOLS_IMAGE,
      User: '65532:65532',
      Cmd: ['sleep', '3600'],
      Labels: { [TEST_LABEL]: '1' },
      // A mount of the target's own: the helper sees the target's mount namespace, not the image alone.
      HostConfig: { NetworkMode: 'none', Tmpfs: { '/mnt/tmp': 'mode=1777' } },
    });
    await container.start();
    id = container.id;
    const exec = await container.exec({ Cmd: ['/bin/busybox', 'sh', '-c', SETUP], User: '0:0', AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.resume();
    });
    assert.equal((await exec.inspect()).ExitCode, 0, 'setup ran');
    env = engine.endpoint.source === 'DOCKER_HOST' ? {} : { DOCKER_HOST: engine.endpoint.url };
  });
  after(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await removeContainer(engine.docker, SHARES_PID);
    await removeContainer(engine.docker, TRACER);
    await removeContainer(engine.docker, NAME);
    await removeContainer(engine.docker, STOPPED);
  });

  it('lists a directory with a 10 GiB file completely, and the engine sends kilobytes, not the file', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const proxy = await countingProxy(engine.endpoint.options);
    try {
      const listing = await listContainerDirectory(proxy.docker, NAME, '/data');
      assert.equal(listing.via, 'helper');
      assert.equal(listing.incomplete, undefined);
      assert.deepEqual(
        listing.map((e) => [e.name, e.type, e.size, e.uid, e.linkTarget]),
        [
          ['a-small', 'file', 3, 65532, undefined],
          ['b-big', 'file', TEN_GIB, 65532, undefined],
          ['c-after', 'file', 6, 65532, undefined],
          ['d-link', 'symlink', 0, 65532, 'a-small'],
          ['e-newline-link', 'symlink', 0, 65532, 'we\nird'],
        ],
      );
      assert.equal(listing[0]!.mode, 0o644);
      // Everything the engine sent: inspect, stats, the helper's create/attach/start/wait and its output.
      t.diagnostic(`${proxy.received()} bytes came from the engine`);
      assert.ok(proxy.received() < 1024 * 1024, `${proxy.received()} bytes came from the engine`);
    } finally {
      await proxy.close();
    }
    assert.deepEqual(await helpersOf(engine.docker, id), [], 'no helper left behind');
  });

  it('distroless ls prints the whole directory, exit 0', async (t) => {
    if (!(await engineOrSkip(t))) return;
    const result = await cli(['ls', '--numeric', NAME, '/data'], env);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const rows = result.stdout.toString('utf8').trimEnd().split('\n');
    assert.deepEqual(rows.map((r) => r.split(/\s+/).slice(6).join(' ')), ['a-small', 'b-big', 'c-after', 'd-link -> a-small', 'e-newline-link -> we\\nird']);
    assert.match(rows[1]!, /^-rw-r--r-- {2}65532 {2}65532 {2}10737418240 {2}/);
  });

  it('odd names keep their bytes, cannot forge rows, and are escaped in human output', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const listing = await listContainerDirectory(engine.docker, NAME, '/names');
    assert.equal(listing.via, 'helper');
    assert.deepEqual(
      listing.map((e) => encodeFileName(e.name).toString('latin1')),
      ['..dots', '.hidden', 'caf\xe9', EVIL, 'plain', 'x\n81a4 0 0 1 1 forged'],
    );
    assert.ok(listing.every((e) => e.type === 'file' && e.uid === 65532));
    const result = await cli(['ls', NAME, '/names'], env);
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout.toString('utf8');
    assert.ok(!text.includes('\x1b'), JSON.stringify(text));
    const rows = text.trimEnd().split('\n');
    assert.equal(rows.length, 6, JSON.stringify(text));
    assert.ok(rows[2]!.endsWith('  caf\\xe9'), rows[2]);
    assert.ok(rows[3]!.endsWith('evil\\x1b[31mred\\nforged  row'), rows[3]);
    assert.ok(rows[5]!.endsWith('x\\n81a4 0 0 1 1 forged'), rows[5]);
  });

  it('a directory only root may read is listed for a target running as 65532', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const helpers = await watchHelpers(engine.docker);
    const listing = await listContainerDirectory(engine.docker, NAME, '/secret').finally(helpers.stop);
    assert.equal(listing.via, 'helper');
    // First as the target's user with its (no) capabilities, then root with two, never privileged; both ours.
    const expected = (user: string, capAdd: string[], capDrop: string[]) => ({ name: `${NAME}-list-n`, user, capAdd, capDrop, privileged: false, networkMode: 'none', pidMode: `container:${id}`, ours: true });
    assert.deepEqual(
      helpers.seen.map((h) => ({ ...h, name: h.name.replace(/-list-\d+$/, '-list-n') })),
      [expected('65532:65532', [], []), expected('0:0', ['SYS_PTRACE', 'DAC_READ_SEARCH'], ['ALL'])],
    );
    assert.deepEqual(listing.map((e) => [e.name, e.uid, e.size]), [['inside', 0, 10]]);
    // With the owners' names from the target's own /etc/passwd (busybox has none: numbers then).
    assert.equal(listing[0]!.user, '');
  });

  it('an absolute symlink on the way resolves inside the target, not the helper; the target\'s mounts are seen', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const listing = await listContainerDirectory(engine.docker, NAME, '/abs-link/dir');
    assert.deepEqual(listing.map((e) => e.name), ['file']);
    const mounted = await listContainerDirectory(engine.docker, NAME, '/mnt/tmp');
    assert.deepEqual([mounted.via, mounted.map((e) => [e.name, e.size])], ['helper', [['on-tmpfs', 8]]]);
    await assert.rejects(listContainerDirectory(engine.docker, NAME, '/data/a-small'), /is not a directory/);
    await assert.rejects(listContainerDirectory(engine.docker, NAME, '/nope'), /No such file or directory/);
  });

  it('a stopped container is read through the archive API, bounded, and says so', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const container = await engine.docker.createContainer({
      name: STOPPED,
      Image: TOOLS_IMAGE,
      Cmd: ['sh', '-c', 'mkdir /data && echo hi > /data/a-small && truncate -s 1G /data/b-big && echo after > /data/c-after'],
      Labels: { [TEST_LABEL]: '1' },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    await container.wait();
    const listing = await listContainerDirectory(engine.docker, STOPPED, '/data', { contentLimit: 1024 * 1024 });
    assert.equal(listing.via, 'archive');
    assert.deepEqual(listing.map((e) => e.name), ['a-small', 'b-big']);
    assert.match(listing.incomplete ?? '', /^listing of \/data stopped at b-big after \d+ bytes of file contents .*\(read through the engine's archive API because distroless-j23b-ls-stopped is not running, so nothing can list it from inside\)$/);
  });

  it("a target in another container's PID namespace is not listed from /proc/1/root (that is the other's root): the archive API lists its own", async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await removeContainer(engine.docker, SHARES_PID);
    const container = await engine.docker.createContainer({
      name: SHARES_PID,
      Image: TOOLS_IMAGE,
      Cmd: ['sh', '-c', 'mkdir -p /data && echo b > /data/only-in-b && exec sleep 3600'],
      Labels: { [TEST_LABEL]: '1' },
      HostConfig: { NetworkMode: 'none', PidMode: `container:${id}` },
    });
    await container.start();
    const helpers = await watchHelpers(engine.docker);
    let listing: Awaited<ReturnType<typeof listContainerDirectory>> | undefined;
    for (let tries = 0; tries < 50; tries++) {
      listing = await listContainerDirectory(engine.docker, SHARES_PID, '/data').catch(() => undefined);
      if (listing?.length) break;
      await new Promise((r) => setTimeout(r, 100)); // its sh has not made /data/only-in-b yet
    }
    await helpers.stop();
    assert.deepEqual([listing!.via, listing!.map((e) => e.name)], ['archive', ['only-in-b']]);
    assert.deepEqual(helpers.seen, [], 'no helper joins a PID namespace that is not the target\'s own');
    await removeContainer(engine.docker, SHARES_PID);
  });

  it('a listing asked for again while it runs joins it, and helpers at once stay within the limit (a view refreshing many expanded rows)', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    let counter = await countHelpers(engine.docker, id);
    const same = await Promise.all(Array.from({ length: 5 }, () => listContainerDirectory(engine.docker, NAME, '/data')));
    assert.deepEqual(await counter.stop(), { created: 1, mostAtOnce: 1 });
    assert.ok(same.every((l) => l === same[0]), 'one listing, shared');
    const dirs = ['/data', '/names', '/real', '/real/dir', '/mnt/tmp', '/abs-link', '/abs-link/dir'];
    counter = await countHelpers(engine.docker, id);
    const listings = await Promise.all(dirs.map((d) => listContainerDirectory(engine.docker, NAME, d)));
    const { created, mostAtOnce } = await counter.stop();
    assert.deepEqual(listings.map((l) => l.via), dirs.map(() => 'helper'));
    assert.equal(created, dirs.length);
    assert.ok(mostAtOnce <= MAX_CONCURRENT_HELPERS, `${mostAtOnce} helpers at once`);
    assert.deepEqual(await helpersOf(engine.docker, id), []);
  });

  it('distroless ls killed (SIGKILL) the moment its helper exists leaves none behind once the next ls ran', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), 'ls', NAME, '/data'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('close', r));
    const helpers = await watchHelpers(engine.docker, () => child.kill('SIGKILL'));
    await exited;
    await helpers.stop();
    assert.equal(helpers.seen.length, 1, 'killed as its helper was created');
    // Started, it ends and AutoRemove takes it; created only, the next run removes it (its owner is gone).
    const result = await cli(['ls', NAME, '/names'], env);
    assert.equal(result.code, 0, result.stderr);
    const deadline = Date.now() + 10_000;
    while ((await helpersOf(engine.docker, id)).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await helpersOf(engine.docker, id), []);
  });

  it('a target with CAP_SYS_PTRACE gets no root helper with CAP_DAC_READ_SEARCH beside it (it could take it over): the archive API lists', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await removeContainer(engine.docker, TRACER);
    const container = await engine.docker.createContainer({
      name: TRACER,
      Image: TOOLS_IMAGE,
      User: '65532:65532',
      Cmd: ['sleep', '3600'],
      Labels: { [TEST_LABEL]: '1' },
      HostConfig: { NetworkMode: 'none', CapAdd: ['SYS_PTRACE'] },
    });
    await container.start();
    const exec = await container.exec({ Cmd: ['/bin/busybox', 'sh', '-c', 'mkdir /secret && echo x > /secret/inside && chmod 700 /secret'], User: '0:0', AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.resume();
    });
    const helpers = await watchHelpers(engine.docker);
    const listing = await listContainerDirectory(engine.docker, TRACER, '/secret').finally(helpers.stop);
    assert.deepEqual([listing.via, listing.map((e) => e.name)], ['archive', ['inside']]);
    assert.deepEqual(helpers.seen.map((h) => [h.user, h.capAdd]), [['65532:65532', ['SYS_PTRACE']]], 'only the helper as the target itself');
    await removeContainer(engine.docker, TRACER);
  });

  it('a tools image that is not on the engine is never pulled: the archive API lists', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const listing = await listContainerDirectory(engine.docker, NAME, '/names', { toolsImage: 'distroless-test/no-such-tools-image:never' });
    assert.equal(listing.via, 'archive');
    assert.equal(listing.length, 6);
    assert.deepEqual(await helpersOf(engine.docker, id), []);
  });

  it('a cancelled listing leaves no helper behind', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const abort = new AbortController();
    // Cancelled the moment its helper exists.
    const helpers = await watchHelpers(engine.docker, () => abort.abort());
    await assert.rejects(listContainerDirectory(engine.docker, NAME, '/data', { signal: abort.signal }).finally(helpers.stop), (err: Error) => err.name === 'OperationCancelledError');
    assert.equal(helpers.seen.length, 1);
    const deadline = Date.now() + 10_000;
    while ((await helpersOf(engine.docker, id)).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await helpersOf(engine.docker, id), []);
    const all = await engine.docker.listContainers({ all: true, filters: { label: [LISTING_HELPER_LABEL] } });
    assert.deepEqual(all.filter((c) => c.Labels[SIDECAR_LABEL] === id), []);
  });
});

describe('which targets may have a root helper with CAP_DAC_READ_SEARCH beside them', () => {
  const cases: Array<[string, { capAdd: string[]; capDrop: string[]; privileged: boolean }, boolean]> = [
    ['default capabilities', { capAdd: [], capDrop: [], privileged: false }, true],
    ['SYS_PTRACE added', { capAdd: ['SYS_PTRACE'], capDrop: [], privileged: false }, false],
    ['cap_sys_ptrace added (any spelling)', { capAdd: ['cap_sys_ptrace'], capDrop: ['ALL'], privileged: false }, false],
    ['SYS_PTRACE and DAC_READ_SEARCH added (gains nothing)', { capAdd: ['SYS_PTRACE', 'DAC_READ_SEARCH'], capDrop: [], privileged: false }, true],
    ['ALL added', { capAdd: ['ALL'], capDrop: [], privileged: false }, true],
    ['privileged', { capAdd: [], capDrop: [], privileged: true }, true],
  ];
  for (const [name, target, allowed] of cases) it(name, () => assert.equal(mayTraceRootHelper(target) === undefined, allowed));
});

describe('the listing helper output format', () => {
  it('parses records whose names hold line breaks and would-be records, and symlink targets', () => {
    const out = Buffer.concat([
      Buffer.from('/81a4 65532 65532 3 1700000000/./a\n'),
      Buffer.from('/81a4 0 0 0 1700000000/./x\n81a4 0 0 1 1\n'),
      Buffer.from('/a1ff 1 2 7 1700000000/./l\n'),
      Buffer.from('/41ed 0 0 4096 1700000000/./caf'),
      Buffer.from([0xe9, 0x0a]),
      Buffer.from('\x000\x00l\x00/etc\npasswd\n\x00end\x00'),
    ]);
    const { entries, complete, findStatus } = parseHelperListing(out);
    assert.equal(complete, true);
    assert.equal(findStatus, 0);
    assert.deepEqual(
      entries.map((e) => [encodeFileName(e.name).toString('latin1'), e.type, e.mode, e.uid, e.gid, e.size, e.linkTarget]),
      [
        ['a', 'file', 0o644, 65532, 65532, 3, undefined],
        ['x\n81a4 0 0 1 1', 'file', 0o644, 0, 0, 0, undefined],
        ['l', 'symlink', 0o777, 1, 2, 0, '/etc\npasswd'],
        ['caf\xe9', 'directory', 0o755, 0, 0, 0, undefined],
      ],
    );
  });

  it('output cut short drops the last record and is not complete', () => {
    const { entries, complete } = parseHelperListing(Buffer.from('/81a4 0 0 3 1/./a\n/81a4 0 0 3 1/./b-cut-he'));
    assert.equal(complete, false);
    assert.deepEqual(entries.map((e) => e.name), ['a']);
  });

  it('refuses output that is not the script\'s', () => {
    assert.throws(() => parseHelperListing(Buffer.from('sh: find: not found\n\x00127\x00end\x00')), /unexpected listing output/);
  });

  it('escapes every byte of a path for printf but plain ones', () => {
    assert.equal(printfEscaped(Buffer.from('/proc/1/root/a b%\\')), '/proc/1/root/a\\040b\\045\\134');
    assert.equal(printfEscaped(Buffer.from([0x63, 0xe9, 0x0a])), 'c\\351\\012');
  });
});
