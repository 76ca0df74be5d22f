/**
 * Registry lookups (opt-in) against a real registry on this machine: Debian's
 * docker-registry (the Distribution registry) started by .ci/registry.sh, plain HTTP
 * on 127.0.0.1. Images are made offline with `docker import`, pushed through the real
 * engine, and removed from the engine, so only the registry knows them; a
 * multi-platform index is put together through the registry's own API. What the
 * registry served is read back from its access log (our requests carry their own
 * user agent). Skips with the reason when no engine or no registry; fails under CI=true.
 */
import { test, before, after, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { findEngine } from './engine';
import { makeProject, runCli } from '../support/cli';
import { startServer } from '../support/lspClient';
import { USER_AGENT } from '../../server/src/host/imageFacts/registry';

const HOST = process.env.DISTROLESS_REGISTRY_HOST || '127.0.0.1:5055';
const LOG = process.env.DISTROLESS_REGISTRY_LOG || '/tmp/distroless-ci-registry/registry.log';
const REPO = `distroless-registry-${process.pid}-${Date.now().toString(36)}`;
const STATIC = `${HOST}/${REPO}/static:test`;
const ROOT = `${HOST}/${REPO}/root:test`;
/** An OCI index: linux/amd64 is STATIC's manifest, linux/arm64 one made here that runs as root. */
const MULTI = `${HOST}/${REPO}/static:multi`;
const BUSYBOX = '/bin/busybox';

let work: string;
let unavailable: string | undefined;
const pushed: Record<string, { manifest: string; config: string; layer: string }> = {};

async function registryAnswers(): Promise<boolean> {
  try {
    const response = await fetch(`http://${HOST}/v2/`, { signal: AbortSignal.timeout(3000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `docker import` a rootfs, push it, and drop every local copy: the registry alone has it. */
function importAndPush(name: string, files: (root: string) => void, changes: string[]): void {
  const root = fs.mkdtempSync(path.join(work, 'rootfs-'));
  files(root);
  const tarball = `${root}.tar`;
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
  execFileSync('docker', ['import', ...changes.flatMap((c) => ['--change', c]), tarball, name], { stdio: 'pipe' });
  const push = execFileSync('docker', ['push', name], { stdio: 'pipe' }).toString();
  const manifest = /digest: (sha256:[a-f0-9]{64})/.exec(push)?.[1];
  assert.ok(manifest, push);
  const config = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', name]).toString().trim();
  execFileSync('docker', ['rmi', name], { stdio: 'pipe' });
  pushed[name] = { manifest, config, layer: '' };
}

async function putManifest(reference: string, body: string, contentType: string): Promise<void> {
  const response = await fetch(`http://${HOST}/v2/${REPO}/static/manifests/${reference}`, { method: 'PUT', body, headers: { 'content-type': contentType } });
  assert.equal(response.status, 201, `manifest ${reference}: ${await response.text()}`);
}

/** A blob upload as the Distribution API has it: open a session, then PUT the bytes with their digest. */
async function putBlob(body: string): Promise<void> {
  const opened = await fetch(`http://${HOST}/v2/${REPO}/static/blobs/uploads/`, { method: 'POST' });
  assert.equal(opened.status, 202, await opened.text());
  const location = new URL(opened.headers.get('location')!, `http://${HOST}`);
  location.searchParams.set('digest', sha256(body));
  const done = await fetch(location, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(done.status, 201, await done.text());
}

/** The arm64 image config and manifest (the amd64 one's layer, a root user), and an OCI index of both. */
async function pushIndex(): Promise<void> {
  const amd64 = await (await fetch(`http://${HOST}/v2/${REPO}/static/manifests/test`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } })).text();
  const amd64Manifest = JSON.parse(amd64) as { layers: Array<{ digest: string; size: number; mediaType: string }> };
  const layer = amd64Manifest.layers[0];
  const config = JSON.stringify({ architecture: 'arm64', variant: 'v8', os: 'linux', config: { Entrypoint: ['/arm'], Env: ['PATH=/usr/bin'] }, rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } });
  await putBlob(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: Buffer.byteLength(config) },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }],
  });
  await putManifest(sha256(manifest), manifest, 'application/vnd.oci.image.manifest.v1+json');
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: pushed[STATIC].manifest, size: Buffer.byteLength(amd64), platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: Buffer.byteLength(manifest), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
  });
  await putManifest('multi', index, 'application/vnd.oci.image.index.v1+json');
  pushed[MULTI] = { manifest: sha256(manifest), config: sha256(config), layer: layer.digest };
  pushed[STATIC].layer = layer.digest;
}

