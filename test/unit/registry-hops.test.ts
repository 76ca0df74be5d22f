/**
 * Where registry lookups may send requests, against local HTTP servers on 127.0.0.1:
 * every redirect hop is checked before it is sent, a redirect or token realm to
 * another host or port is refused unless configuration names it, at most six lookups
 * per registry run at once, and every failure is reported.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { RegistryClient } from '../../server/src/host/imageFacts/registry';
import { createHash } from 'node:crypto';
import { LocalImageFacts } from '../../server/src/host/imageFacts';
import { buildModel, describeImage } from '../../server/src/engine/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normalizeSettings } from '../../server/src/lsp/settings';
import { makeProject, NO_ENGINE_ENV, runCli } from '../support/cli';

interface Recorded {
  server: http.Server;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

async function serve(handler: (request: http.IncomingMessage, response: http.ServerResponse, port: number) => void): Promise<Recorded> {
  const requests: string[] = [];
  let port = 0;
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    handler(request, response, port);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  return {
    server, port, requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const redirect = (response: http.ServerResponse, location: string) => {
  response.writeHead(302, { location });
  response.end();
};

test('a redirect to plain HTTP on another host is refused before it is sent, and nothing of the chain is kept', async () => {
  // The bystander: a local service on another port the registry would point the lookup at.
  const bystander = await serve((_q, response) => response.end('{}'));
  const registry = await serve((request, response, port) => {
    if (request.url?.startsWith('/v2/loop/')) return redirect(response, `http://0.0.0.0:${port}/v2/back`);
    redirect(response, `http://localhost:${bystander.port}/admin/delete?all=1`);
  });
  try {
    const client = new RegistryClient({ timeoutMs: 2000 });
    await assert.rejects(client.lookUp(`127.0.0.1:${registry.port}/team/app:1`, 'linux/amd64'), new RegExp(`redirected to http://localhost:${bystander.port}, which is not HTTPS`));
    assert.deepEqual(bystander.requests, [], 'the refused hop was never sent');
    // loopback -> plain HTTP elsewhere -> loopback: refused at its first hop.
    const before = registry.requests.length;
    await assert.rejects(client.lookUp(`127.0.0.1:${registry.port}/loop/app:1`, 'linux/amd64'), /redirected to http:\/\/0\.0\.0\.0:\d+, which is not HTTPS/);
    assert.ok(registry.requests.slice(before).every((r) => !r.includes('/v2/back')), 'the hop back was never sent');
    // Asked again, it is asked again (no answer was kept from the refused chain).
    const again = registry.requests.length;
    await assert.rejects(client.lookUp(`127.0.0.1:${registry.port}/loop/app:1`, 'linux/amd64'));
    assert.ok(registry.requests.length > again);
  } finally {
    await registry.close();
    await bystander.close();
  }
});

test('a redirect or a token realm to another port of the same machine is refused unless configuration names the host', async () => {
  const bystander = await serve((_q, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"token":"t"}');
  });
  const registry = await serve((request, response) => {
    if (request.url?.startsWith('/v2/realm/')) {
      response.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${bystander.port}/internal/token",service="x"` });
      return void response.end();
    }
    redirect(response, `http://127.0.0.1:${bystander.port}/internal/metrics`);
  });
  try {
    const client = new RegistryClient({ timeoutMs: 2000 });
    await assert.rejects(client.lookUp(`127.0.0.1:${registry.port}/team/app:1`, 'linux/amd64'), new RegExp(`redirected to http://127\\.0\\.0\\.1:${bystander.port}, which is not HTTPS and another host or port than 127\\.0\\.0\\.1:${registry.port}`));
    await assert.rejects(client.lookUp(`127.0.0.1:${registry.port}/realm/app:1`, 'linux/amd64'), new RegExp(`token realm is http://127\\.0\\.0\\.1:${bystander.port}, which is not HTTPS and another host or port`));
    assert.deepEqual(bystander.requests, [], 'nothing reached the other port');
    // Naming a host in the configuration allows it over HTTPS on the default port only: still not this one.
    const configured = new RegistryClient({ timeoutMs: 2000, redirectHosts: ['127.0.0.1'] });
    await assert.rejects(configured.lookUp(`127.0.0.1:${registry.port}/team/app:1`, 'linux/amd64'), /which is not HTTPS/);
    assert.deepEqual(bystander.requests, []);
  } finally {
    await registry.close();
    await bystander.close();
  }
});

test('a redirect to HTTPS on another port of the same machine is refused before any connection is made', async () => {
  // Counts connections, whatever is spoken on them (a TLS hello would count too).
  let connections = 0;
  const bystander = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => bystander.listen(0, '127.0.0.1', resolve));
  const other = (bystander.address() as net.AddressInfo).port;
  const registry = await serve((request, response) => {
    if (request.url?.startsWith('/v2/realm/')) {
      response.writeHead(401, { 'www-authenticate': `Bearer realm="https://127.0.0.1:${other}/token"` });
      return void response.end();
    }
    redirect(response, `https://127.0.0.1:${other}/v2/x`);
  });
  try {
    const client = new RegistryClient({ timeoutMs: 2000 });
    await assert.rejects(client.lookUp(`127.0.0.1:${registry.port}/team/app:1`, 'linux/amd64'), new RegExp(`redirected to https://127\\.0\\.0\\.1:${other}, which is another host or port than 127\\.0\\.0\\.1:${registry.port} that no configuration names`));
    await assert.rejects(client.lookUp(`127.0.0.1:${registry.port}/realm/app:1`, 'linux/amd64'), new RegExp(`token realm is https://127\\.0\\.0\\.1:${other}, which is another host or port`));
    assert.equal(connections, 0, 'nothing connected to the other port');
  } finally {
    await registry.close();
    await new Promise((resolve) => bystander.close(resolve));
  }
});

test('a redirect within the registry itself is followed', async () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const registry = await serve((request, response) => {
    if (request.url === '/v2/team/app/manifests/1') return redirect(response, '/v2/team/app/manifests/moved');
    response.writeHead(200, { 'docker-content-digest': digest });
    response.end();
  });
  const known = { id: `sha256:${'cd'.repeat(32)}`, registry: `127.0.0.1:${registry.port}`, manifestDigest: digest, user: '65532', cmd: [], env: [], workingDir: '', os: 'linux', architecture: 'amd64', labels: {} };
  try {
    const client = new RegistryClient({ timeoutMs: 2000 });
    const found = await client.lookUp(`127.0.0.1:${registry.port}/team/app:1`, 'linux/amd64', (d) => (d === digest ? known : undefined));
    assert.equal(found.image, known);
    assert.deepEqual(registry.requests, ['HEAD /v2/team/app/manifests/1', 'HEAD /v2/team/app/manifests/moved']);
  } finally {
    await registry.close();
  }
});

test('200 FROM lines against one registry: at most 6 lookups at once, and every failure is reported', async () => {
  let open = 0;
  let most = 0;
  const registry = await serve((request, response) => {
    open++;
    most = Math.max(most, open);
    // Slow answers, so lookups would pile up if nothing held them back; odd tags are missing.
    setTimeout(() => {
      open--;
      const tag = Number(/manifests\/(\d+)/.exec(request.url ?? '')?.[1]);
      response.writeHead(tag % 2 === 1 ? 404 : 500);
      response.end();
    }, 5);
  });
  try {
    const logs: string[] = [];
    const facts = new LocalImageFacts({ localEngine: false, registryLookups: true, registryTimeoutMs: 5000, cacheDir: null, log: (m) => logs.push(m) });
    const keys = Array.from({ length: 200 }, (_, i) => `127.0.0.1:${registry.port}/team/app:${i}`);
    await facts.load(keys);
    assert.ok(most <= 6, `at most 6 requests at once, saw ${most}`);
    assert.ok(most >= 2, `lookups still run side by side, saw ${most}`);
    const reported = new Set(logs.filter((l) => l.startsWith('Registry image facts: ')).map((l) => /:(\d+): /.exec(l)?.[1]));
    assert.equal(reported.size, 200, `one failure line per lookup:\n${logs.slice(0, 5).join('\n')}`);
  } finally {
    await registry.close();
  }
});

test('text from a registry\'s image config is escaped in the hover: no image, no link, no heading', async () => {
  const config = Buffer.from(JSON.stringify({
    os: 'linux\n# Owned',
    architecture: 'amd64',
    config: { User: '![tracker](http://127.0.0.1:9/pixel.png)', Entrypoint: ['[Click to fix](command:workbench.action.terminal.new)', '<img src=x>'] },
  }));
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [] }));
  const registry = await serve((request, response) => {
    if (request.url?.includes('/blobs/')) {
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.config.v1+json', 'content-length': config.length });
      return void response.end(config);
    }
    response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': manifest.length });
    response.end(request.method === 'HEAD' ? undefined : manifest);
  });
  try {
    const reference = `127.0.0.1:${registry.port}/team/app:1`;
    const found = await new RegistryClient({ timeoutMs: 2000 }).lookUp(reference, 'linux/amd64');
    const base = buildModel(`FROM ${reference}\n`, { images: { [reference]: { state: 'registry', image: found.image } } }).stages[0].base;
    const hover = describeImage(base);
    assert.doesNotMatch(hover, /(?<!\\)!(?<!\\)\[/, 'no image');
    assert.doesNotMatch(hover, /(?<!\\)\]\(/, 'no link');
    assert.doesNotMatch(hover, /(?<!\\)<img/, 'no HTML');
    assert.doesNotMatch(hover, /\n# Owned/, 'no heading of its own');
    assert.match(hover, /\\\[Click to fix\\\]\(command:workbench/);
  } finally {
    await registry.close();
  }
});

test('a redirect or token realm to a host:port the configuration names is followed; one it does not name is refused unsent', async () => {
  const digest = `sha256:${'ef'.repeat(32)}`;
  // The named host: it answers the redirected manifest request and hands out tokens.
  const named = await serve((request, response) => {
    if (request.url?.startsWith('/token')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end('{"token":"t"}');
    }
    response.writeHead(200, { 'docker-content-digest': digest });
    response.end();
  });
  const unnamed = await serve((_q, response) => response.end('{}'));
  const registry = await serve((request, response) => {
    if (request.url?.startsWith('/v2/realm/')) {
      if (request.headers.authorization === 'Bearer t') {
        response.writeHead(200, { 'docker-content-digest': digest });
        return void response.end();
      }
      response.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${named.port}/token",service="local"` });
      return void response.end();
    }
    if (request.url?.startsWith('/v2/elsewhere/')) return redirect(response, `http://127.0.0.1:${unnamed.port}/v2/x`);
    redirect(response, `http://127.0.0.1:${named.port}/v2/blobs/moved`);
  });
  const known = { id: `sha256:${'cd'.repeat(32)}`, registry: `127.0.0.1:${registry.port}`, manifestDigest: digest, user: '65532', cmd: [], env: [], workingDir: '', os: 'linux', architecture: 'amd64', labels: {} };
  const byDigest = (d: string) => (d === digest ? known : undefined);
  try {
    const client = new RegistryClient({ timeoutMs: 2000, redirectHosts: [`127.0.0.1:${named.port}`] });
    assert.equal((await client.lookUp(`127.0.0.1:${registry.port}/team/app:1`, 'linux/amd64', byDigest)).image, known);
    assert.deepEqual(named.requests, ['HEAD /v2/blobs/moved']);
    assert.equal((await client.lookUp(`127.0.0.1:${registry.port}/realm/app:1`, 'linux/amd64', byDigest)).image, known);
    assert.match(named.requests[1], /^GET \/token\?/);
    await assert.rejects(client.lookUp(`127.0.0.1:${registry.port}/elsewhere/app:1`, 'linux/amd64', byDigest), new RegExp(`redirected to http://127\\.0\\.0\\.1:${unnamed.port}, which is not HTTPS and another host or port`));
    assert.deepEqual(unnamed.requests, [], 'the unnamed port was never asked');
    // The same names without the port mean the default port only: neither is followed.
    const hostOnly = new RegistryClient({ timeoutMs: 2000, redirectHosts: ['127.0.0.1', 'localhost'] });
    const before = named.requests.length;
    await assert.rejects(hostOnly.lookUp(`127.0.0.1:${registry.port}/team/app:1`, 'linux/amd64', byDigest), /which is not HTTPS and another host or port/);
    await assert.rejects(hostOnly.lookUp(`127.0.0.1:${registry.port}/realm/app:1`, 'linux/amd64', byDigest), /token realm is http:\/\/127\.0\.0\.1:\d+, which is not HTTPS and another host or port/);
    assert.equal(named.requests.length, before);
  } finally {
    await registry.close();
    await named.close();
    await unnamed.close();
  }
});

test('the setting distroless.imageFacts.redirectHosts and lint --registry-redirect-host reach the registry client', async () => {
  assert.deepEqual(normalizeSettings({ imageFacts: { registryLookups: true, redirectHosts: [' cdn.example.com ', 'localhost:5001', 7, ''] } }).registryRedirectHosts, ['cdn.example.com', 'localhost:5001']);
  assert.deepEqual(normalizeSettings({ imageFacts: { redirectHosts: 'cdn.example.com' } }).registryRedirectHosts, []);
  assert.deepEqual(normalizeSettings({}).registryRedirectHosts, []);

  const named = await serve((_q, response) => {
    response.writeHead(404);
    response.end();
  });
  const registry = await serve((_q, response) => redirect(response, `http://127.0.0.1:${named.port}/v2/moved`));
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-redirect-hosts-'));
  const project = makeProject({ Dockerfile: `FROM 127.0.0.1:${registry.port}/team/app:1\nUSER 65532\n` });
  const env = { ...NO_ENGINE_ENV, DISTROLESS_CACHE_DIR: cache };
  try {
    const plain = await runCli(['lint', '--no-image-inspect', '--registry-lookups', 'Dockerfile'], { cwd: project, env });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(named.requests.length, 0, 'not named: never asked');
    const allowed = await runCli(['lint', '--no-image-inspect', '--registry-lookups', '--registry-redirect-host', `127.0.0.1:${named.port}`, 'Dockerfile'], { cwd: project, env });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.ok(named.requests.some((r) => r.endsWith(' /v2/moved')), `named: followed (${named.requests.join(', ')})`);
    const bad = await runCli(['lint', '--registry-redirect-host', 'http://x/', 'Dockerfile'], { cwd: project, env });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'distroless lint: "http://x/" is not a host or host:port (see distroless lint --help)\n');
  } finally {
    await registry.close();
    await named.close();
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  }
});
