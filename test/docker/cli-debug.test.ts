import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { debugCommand } from '../../server/src/cli/commands/debug';
import { ExitCode } from '../../server/src/cli/commands/types';
import type { CliIo } from '../../server/src/cli/commands/types';
import { SIDECAR_LABEL } from '../../server/src/docker';
import { engineOrSkip, findEngine } from './engine';
import { ensureShelllessImage, ensureToolsImage, removeTestContainers, startTarget, waitFor } from './fixtures';

const PREFIX = 'distroless-cli-test';

function fakeIo(opts: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: opts.tty, columns: 100, rows: 30 });
  const stderr = new PassThrough();
  const rawModes: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.tty, setRawMode: (raw: boolean) => rawModes.push(raw) });
  const text = { stdout: '', stderr: '' };
  stdout.on('data', (d: Buffer) => (text.stdout += d.toString()));
  stderr.on('data', (d: Buffer) => (text.stderr += d.toString()));
  const io: CliIo = { stdout, stderr, stdin, cwd: process.cwd(), env: opts.env ?? process.env };
  return { io, text, stdin, rawModes };
}

describe('distroless debug', { concurrency: false }, () => {
  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    await ensureToolsImage(engine.docker);
    await ensureShelllessImage(engine.docker);
  });
  after(async () => {
    const engine = await findEngine();
    if (!(engine instanceof Error)) await removeTestContainers(engine.docker);
  });

  it('without a TTY runs the command, prints its output and exits with its code', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-batch` });
    const { io, text } = fakeIo();
    const code = await debugCommand.run([`${PREFIX}-batch`, '--', 'sh', '-c', 'id -u; ls /proc/1/root/www; echo oops >&2; exit 3'], io);
    assert.equal(code, 3);
    assert.equal(text.stdout, '65532\nindex.html\n');
    assert.equal(text.stderr, 'oops\n');
  });

  it('passes stdin with -i', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-stdin` });
    const { io, text, stdin } = fakeIo();
    const done = debugCommand.run(['-i', `${PREFIX}-stdin`, '--', 'tr', 'a-z', 'A-Z'], io);
    stdin.end('piped through\n');
    assert.equal(await done, 0);
    assert.equal(text.stdout, 'PIPED THROUGH\n');
  });

  it('with a TTY opens an interactive shell in raw mode', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-tty` });
    const { io, text, stdin, rawModes } = fakeIo({ tty: true });
    const done = debugCommand.run([`${PREFIX}-tty`], io);
    await waitFor('banner', async () => (text.stdout.includes('/proc/1/root') ? true : undefined));
    stdin.write('echo $((6*7))x; exit 5\n');
    assert.equal(await done, 5);
    assert.match(text.stdout, /^Debug sidecar for distroless-cli-test-tty/);
    assert.match(text.stdout, /42x/);
    assert.deepEqual(rawModes, [true, false]);
    const left = await engine.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${target.id}`] } });
    assert.deepEqual(left, []);
  });

  it('prints the equivalent docker run command', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-print` });
    const { io, text } = fakeIo();
    assert.equal(await debugCommand.run(['--print-command', '--root', `${PREFIX}-print`, '--', 'sh', '-c', 'echo $HOME'], io), 0);
    assert.match(text.stdout, /^docker (--host \S+ )?run --rm -it --pid=container:distroless-cli-test-print --network=container:distroless-cli-test-print --user 0:0 --cap-add SYS_PTRACE --label io\.distroless\.sidecar\.target=[0-9a-f]{64} --label io\.distroless\.sidecar\.target-name=distroless-cli-test-print busybox:latest sh -c 'echo \$HOME'\n$/);
  });

  it('usage errors exit 2', async () => {
    const noCommand = fakeIo();
    assert.equal(await debugCommand.run(['some-container'], noCommand.io), 2);
    assert.equal(noCommand.text.stderr, 'distroless debug: stdin is not a terminal, so give the command to run after --, e.g. distroless debug app -- ps (see distroless debug --help)\n');
    const noTarget = fakeIo();
    assert.equal(await debugCommand.run([], noTarget.io), 2);
    assert.equal(noTarget.text.stderr, 'distroless debug: missing <container> (see distroless debug --help)\n');
    const badUser = fakeIo();
    assert.equal(await debugCommand.run(['--user', 'nonroot', 'c', '--', 'true'], badUser.io), 2);
    assert.equal(badUser.text.stderr, 'distroless debug: --user must be a numeric uid or uid:gid, got "nonroot" (see distroless debug --help)\n');
  });

  it('engine and target failures exit 125 with the message', async (t) => {
    const unreachable = fakeIo({ env: { DOCKER_HOST: 'unix:///tmp/distroless-no-engine.sock' } });
    assert.equal(await debugCommand.run(['c', '--', 'true'], unreachable.io), ExitCode.engineFailure);
    assert.match(unreachable.text.stderr, /^distroless debug: No Docker engine answered\. Tried: unix:\/\/\/tmp\/distroless-no-engine\.sock \(DOCKER_HOST\): no such socket\./);
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const missing = fakeIo();
    assert.equal(await debugCommand.run([`${PREFIX}-does-not-exist`, '--', 'true'], missing.io), ExitCode.engineFailure);
    assert.equal(missing.text.stderr, `distroless debug: No container named or with ID "${PREFIX}-does-not-exist" exists on this engine. List containers with \`docker ps\`.\n`);
  });

  it('a paused target: exit 125 and one line saying to unpause it', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const container = await startTarget(engine.docker, { name: `${PREFIX}-paused` });
    await container.pause();
    const { io, text } = fakeIo();
    const code = await debugCommand.run([`${PREFIX}-paused`, '--', 'ls'], io);
    await container.unpause();
    assert.equal(code, ExitCode.engineFailure);
    assert.equal(
      text.stderr,
      `distroless debug: Container "${PREFIX}-paused" is not running (state: paused). A debug sidecar joins a running container's processes and network; unpause it first (docker unpause ${PREFIX}-paused).\n`,
    );
  });

  it('names Docker never allows are refused before the engine is asked: exit 125, one line', async () => {
    for (const name of ['a;b', 'x y', '../x', `${PREFIX}/../x`]) {
      const { io, text } = fakeIo();
      assert.equal(await debugCommand.run([name, '--', 'ls'], io), ExitCode.engineFailure, name);
      assert.match(text.stderr, /^distroless debug: ".*" is not a valid container name or ID: [^\n]*\n$/, name);
    }
  });
});