before(async () => {
  const engine = await findEngine();
  if (engine instanceof Error) {
    unavailable = `no Docker engine: ${engine.message}`;
    return;
  }
  if (!(await registryAnswers())) {
    unavailable = fs.existsSync('/usr/bin/docker-registry')
      ? `no registry answers at http://${HOST}/v2/ (start one with: bash .ci/registry.sh start)`
      : `Debian's docker-registry package is not installed (apt-get install docker-registry; then bash .ci/registry.sh start)`;
    return;
  }
  if (!fs.existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: install Debian's busybox-static`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-image-facts-registry-'));
  const executable = (root: string, to: string) => {
    fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    fs.copyFileSync(BUSYBOX, path.join(root, to));
    fs.chmodSync(path.join(root, to), 0o755);
  };
  importAndPush(STATIC, (root) => executable(root, 'server'), ['USER 65532:65532', 'ENTRYPOINT ["/server"]']);
  importAndPush(ROOT, (root) => {
    executable(root, 'bin/busybox');
    fs.symlinkSync('busybox', path.join(root, 'bin', 'sh'));
  }, ['ENV PATH=/bin', 'ENV NODE_VERSION=22.11.0', 'ENTRYPOINT ["/usr/local/bin/node"]']);
  await pushIndex();
});

