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
import { createHash, createSign } from 'node:crypto';
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import * as http from 'node:http';
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
/** Every name imported on the engine, removed again by after() should a push fail half-way. */
const imported = new Set<string>();

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

const run = promisify(execFile);

/**
 * `docker import` a rootfs, push it, and drop every local copy: the registry alone has
 * it. Asynchronous: a token service in this process must answer the engine meanwhile.
 */
async function importAndPush(name: string, files: (root: string) => void, changes: string[]): Promise<void> {
  const root = fs.mkdtempSync(path.join(work, 'rootfs-'));
  files(root);
  const tarball = `${root}.tar`;
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
  imported.add(name);
  await run('docker', ['import', ...changes.flatMap((c) => ['--change', c]), tarball, name]);
  const push = (await run('docker', ['push', name])).stdout;
  const manifest = /digest: (sha256:[a-f0-9]{64})/.exec(push)?.[1];
  assert.ok(manifest, push);
  const config = (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', name])).stdout.trim();
  await run('docker', ['rmi', name]);
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
  await importAndPush(STATIC, (root) => executable(root, 'server'), ['USER 65532:65532', 'ENTRYPOINT ["/server"]']);
  await importAndPush(ROOT, (root) => {
    executable(root, 'bin/busybox');
    fs.symlinkSync('busybox', path.join(root, 'bin', 'sh'));
  }, ['ENV PATH=/bin', 'ENV NODE_VERSION=22.11.0', 'ENTRYPOINT ["/usr/local/bin/node"]']);
  await pushIndex();
});

after(() => {
  // The registry's storage goes with `registry.sh stop`; nothing of ours is left on the engine.
  for (const name of imported) spawnSync('docker', ['rmi', '--force', name], { stdio: 'ignore' });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function registryOrSkip(t: TestContext): boolean {
  if (!unavailable) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${unavailable}`);
  t.skip(unavailable);
  return false;
}

/** Our requests the registry logged since `offset` (bytes into its log): `GET /v2/...` paths. */
function requestsSince(offset: number, log = LOG): string[] {
  const text = fs.readFileSync(log).subarray(offset).toString();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /"(GET|HEAD) (\/v2\/[^ ]*) HTTP\/[0-9.]+" (\d+) .*"([^"]*)"$/.exec(line);
    if (m && m[4] === USER_AGENT) out.push(`${m[1]} ${m[2]} ${m[3]}`);
  }
  return out;
}

const logSize = () => fs.statSync(LOG).size;
const requestsIn = (log: string) => requestsSince(0, log);

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
    `HEAD /v2/${REPO}/root/manifests/test 200`,
    `GET /v2/${REPO}/root/manifests/test 200`,
    `GET /v2/${REPO}/root/blobs/${pushed[ROOT].config} 200`,
  ], 'a HEAD of the tag, the manifest and the config, never a layer');

  // The registry alone, without the engine.
  assert.deepEqual((await lintJson(root, env, ['--registry-lookups', '--no-image-inspect'])).findings, [['runs-as-root', 1]]);
  // A USER in the Dockerfile is not the image's default: no finding.
  const withUser = makeProject({ Dockerfile: `FROM ${ROOT}\nUSER 1000\nCMD ["/app.js"]\n` });
  assert.deepEqual((await lintJson(withUser, env, ['--registry-lookups'])).findings, []);
});

test('the registry\'s answer is kept by manifest digest: a second run asks only a HEAD of the tag (not a pull on Docker Hub)', async (t) => {
  if (!registryOrSkip(t)) return;
  const cache = fs.mkdtempSync(path.join(work, 'cache-'));
  const env = { ...process.env, DISTROLESS_CACHE_DIR: cache };
  const project = makeProject({ Dockerfile: `FROM ${ROOT}\nCMD ["/app.js"]\n` });
  await lintJson(project, env, ['--registry-lookups']);
  const offset = logSize();
  assert.deepEqual((await lintJson(project, env, ['--registry-lookups'])).findings, [['runs-as-root', 1]]);
  await settle();
  assert.deepEqual(requestsSince(offset), [`HEAD /v2/${REPO}/root/manifests/test 200`]);
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
    // The problem's explanation comes first (issue 27), then the facts; the registry's
    // config text is escaped for Markdown (issue 23), so its brackets never make a link.
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /^\[runs-as-root\]\(https:\/\/[^)]+#runs-as-root\): The image runs as root/);
    assert.equal(value.slice(value.indexOf(`**${ROOT}**`)), [
      `**${ROOT}**`,
      `Not read from a local image. Image config ${config} read from the registry ${HOST} (manifest ${manifest}, linux/amd64); its files were not read.`,
      '',
      '- Not known (only the image config was read from the registry, not its files): shell; libc.',
      `- From the registry's image config (${config}): runs as root (uid 0); entrypoint \\["/usr/local/bin/node"\\]; runtime node 22.`,
    ].join('\n'));
  } finally {
    await server.close();
  }
});

/*
 * Token authentication as Docker Hub, gcr.io and cgr.dev do it: a second registry,
 * started here from the same docker-registry binary with `auth: token`, answers 401
 * with a Bearer challenge whose realm is a token service in this process. Tokens are
 * JWTs signed with a key made by openssl for this run (the registry trusts its
 * certificate), granting whatever scope is asked, to anyone: anonymous, as our client is.
 */
