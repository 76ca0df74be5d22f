/**
 * Registry lookups without a registry: how a challenge, a host and an index are read,
 * and what the provider does with a registry that hangs or a host that is not
 * loopback (HTTPS only). The lookups against a real registry are in
 * test/docker/image-facts-registry.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import { LocalImageFacts } from '../../server/src/host/imageFacts';
import { isLoopbackHost, parseBearerChallenge, pickPlatform, registryHost, RegistryClient } from '../../server/src/host/imageFacts/registry';

test('Docker Hub references go to its API host; others to the host they name', () => {
  assert.equal(registryHost('docker.io'), 'registry-1.docker.io');
  assert.equal(registryHost('cgr.dev'), 'cgr.dev');
  assert.equal(registryHost('127.0.0.1:5000'), '127.0.0.1:5000');
});

test('plain HTTP is for loopback hosts only', () => {
  const cases: Array<[string, boolean]> = [
    ['127.0.0.1:5000', true], ['127.1.2.3', true], ['localhost:5000', true], ['localhost', true], ['[::1]:5000', true],
    ['128.0.0.1:5000', false], ['10.0.0.1:5000', false], ['localhost.example.com', false], ['127.0.0.1.nip.io', false],
    ['registry-1.docker.io', false], ['[::2]:5000', false],
  ];
  for (const [host, loopback] of cases) assert.equal(isLoopbackHost(host), loopback, host);
});

test('a Bearer challenge gives realm, service and scope; other schemes give nothing', () => {
  assert.deepEqual(parseBearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), {
    realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull',
  });
  assert.deepEqual(parseBearerChallenge('bearer realm=https://cgr.dev/token, service=cgr.dev'), { realm: 'https://cgr.dev/token', service: 'cgr.dev' });
  assert.deepEqual(parseBearerChallenge('Bearer realm="https://r/t?x=\\"q\\""'), { realm: 'https://r/t?x="q"' });
  assert.equal(parseBearerChallenge('Basic realm="Registry Realm"'), undefined);
  assert.equal(parseBearerChallenge('Bearer service="x"'), undefined, 'no realm: nowhere to ask');
  assert.equal(parseBearerChallenge(null), undefined);
});

test('an index is resolved to the platform asked for', () => {
  const manifests = [
    { digest: 'amd64', platform: { os: 'linux', architecture: 'amd64' } },
    { digest: 'arm64', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { digest: 'armv7', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { digest: 'armv6', platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    // BuildKit's attestations sit in the same index.
    { digest: 'attestation', platform: { os: 'unknown', architecture: 'unknown' } },
  ];
  const cases: Array<[string, string | undefined]> = [
    ['linux/amd64', 'amd64'], ['linux/arm64', 'arm64'], ['linux/arm64/v8', 'arm64'], ['linux/arm/v7', 'armv7'], ['linux/arm/v6', 'armv6'],
    ['linux/arm', 'armv7'], ['linux/s390x', undefined], ['windows/amd64', undefined],
  ];
  for (const [platform, digest] of cases) assert.equal(pickPlatform(manifests, platform)?.digest, digest, platform);
  // arm64 listed without its variant still serves linux/arm64/v8.
  assert.equal(pickPlatform([{ digest: 'a', platform: { os: 'linux', architecture: 'arm64' } }], 'linux/arm64/v8')?.digest, 'a');
});

test('a registry that accepts and never answers is timed out; the table stands and it is not asked again at once', async () => {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => void held.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    let now = 1_000_000;
    const logs: string[] = [];
    const facts = new LocalImageFacts({ localEngine: false, registryLookups: true, registryTimeoutMs: 300, cacheDir: null, now: () => now, log: (m) => logs.push(m) });
    const key = `127.0.0.1:${port}/team/app:1`;
    const started = Date.now();
    assert.deepEqual(await facts.load([key]), []);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 3000, `bounded by the request timeout, took ${elapsed} ms`);
    assert.deepEqual(facts.peek(key), { state: 'absent', reason: 'off' });
    assert.deepEqual(logs, [`Registry image facts: ${key}: no answer in time; using the built-in table.`]);
    assert.equal(facts.stats.registryRequests, 1, 'HTTPS first: it timed out, so no second try over HTTP');
    // The editor refreshes after 30 s; the registry is asked again only after 10 minutes.
    now += 31_000;
    assert.equal(facts.wants([key]), true);
    await facts.load([key]);
    assert.equal(facts.stats.registryRequests, 1);
    now += 600_000;
    await facts.load([key]);
    assert.equal(facts.stats.registryRequests, 2);
  } finally {
    for (const s of held) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a registry that is not on loopback is asked over HTTPS only', async (t) => {
  const address = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address) {
    t.skip('this machine has no non-loopback IPv4 address to listen on');
    return;
  }
  // A plain HTTP listener: what it receives shows whether the client spoke HTTP or TLS.
  const received: string[] = [];
  const server = net.createServer((socket) => socket.once('data', (data: Buffer) => {
    received.push(data[0] === 0x16 ? 'tls' : data.toString('latin1').split('\r\n')[0]);
    socket.destroy();
  }));
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const urls: string[] = [];
    const client = new RegistryClient({ timeoutMs: 2000, onRequest: (url) => urls.push(url) });
    await assert.rejects(client.lookUp(`${address}:${port}/team/app:1`, 'linux/amd64'));
    assert.deepEqual(urls, [`https://${address}:${port}/v2/team/app/manifests/1`]);
    assert.deepEqual(received, ['tls']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a loopback registry speaking plain HTTP is asked over HTTP after HTTPS fails', async () => {
  const received: string[] = [];
  const server = net.createServer((socket) => socket.once('data', (data: Buffer) => {
    received.push(data[0] === 0x16 ? 'tls' : data.toString('latin1').split('\r\n')[0]);
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const client = new RegistryClient({ timeoutMs: 2000 });
    await assert.rejects(client.lookUp(`127.0.0.1:${port}/team/app:1`, 'linux/amd64'), /answered 404 for \/v2\/team\/app\/manifests\/1/);
    // The HEAD (not a pull on Docker Hub) asks what the tag points at; its 404 leaves the GET to say why.
    assert.deepEqual(received, ['tls', 'HEAD /v2/team/app/manifests/1 HTTP/1.1', 'GET /v2/team/app/manifests/1 HTTP/1.1']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a tag whose digest (from a HEAD) was read before is answered from the cache without a GET (Docker Hub counts GETs as pulls)', async () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(request.method === 'HEAD' ? 200 : 404, { 'docker-content-digest': digest, 'content-type': 'application/vnd.oci.image.index.v1+json' });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const known = { id: `sha256:${'cd'.repeat(32)}`, registry: `127.0.0.1:${port}`, manifestDigest: `sha256:${'ef'.repeat(32)}`, user: '65532', cmd: [], env: [], workingDir: '', os: 'linux', architecture: 'amd64', labels: {} };
  try {
    const client = new RegistryClient({ timeoutMs: 2000 });
    const found = await client.lookUp(`127.0.0.1:${port}/team/app:1`, 'linux/amd64', (d) => (d === digest ? known : undefined));
    assert.equal(found.fromCache, true);
    assert.equal(found.image, known);
    assert.equal(found.topDigest, digest);
    assert.deepEqual(requests, ['HEAD /v2/team/app/manifests/1']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a body without content-length is read only up to the limit; a redirect to plain HTTP on another host is refused', async () => {
  const server = http.createServer((request, response) => {
    if (request.url?.includes('/big/')) {
      // Chunked (no content-length): 5 MB of JSON-ish bytes, sent in pieces.
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 80) {
          sent++;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
      return;
    }
    if (request.method === 'HEAD' || request.url === '/v2/elsewhere') {
      response.writeHead(request.method === 'HEAD' ? 404 : 200, { 'content-type': 'application/json' });
      response.end('{}');
      return;
    }
    // 0.0.0.0 reaches this machine but is not a loopback name: it stands for another host.
    response.writeHead(302, { location: `http://0.0.0.0:${(server.address() as net.AddressInfo).port}/v2/elsewhere` });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const client = new RegistryClient({ timeoutMs: 4000 });
    await assert.rejects(client.lookUp(`127.0.0.1:${port}/big/app:1`, 'linux/amd64'), /is more than \d+ bytes/);
    await assert.rejects(client.lookUp(`127.0.0.1:${port}/team/app:1`, 'linux/amd64'), /redirected to http:\/\/0\.0\.0\.0:\d+, which is not HTTPS/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