after(() => {
  // The registry's storage goes with `registry.sh stop`; nothing of ours is left on the engine.
  for (const name of [STATIC, ROOT]) spawnSync('docker', ['rmi', '--force', name], { stdio: 'ignore' });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function registryOrSkip(t: TestContext): boolean {
  if (!unavailable) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${unavailable}`);
  t.skip(unavailable);
  return false;
}

/** Our requests the registry logged since `offset` (bytes into its log): `GET /v2/...` paths. */
function requestsSince(offset: number): string[] {
  const text = fs.readFileSync(LOG).subarray(offset).toString();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /"(GET|HEAD) (\/v2\/[^ ]*) HTTP\/[0-9.]+" (\d+) .*"([^"]*)"$/.exec(line);
    if (m && m[4] === USER_AGENT) out.push(`${m[1]} ${m[2]} ${m[3]}`);
  }
  return out;
}

const logSize = () => fs.statSync(LOG).size;

interface JsonReport {
  files: Array<{ diagnostics: Array<{ ruleId: string; line: number }> }>;
}

async function lintJson(project: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<{ findings: Array<[string, number]>; stderr: string; code: number }> {
  const run = await runCli(['lint', '--format', 'json', ...extra, 'Dockerfile'], { cwd: project, env });
  const report = JSON.parse(run.stdout) as JsonReport;
  return { findings: (report.files[0]?.diagnostics ?? []).map((d) => [d.ruleId, d.line]), stderr: run.stderr, code: run.code };
}

/** Lets the registry write its log lines for what it just answered. */
const settle = () => new Promise((r) => setTimeout(r, 200));

test('with registry lookups on, lint takes user and entrypoint from the registry; off, the registry is not asked', async (t) => {
  if (!registryOrSkip(t)) return;
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  const root = makeProject({ Dockerfile: `FROM ${ROOT}\nCMD ["/app.js"]\n` });

  const offOffset = logSize();
  // The table does not know the image and the engine does not have it: nothing claimed.
  assert.deepEqual((await lintJson(root, env)).findings, []);
  assert.deepEqual((await lintJson(root, env, ['--no-image-inspect'])).findings, []);
  await settle();
  assert.deepEqual(requestsSince(offOffset), [], 'no request to the registry while lookups are off');

  const onOffset = logSize();
  const on = await lintJson(root, env, ['--registry-lookups']);
  // No USER in the registry's config: root. (Its shell is not in the config: nothing about it.)
  assert.deepEqual(on.findings, [['runs-as-root', 1]]);
  assert.equal(on.stderr, '');
  await settle();
  assert.deepEqual(requestsSince(onOffset), [
    `GET /v2/${REPO}/root/manifests/test 200`,
    `GET /v2/${REPO}/root/blobs/${pushed[ROOT].config} 200`,
  ], 'the manifest and the config, never a layer');

  // The registry alone, without the engine.
  assert.deepEqual((await lintJson(root, env, ['--registry-lookups', '--no-image-inspect'])).findings, [['runs-as-root', 1]]);
  // A USER in the Dockerfile is not the image's default: no finding.
  const withUser = makeProject({ Dockerfile: `FROM ${ROOT}\nUSER 1000\nCMD ["/app.js"]\n` });
  assert.deepEqual((await lintJson(withUser, env, ['--registry-lookups'])).findings, []);
});

test('the registry\'s answer is kept by manifest digest: a second run asks for the manifest only', async (t) => {
  if (!registryOrSkip(t)) return;
  const cache = fs.mkdtempSync(path.join(work, 'cache-'));
  const env = { ...process.env, DISTROLESS_CACHE_DIR: cache };
  const project = makeProject({ Dockerfile: `FROM ${ROOT}\nCMD ["/app.js"]\n` });
  await lintJson(project, env, ['--registry-lookups']);
  const offset = logSize();
  assert.deepEqual((await lintJson(project, env, ['--registry-lookups'])).findings, [['runs-as-root', 1]]);
  await settle();
  assert.deepEqual(requestsSince(offset), [`GET /v2/${REPO}/root/manifests/test 200`]);
  assert.deepEqual(fs.readdirSync(path.join(cache, 'registry-facts', 'v1')), [`${pushed[ROOT].manifest.replace(':', '-')}.json`]);
});

test('an index is resolved to the build platform, or to FROM --platform', async (t) => {
  if (!registryOrSkip(t)) return;
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  const offset = logSize();
  // linux/amd64 (this machine): the static image, 65532.
  if (process.arch === 'x64') {
    const here = makeProject({ Dockerfile: `FROM ${MULTI}\nCMD ["/x"]\n` });
    assert.deepEqual((await lintJson(here, env, ['--registry-lookups'])).findings, []);
  }
  // linux/arm64: the arm64 manifest's config, which sets no USER: root.
  const arm = makeProject({ Dockerfile: `FROM --platform=linux/arm64 ${MULTI}\nCMD ["/x"]\n` });
  assert.deepEqual((await lintJson(arm, env, ['--registry-lookups'])).findings, [['runs-as-root', 1]]);
  // No such platform in the index: the table (which does not know it), nothing claimed.
  const s390x = makeProject({ Dockerfile: `FROM --platform=linux/s390x ${MULTI}\nCMD ["/x"]\n` });
  assert.deepEqual((await lintJson(s390x, env, ['--registry-lookups'])).findings, []);
  await settle();
  const requests = requestsSince(offset);
  assert.ok(requests.includes(`GET /v2/${REPO}/static/manifests/${pushed[MULTI].manifest} 200`), requests.join('\n'));
  assert.ok(!requests.some((r) => r.includes(pushed[MULTI].layer)), 'no layer is fetched');
});

test('with the registry down or hanging, lint falls back to the table without an error', async (t) => {
  if (!registryOrSkip(t)) return;
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  // A port nothing listens on: taken and released.
  const closed = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
  const down = makeProject({ Dockerfile: `FROM 127.0.0.1:${closed}/${REPO}/root:test\nCMD ["/app.js"]\n` });
  const started = Date.now();
  const result = await lintJson(down, env, ['--registry-lookups']);
  assert.deepEqual(result.findings, []);
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
  // An image the table knows (through a mirror in the configuration), its registry down: the table's findings.
  const known = makeProject({
    Dockerfile: `FROM 127.0.0.1:${closed}/distroless/static-debian13\nCMD /app\n`,
    '.distroless.json': JSON.stringify({ registry: `127.0.0.1:${closed}/distroless` }),
  });
  assert.deepEqual((await lintJson(known, env, ['--registry-lookups'])).findings, [['runs-as-root', 1], ['shell-form-in-shellless-stage', 2]]);
  t.diagnostic(`lint with the registry down took ${Date.now() - started} ms`);
});

test('the language server publishes again with the registry\'s facts; hover names the registry as their source', async (t) => {
  if (!registryOrSkip(t)) return;
  const server = await startServer({ diagnosticsDelay: 0, imageFacts: { registryLookups: true } }, { env: { DOCKER_HOST: process.env.DOCKER_HOST ?? '', DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) } });
  try {
    const uri = 'file:///tmp/image-facts-registry/Dockerfile';
    const first = server.nextDiagnostics(uri, 1);
    server.open(uri, `FROM ${ROOT}\nCMD ["/app.js"]\n`);
    const ours = (d: { diagnostics: Array<{ source?: string; code?: string | number }> }) => d.diagnostics.filter((x) => x.source === 'distroless').map((x) => x.code);
    assert.deepEqual(ours(await first), [], 'first publish: nothing known yet');
    const deadline = Date.now() + 30_000;
    while (server.published.filter((p) => p.uri === uri).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const publishes = server.published.filter((p) => p.uri === uri);
    assert.equal(publishes.length, 2, `published again once the registry answered; stderr: ${server.stderr()}`);
    assert.deepEqual(ours(publishes[1]), ['runs-as-root']);

    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 8 } }))!;
    const config = pushed[ROOT].config.slice(0, 'sha256:'.length + 12);
    const manifest = pushed[ROOT].manifest.slice(0, 'sha256:'.length + 12);
    assert.equal((hover.contents as MarkupContent).value, [
      `**${ROOT}**`,
      `Not read from a local image. Image config ${config} read from the registry ${HOST} (manifest ${manifest}, linux/amd64); its files were not read.`,
      '',
      '- shell: unknown: only the image config was read from the registry, not its files',
      `- runs as root (uid 0): from the registry's image config (${config})`,
      `- entrypoint ["/usr/local/bin/node"]: from the registry's image config (${config})`,
      `- runtime node 22: from the registry's image config (${config})`,
      '- libc: unknown: only the image config was read from the registry, not its files',
    ].join('\n'));
  } finally {
    await server.close();
  }
});
