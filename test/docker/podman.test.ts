/**
 * The sidecar, port-forward and files features against a real Podman serving
 * its Docker-compatible API (.ci/podman.sh), so "works on Podman" is tested.
 * The engine is DISTROLESS_PODMAN_HOST (CI exports it), else the socket
 * .ci/podman.sh start makes. Skips with the reason when neither answers;
 * fails instead under CI=true.
 */
import { describe, it, before, after, TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import { REPO_ROOT } from '../support/paths';
import { createDockerService, DockerService, SIDECAR_LABEL } from '../../server/src/docker';
import { binaryData, ensureFilesImage, FILES_IMAGE, SECRET_TEXT } from './filesFixture';
import { ensureToolsImage, INDEX_TEXT, startTarget, waitFor } from './fixtures';

const PREFIX = 'distroless-podman-test';
const LABEL = 'io.distroless.test.podman';
const HOST = process.env.DISTROLESS_PODMAN_HOST || 'unix:///tmp/distroless-ci-podman/podman.sock';

let cached: Promise<DockerService | Error> | undefined;
function findPodman(): Promise<DockerService | Error> {
  cached ??= createDockerService({ env: { DOCKER_HOST: HOST }, pingTimeoutMs: 5000 }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  return cached;
}

async function podmanOrSkip(t: TestContext): Promise<DockerService | undefined> {
  const engine = await findPodman();
  if (!(engine instanceof Error)) return engine;
  if (process.env.CI === 'true') throw new Error(`CI=true but Podman's API does not answer at ${HOST} (start it with: bash .ci/podman.sh start): ${engine.message}`);
  t.skip(`no Podman API at ${HOST} (bash .ci/podman.sh start): ${engine.message}`);
  return undefined;
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/index.html', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** By label, then by name in code: Podman's compatible API does not take the `^/prefix` name filter the Docker helper uses. */
async function removeOurs(docker: Docker): Promise<void> {
  const ours = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
  for (const c of ours.filter((c) => c.Names?.some((n) => n.replace(/^\//, '').startsWith(PREFIX)))) {
    await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
}

async function sidecarsOf(svc: DockerService, targetId: string) {
  return svc.docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${targetId}`] } });
}

describe('on Podman (Docker-compatible API)', { concurrency: false }, () => {
  before(async () => {
    const engine = await findPodman();
    if (engine instanceof Error) return;
    await removeOurs(engine.docker);
    await ensureToolsImage(engine.docker);
    await ensureFilesImage(engine.docker);
  });
  after(async () => {
    const engine = await findPodman();
    if (!(engine instanceof Error)) await removeOurs(engine.docker);
  });

  it('the endpoint is Podman', async (t) => {
    const engine = await podmanOrSkip(t);
    if (!engine) return;
    const version = (await engine.docker.version()) as { Components?: Array<{ Name: string }> };
    assert.ok(version.Components?.some((c) => c.Name === 'Podman Engine'), JSON.stringify(version.Components));
  });

  it('a sidecar joins a shell-less target as its user and sees its files; closing removes it', async (t) => {
    const engine = await podmanOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-sidecar`, image: FILES_IMAGE, label: LABEL });
    const targetId = (await target.inspect()).Id;
    const info = await engine.inspectTarget(`${PREFIX}-sidecar`);
    assert.equal(info.hasShell, false);
    assert.equal(info.user.uid, 65532);
    const session = await engine.openSidecar({ target: `${PREFIX}-sidecar`, tty: false, command: ['sh', '-c', "id -u; cat /proc/1/root/home/nonroot/secret.txt; tr '\\0' ' ' < /proc/1/cmdline"] });
    let out = '';
    session.onData((d, which) => which === 'stdout' && (out += d.toString()));
    const end = await session.ended;
    assert.equal(end.exitCode, 0, out);
    // PID 1 is the target's process: its namespace was joined.
    assert.equal(out, `65532\n${SECRET_TEXT}/usr/local/bin/busybox httpd -f -p 8080 -h /www `);
    await waitFor('sidecar removed', async () => ((await sidecarsOf(engine, targetId)).length === 0 ? true : undefined));
  });

  it('port-forward reaches a port the target listens on only on its own 127.0.0.1', async (t) => {
    const engine = await podmanOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-forward`, image: FILES_IMAGE, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const targetId = (await target.inspect()).Id;
    const forward = await engine.openPortForward({ target: `${PREFIX}-forward`, remotePort: 8080 });
    try {
      assert.equal(await httpGet(forward.localPort), INDEX_TEXT + '\n');
      const [a, b] = await Promise.all([httpGet(forward.localPort), httpGet(forward.localPort)]);
      assert.deepEqual([a, b], [INDEX_TEXT + '\n', INDEX_TEXT + '\n']);
    } finally {
      await forward.close();
    }
    assert.deepEqual(await sidecarsOf(engine, targetId), []);
    // A stopped target ends a forward with a message.
    const again = await engine.openPortForward({ target: `${PREFIX}-forward`, remotePort: 8080 });
    await target.stop({ t: 0 });
    const end = await again.ended;
    assert.equal(end.reason, 'target-stopped');
    assert.deepEqual(await sidecarsOf(engine, targetId), []);
  });

  it('a killed port-forward CLI leaves no sidecar behind on Podman either', async (t) => {
    const engine = await podmanOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-kill`, image: FILES_IMAGE, label: LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });
    const targetId = (await target.inspect()).Id;
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'port-forward', `${PREFIX}-kill`, ':8080'], { env: { ...process.env, DOCKER_HOST: HOST }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const port = Number(await waitFor('Forwarding line', async () => /^Forwarding 127\.0\.0\.1:(\d+)/m.exec(stdout)?.[1], 30000));
    assert.equal(await httpGet(port), INDEX_TEXT + '\n');
    assert.equal((await sidecarsOf(engine, targetId)).length, 1);
    child.kill('SIGKILL');
    await exited;
    await waitFor('the sidecar gone after its owner was killed', async () => ((await sidecarsOf(engine, targetId)).length === 0 ? true : undefined), 15000);
  });

  it('files: list and read a 0600 file of uid 65532, binary byte for byte, also when stopped', async (t) => {
    const engine = await podmanOrSkip(t);
    if (!engine) return;
    const target = await startTarget(engine.docker, { name: `${PREFIX}-files`, image: FILES_IMAGE, label: LABEL });
    const entries = await engine.listDirectory(`${PREFIX}-files`, '/home/nonroot');
    const secret = entries.find((e) => e.name === 'secret.txt');
    assert.deepEqual([secret?.mode, secret?.uid, secret?.gid], [0o600, 65532, 65532]);
    const read = async (p: string) => {
      const chunks: Buffer[] = [];
      for await (const c of (await engine.readFile(`${PREFIX}-files`, p)).stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    assert.equal((await read('/home/nonroot/secret.txt')).toString(), SECRET_TEXT);
    assert.ok((await read('/home/nonroot/latest')).equals(binaryData()));
    await target.stop({ t: 0 });
    assert.equal((await read('/home/nonroot/secret.txt')).toString(), SECRET_TEXT);
  });
});