interface TokenRegistry {
  host: string;
  /** The token service (its realm), on a port of its own. */
  tokenHost: string;
  tokenRequests: Array<{ userAgent: string; scope: string[]; authorization: boolean }>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function opensslOrSkip(t: TestContext): boolean {
  if (!spawnSync('openssl', ['version']).error) return true;
  if (process.env.CI === 'true') throw new Error('CI=true but openssl (Debian\'s openssl) is missing: it makes the token registry\'s key');
  t.skip('openssl is missing: it makes the token registry\'s key');
  return false;
}

async function startTokenRegistry(dir: string, grant: boolean): Promise<TokenRegistry> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=distroless-test-token'], { stdio: 'pipe' });
  const key = fs.readFileSync(path.join(dir, 'key.pem'));
  const der = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, '');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const tokenRequests: TokenRegistry['tokenRequests'] = [];
  const tokens = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scope = url.searchParams.getAll('scope');
    tokenRequests.push({ userAgent: String(req.headers['user-agent']), scope, authorization: req.headers.authorization !== undefined });
    if (!grant) {
      res.statusCode = 403;
      res.end('{"details":"no anonymous access"}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scope.map((s) => {
      const [type, name, actions] = s.split(':');
      return { type, name, actions: actions.split(',') };
    });
    const body = `${b64({ typ: 'JWT', alg: 'RS256', x5c: [der] })}.${b64({ iss: 'distroless-test-issuer', sub: '', aud: 'distroless-test', exp: now + 300, nbf: now - 10, iat: now, jti: `${now}-${tokenRequests.length}`, access })}`;
    const signature = createSign('sha256').update(body).sign(key).toString('base64url');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ token: `${body}.${signature}`, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => tokens.listen(0, '127.0.0.1', resolve));
  const tokenPort = (tokens.address() as net.AddressInfo).port;
  const host = `127.0.0.1:${await freePort()}`;
  fs.writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1',
    'log: { level: info }',
    `storage: { filesystem: { rootdirectory: ${path.join(dir, 'storage')} } }`,
    `http: { addr: "${host}" }`,
    `auth: { token: { realm: "http://127.0.0.1:${tokenPort}/token", service: distroless-test, issuer: distroless-test-issuer, rootcertbundle: ${path.join(dir, 'cert.pem')} } }`,
    '',
  ].join('\n'));
  const log = fs.openSync(path.join(dir, 'registry.log'), 'w');
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => tokens.close(resolve));
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
    if (status === 401) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await close();
      throw new Error(`the token registry did not start: ${fs.readFileSync(path.join(dir, 'registry.log'), 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The token service listens on a port of its own: lookups follow its realm only when named (--registry-redirect-host).
  return { host, tokenHost: `127.0.0.1:${tokenPort}`, tokenRequests, close };
}

test('a registry that wants a Bearer token: an anonymous one is fetched from the realm of its challenge', async (t) => {
  if (!registryOrSkip(t) || !opensslOrSkip(t)) return;
  const dir = fs.mkdtempSync(path.join(work, 'token-'));
  const registry = await startTokenRegistry(dir, true);
  const name = `${registry.host}/${REPO}/token:test`;
  try {
    // The engine pushes through the same token flow (it asks for push,pull).
    await importAndPush(name, () => undefined, ['USER 0', 'ENTRYPOINT ["/server"]']);
    registry.tokenRequests.length = 0;
    const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
    const project = makeProject({ Dockerfile: `FROM ${name}\nCMD ["/x"]\n` });
    assert.deepEqual((await lintJson(project, env, ['--registry-lookups', '--registry-redirect-host', registry.tokenHost])).findings, [['runs-as-root', 1]]);
    // One token for the manifest and the config: anonymous (no Authorization), pull only.
    assert.deepEqual(registry.tokenRequests, [{ userAgent: USER_AGENT, scope: [`repository:${REPO}/token:pull`], authorization: false }]);
    assert.deepEqual(requestsIn(path.join(dir, 'registry.log')), [
      `HEAD /v2/${REPO}/token/manifests/test 401`,
      `HEAD /v2/${REPO}/token/manifests/test 200`,
      `GET /v2/${REPO}/token/manifests/test 200`,
      `GET /v2/${REPO}/token/blobs/${pushed[name].config} 200`,
    ]);
  } finally {
    await registry.close();
  }
});

test('a token service that refuses: the table, without an error', async (t) => {
  if (!registryOrSkip(t) || !opensslOrSkip(t)) return;
  const dir = fs.mkdtempSync(path.join(work, 'token-'));
  const registry = await startTokenRegistry(dir, false);
  try {
    const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
    const project = makeProject({ Dockerfile: `FROM ${registry.host}/${REPO}/token:test\nCMD ["/x"]\n` });
    const result = await lintJson(project, env, ['--registry-lookups', '--registry-redirect-host', registry.tokenHost]);
    assert.deepEqual(result.findings, []);
    assert.equal(result.stderr, '');
    assert.equal(registry.tokenRequests.length, 1);
    assert.deepEqual(requestsIn(path.join(dir, 'registry.log')), [`HEAD /v2/${REPO}/token/manifests/test 401`]);
  } finally {
    await registry.close();
  }
});
