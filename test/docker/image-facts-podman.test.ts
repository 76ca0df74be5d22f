/**
 * Local image facts on Podman's Docker-compatible API (.ci/podman.sh): its exported
 * archive lays layers out as `<hex>.tar`, not Docker's `<id>/layer.tar`. Images are
 * imported through the API from tarballs built here. Skips with the reason when no
 * Podman answers; fails instead under CI=true.
 */
import { test, before, after, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { connectEngine } from '../../server/src/docker/connection';
import { makeProject, runCli } from '../support/cli';

const HOST = process.env.DISTROLESS_PODMAN_HOST || 'unix:///tmp/distroless-ci-podman/podman.sock';
const PREFIX = `localhost/distroless-image-facts-podman-${process.pid}-${Date.now().toString(36)}`;
const STATIC = `${PREFIX}-static:test`;
const ROOT_SHELL = `${PREFIX}-shell:test`;
const BUSYBOX = '/bin/busybox';

let podman: Docker | Error | undefined;
let work: string;

async function findPodman(): Promise<Docker | Error> {
  podman ??= await connectEngine({ env: { DOCKER_HOST: HOST }, pingTimeoutMs: 5000 }).then((c) => c.docker, (e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  return podman;
}

async function podmanOrSkip(t: TestContext): Promise<Docker | undefined> {
  const engine = await findPodman();
  if (!(engine instanceof Error)) return engine;
  if (process.env.CI === 'true') throw new Error(`CI=true but Podman's API does not answer at ${HOST} (start it with: bash .ci/podman.sh start): ${engine.message}`);
  t.skip(`no Podman API at ${HOST} (bash .ci/podman.sh start): ${engine.message}`);
  return undefined;
}

async function importImage(docker: Docker, name: string, files: (root: string) => void, changes: string[]): Promise<void> {
  const root = fs.mkdtempSync(path.join(work, 'rootfs-'));
  files(root);
  const tarball = `${root}.tar`;
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
  // Podman takes the tag inside `repo` (a separate tag is ignored).
  const stream = await docker.importImage(fs.createReadStream(tarball) as never, { repo: name, changes } as never);
  for await (const chunk of stream as unknown as AsyncIterable<Buffer>) void chunk;
}

before(async () => {
  const engine = await findPodman();
  if (engine instanceof Error) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-image-facts-podman-'));
  await importImage(engine, STATIC, (root) => {
    fs.copyFileSync(BUSYBOX, path.join(root, 'server'));
    fs.chmodSync(path.join(root, 'server'), 0o755);
  }, ['USER 65532:65532']);
  await importImage(engine, ROOT_SHELL, (root) => {
    fs.mkdirSync(path.join(root, 'bin'));
    fs.copyFileSync(BUSYBOX, path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    fs.symlinkSync('busybox', path.join(root, 'bin', 'sh'));
  }, []);
});

after(async () => {
  const engine = await findPodman();
  if (engine instanceof Error) return;
  for (const name of [STATIC, ROOT_SHELL]) await engine.getImage(name).remove({ force: true }).catch(() => undefined);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('on Podman, lint reports what each real image implies', async (t) => {
  if (!(await podmanOrSkip(t))) return;
  const env = { ...process.env, DOCKER_HOST: HOST, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  const cases: Array<[string, Array<[string, number]>]> = [
    [STATIC, [['shell-form-in-shellless-stage', 2]]],
    [ROOT_SHELL, [['runs-as-root', 1]]],
  ];
  for (const [image, expected] of cases) {
    const project = makeProject({ Dockerfile: `FROM ${image}\nCMD /server --port 8080\n` });
    const run = await runCli(['lint', '--format', 'json', 'Dockerfile'], { cwd: project, env });
    const report = JSON.parse(run.stdout) as { files: Array<{ diagnostics: Array<{ ruleId: string; line: number }> }> };
    assert.deepEqual(report.files[0].diagnostics.map((d) => [d.ruleId, d.line]), expected, image);
    assert.equal(run.stderr, '');
  }
});
