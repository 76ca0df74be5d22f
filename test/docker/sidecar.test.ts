import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  createDockerService,
  DockerService,
  EngineUnreachableError,
  FileAccessDeniedError,
  ImageUnavailableError,
  SIDECAR_LABEL,
  SIDECAR_OWNER_LABEL,
  SIDECAR_SESSION_LABEL,
  sessionLabelFor,
  SidecarEnd,
  SidecarSession,
  TargetNotRunningError,
} from '../../server/src/docker';
import { engineOrSkip, findEngine } from './engine';
import { ensureShelllessImage, ensureToolsImage, HTTP_PORT, INDEX_TEXT, removeContainer, removeTestContainers, startTarget, TEST_LABEL, waitFor } from './fixtures';

const run = promisify(execFile);
const PREFIX = 'distroless-sidecar-test';

/** Collects a session's output as text, per stream. */
function collect(session: SidecarSession) {
  const out = { stdout: '', stderr: '' };
  session.onData((data, which) => (out[which] += data.toString('utf8')));
  return out;
}

async function sidecarsOf(svc: DockerService, targetId: string) {
  return svc.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } });
}

async function containerGone(svc: DockerService, id: string): Promise<boolean> {
  try {
    await svc.docker.getContainer(id).inspect();
    return false;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode === 404;
  }
}

describe('debug sidecar against a real engine', { concurrency: false }, () => {
  let svc: DockerService | undefined;

  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    svc = engine;
    await removeTestContainers(svc.docker);
    await ensureToolsImage(svc.docker);
    await ensureShelllessImage(svc.docker);
  });

  after(async () => {
    if (svc) await removeTestContainers(svc.docker);
  });

  it('reads the identity of a shell-less target from its running process', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-identity` });
    const info = await engine.inspectTarget(`${PREFIX}-identity`);
    // The image says USER nonroot (a name); the number comes from the process.
    assert.equal(info.configUser, 'nonroot');
    assert.deepEqual(info.user, { uid: 65532, gid: 65532, source: 'process' });
    assert.equal(info.hasShell, false);
    assert.equal(info.running, true);
    const listed = await engine.listContainers();
    const row = listed.find((c) => c.name === `${PREFIX}-identity`);
    assert.ok(row, 'target appears in the container list');
    assert.equal(row.state, 'running');
    assert.equal(row.isSidecar, false);
  });

  it('joins the target as its user: PID 1, localhost, /proc/1/root', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-join` });
    const session = await engine.openSidecar({
      target: `${PREFIX}-join`,
      tty: false,
      command: [
        'sh',
        '-c',
        // httpd may still be binding its port when the target is fresh.
        `tr '\\0' ' ' </proc/1/cmdline; echo; id -u; id -g; ` +
          `for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:${HTTP_PORT}/ && break; sleep 0.2; done; ` +
          `ls /proc/1/root/www; exit 7`,
      ],
    });
    const out = collect(session);
    const end = await session.ended;
    assert.equal(end.reason, 'exited');
    assert.equal(end.exitCode, 7);
    const lines = out.stdout.split('\n').map((l) => l.trim());
    assert.equal(lines[0], '/usr/local/bin/busybox httpd -f -p 8080 -h /www', `PID 1 is the target's process; stderr: ${out.stderr}`);
    assert.equal(lines[1], '65532');
    assert.equal(lines[2], '65532');
    assert.equal(lines[3], INDEX_TEXT);
    assert.equal(lines[4], 'index.html');
    assert.equal(session.plan.user, '65532:65532');
    assert.equal(session.plan.labels[SIDECAR_LABEL], target.id);
    await waitFor('sidecar removal', async () => ((await containerGone(engine, session.containerId)) ? true : undefined));
  });

  it('interactive TTY session: banner, input, resize, and gone after close', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-tty` });
    const session = await engine.openSidecar({ target: `${PREFIX}-tty`, cols: 80, rows: 24 });
    const out = collect(session);
    await waitFor('banner', async () => (out.stdout.includes('/proc/1/root') ? true : undefined));
    assert.match(out.stdout, /^Debug sidecar for distroless-sidecar-test-tty .*no shell: distroless/);
    assert.match(out.stdout, /as the target's user 65532:65532/);
    assert.match(out.stdout, /under \/proc\/1\/root/);
    assert.equal(session.fileAccess.readable, true);
    await session.resize(132, 40);
    session.write('echo "cols=$(stty size)"; echo $((6*7))x\n');
    await waitFor('shell output', async () => (out.stdout.includes('42x') ? true : undefined));
    assert.match(out.stdout, /cols=40 132/);
    const sidecars = await sidecarsOf(engine, target.id);
    assert.deepEqual(sidecars.map((c) => c.Id), [session.containerId]);
    assert.ok(sidecars[0]!.Labels[SIDECAR_OWNER_LABEL]?.endsWith(`:${process.pid}`));
    const end = await session.close();
    assert.equal(end.reason, 'closed');
    assert.equal(await containerGone(engine, session.containerId), true);
    assert.deepEqual(await sidecarsOf(engine, target.id), []);
  });

  it('ends with target-stopped and is removed when the target stops', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-stop` });
    const session = await engine.openSidecar({ target: `${PREFIX}-stop` });
    await target.kill();
    const end = await session.ended;
    assert.equal(end.reason, 'target-stopped');
    assert.equal(end.message, `Target container ${PREFIX}-stop stopped; its debug sidecar was closed.`);
    assert.equal(await containerGone(engine, session.containerId), true);
  });

  it('root + SYS_PTRACE mode reads a root target that has an added capability', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-root`, user: '0:0', capAdd: ['NET_ADMIN'] });
    const info = await engine.inspectTarget(`${PREFIX}-root`);
    assert.deepEqual(info.user, { uid: 0, gid: 0, source: 'process' });
    assert.deepEqual(info.capAdd, ['NET_ADMIN']);
    for (const mode of ['root', 'match'] as const) {
      const session: SidecarSession = await engine.openSidecar({ target: `${PREFIX}-root`, mode, tty: false, command: ['sh', '-c', 'id -u; ls /proc/1/root/www; grep CapEff /proc/self/status'] });
      const out = collect(session);
      const end: SidecarEnd = await session.ended;
      assert.equal(end.exitCode, 0, `${mode}: ${out.stderr}`);
      const lines = out.stdout.trim().split('\n');
      assert.equal(lines[0], '0');
      assert.equal(lines[1], 'index.html');
      // SYS_PTRACE is bit 19 and NET_ADMIN bit 12 of the effective set.
      const capEff = BigInt('0x' + lines[2]!.split(/\s+/)[1]);
      assert.equal((capEff >> 12n) & 1n, 1n, `${mode}: NET_ADMIN copied from the target`);
      assert.equal((capEff >> 19n) & 1n, mode === 'root' ? 1n : 0n, `${mode}: SYS_PTRACE only in root mode`);
    }
    const plan = await engine.planSidecar(`${PREFIX}-root`, { mode: 'root' });
    assert.deepEqual(plan.capAdd, ['NET_ADMIN', 'SYS_PTRACE']);
    assert.equal(plan.privileged, false);
  });

  it('reports permission denied on /proc/1/root for a mismatched user, suggesting root mode', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-denied` });
    const session = await engine.openSidecar({ target: `${PREFIX}-denied`, user: '1000:1000' });
    const out = collect(session);
    await waitFor('banner', async () => (out.stdout.includes('Retry as root') ? true : undefined));
    assert.equal(session.fileAccess.readable, false);
    assert.ok(session.fileAccess.error instanceof FileAccessDeniedError);
    assert.equal(
      session.fileAccess.error.message,
      `Permission denied on /proc/1/root: the sidecar runs as 1000:1000, which the kernel does not allow to see the files of "${PREFIX}-denied". ` +
        'Retry as root with SYS_PTRACE (CLI --root, or the "root" sidecar mode).',
    );
    assert.match(out.stdout, /Warning: Permission denied on \/proc\/1\/root/);
    await session.close();
  });

  it('the docker run line makes the same sidecar', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    await startTarget(engine.docker, { name: `${PREFIX}-cli` });
    const line = await engine.dockerRunCommand(`${PREFIX}-cli`, { tty: false, stdin: false, command: ['sh', '-c', `id -u; ls /proc/1/root/www; echo "it's quoted"`] });
    assert.match(line, /^docker run --rm --pid=container:distroless-sidecar-test-cli --network=container:distroless-sidecar-test-cli --user 65532:65532 /);
    const env = { ...process.env, ...(engine.endpoint.source === 'DOCKER_HOST' ? {} : { DOCKER_HOST: engine.endpoint.url }) };
    const { stdout } = await run('sh', ['-c', line], { env });
    assert.equal(stdout, "65532\nindex.html\nit's quoted\n");
  });

  it('removes sidecars left behind by a crashed owner, and never a container it did not create', async (t) => {
    const engine = await engineOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-orphan` });
    const os = await import('node:os');
    // A PID far above pid_max's default cannot belong to a live process.
    const deadOwner = `${os.hostname()}:999999999`;
    const make = async (name: string, labels: Record<string, string>) => {
      await removeContainer(engine.docker, name);
      const container = await engine.docker.createContainer({
        name,
        Image: 'busybox:latest',
        Cmd: ['sleep', '300'],
        Labels: { [SIDECAR_LABEL]: target.id, [TEST_LABEL]: '1', ...labels },
        HostConfig: { PidMode: `container:${target.id}`, NetworkMode: `container:${target.id}` },
      });
      await container.start();
      return container;
    };
    const orphanName = `${PREFIX}-orphan-debug-1`;
    const orphanLabel = sessionLabelFor(orphanName);
    const orphan = await make(orphanName, { [SIDECAR_OWNER_LABEL]: deadOwner, [SIDECAR_SESSION_LABEL]: orphanLabel });
    const live = await make(`${PREFIX}-orphan-debug-2`, { [SIDECAR_OWNER_LABEL]: `${os.hostname()}:${process.pid}`, [SIDECAR_SESSION_LABEL]: sessionLabelFor(`${PREFIX}-orphan-debug-2`) });
    // A user's own containers with every sidecar label a dead owner would have: a name of
    // theirs; our name pattern with a made-up value; a value copied from a real sidecar.
    const users = [
      await make(`${PREFIX}-users-own`, { [SIDECAR_OWNER_LABEL]: deadOwner, [SIDECAR_SESSION_LABEL]: orphanLabel }),
      await make(`${PREFIX}-orphan-debug-3`, { [SIDECAR_OWNER_LABEL]: deadOwner, [SIDECAR_SESSION_LABEL]: `${'0'.repeat(24)}.${'0'.repeat(32)}` }),
      await make(`${PREFIX}-orphan-debug-4`, { [SIDECAR_OWNER_LABEL]: deadOwner, [SIDECAR_SESSION_LABEL]: orphanLabel }),
      await make(`${PREFIX}-orphan-debug-5`, { [SIDECAR_OWNER_LABEL]: deadOwner }),
    ];
    try {
      const removed = await engine.removeOrphanSidecars();
      assert.deepEqual(removed, [orphan.id]);
      assert.equal(await containerGone(engine, orphan.id), true);
      assert.equal(await containerGone(engine, live.id), false);
      for (const user of users) assert.equal((await user.inspect()).State.Running, true, 'a user\'s container is left running');
      // And the containers view shows them: only verified sidecars are hidden.
      const listed = await engine.listContainers();
      for (const user of users) assert.equal(listed.find((c) => c.id === user.id)?.isSidecar, false);
      assert.equal(listed.find((c) => c.id === live.id)?.isSidecar, true);
    } finally {
      for (const c of [live, ...users]) await removeContainer(engine.docker, c.id);
    }
  });

  describe('errors a user can act on', () => {
    it('target not running', async (t) => {
      const engine = await engineOrSkip(t);
      if (!engine) return;
      const target = await startTarget(engine.docker, { name: `${PREFIX}-stopped` });
      await target.kill();
      await target.wait();
      await assert.rejects(engine.openSidecar({ target: `${PREFIX}-stopped` }), (err: unknown) => {
        assert.ok(err instanceof TargetNotRunningError);
        assert.equal(
          err.message,
          `Container "${PREFIX}-stopped" is not running (state: exited). A debug sidecar joins a running container's processes and network; start it first (docker start ${PREFIX}-stopped).`,
        );
        return true;
      });
      assert.deepEqual(await sidecarsOf(engine, target.id), []);
    });

    it('engine that does not answer', async () => {
      await assert.rejects(createDockerService({ env: { DOCKER_HOST: 'unix:///tmp/distroless-no-engine.sock' }, pingTimeoutMs: 1000 }), (err: unknown) => {
        assert.ok(err instanceof EngineUnreachableError);
        assert.equal(
          err.message,
          'No Docker engine answered. Tried: unix:///tmp/distroless-no-engine.sock (DOCKER_HOST): no such socket. ' +
            "Start Docker (or Podman's Docker-compatible socket), or point DOCKER_HOST / DOCKER_CONTEXT at a running engine.",
        );
        return true;
      });
      await assert.rejects(createDockerService({ env: { DOCKER_HOST: 'tcp://127.0.0.1:9' }, pingTimeoutMs: 1000 }), {
        name: 'EngineUnreachableError',
        message: /^No Docker engine answered\. Tried: tcp:\/\/127\.0\.0\.1:9 \(DOCKER_HOST\): connection refused \(engine not running\?\)\./,
      });
    });

    it('tools image that cannot be had', async (t) => {
      const engine = await engineOrSkip(t);
      if (!engine) return;
      const target = await startTarget(engine.docker, { name: `${PREFIX}-noimage` });
      // Port 9 on localhost: a registry that refuses at once, no internet needed.
      const image = '127.0.0.1:9/distroless-test/missing:1';
      const progress: string[] = [];
      await assert.rejects(engine.openSidecar({ target: `${PREFIX}-noimage`, image, onPullProgress: (p) => progress.push(p.status) }), (err: unknown) => {
        assert.ok(err instanceof ImageUnavailableError);
        assert.match(
          err.message,
          /^The tools image "127\.0\.0\.1:9\/distroless-test\/missing:1" is not on the engine and could not be pulled: .*connection refused.*\. Pull or load it yourself \(docker pull 127\.0\.0\.1:9\/distroless-test\/missing:1, or docker load on an offline machine\), or choose another tools image with a shell \(setting distroless\.sidecar\.image, CLI --image\)\.$/,
        );
        return true;
      });
      assert.deepEqual(progress.slice(0, 1), ['Pulling']);
      assert.deepEqual(await sidecarsOf(engine, target.id), []);
    });
  });
});
