import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectEngine, EngineUnreachableError, resolveEngineCandidates } from '../../server/src/docker';

let home: string;

function writeContext(name: string, host: string, opts: { skipTls?: boolean; tls?: boolean; configDir?: string } = {}) {
  const configDir = opts.configDir ?? path.join(home, '.docker');
  const digest = crypto.createHash('sha256').update(name).digest('hex');
  const metaDir = path.join(configDir, 'contexts', 'meta', digest);
  fs.mkdirSync(metaDir, { recursive: true });
  fs.writeFileSync(
    path.join(metaDir, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: opts.skipTls ?? false } } }),
  );
  if (opts.tls) {
    const tlsDir = path.join(configDir, 'contexts', 'tls', digest, 'docker');
    fs.mkdirSync(tlsDir, { recursive: true });
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(tlsDir, f), `${name}-${f}`);
  }
}

function setCurrentContext(name: string) {
  fs.mkdirSync(path.join(home, '.docker'), { recursive: true });
  fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: {}, currentContext: name }));
}

describe('engine endpoint resolution', () => {
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-home-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('DOCKER_HOST wins over DOCKER_CONTEXT and currentContext, and is the only candidate', () => {
    writeContext('remote', 'tcp://10.1.2.3:2375');
    setCurrentContext('remote');
    const c = resolveEngineCandidates({ homedir: home, env: { DOCKER_HOST: 'unix:///run/custom.sock', DOCKER_CONTEXT: 'remote' } });
    assert.equal(c.length, 1);
    assert.equal(c[0]!.source, 'DOCKER_HOST');
    assert.equal(c[0]!.options.socketPath, '/run/custom.sock');
    assert.equal(c[0]!.options.host, undefined);
    assert.deepEqual(c[0]!.cliArgs, []);
  });

  it('tcp DOCKER_HOST: plain, and TLS-verified with certificates from DOCKER_CERT_PATH', () => {
    const plain = resolveEngineCandidates({ homedir: home, env: { DOCKER_HOST: 'tcp://build-box:2375' } })[0]!;
    assert.deepEqual([plain.options.protocol, plain.options.host, plain.options.port], ['http', 'build-box', '2375']);
    const certs = path.join(home, 'certs');
    fs.mkdirSync(certs);
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(certs, f), f);
    const tls = resolveEngineCandidates({ homedir: home, env: { DOCKER_HOST: 'tcp://build-box', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } })[0]!;
    assert.deepEqual([tls.options.protocol, tls.options.port], ['https', '2376']);
    assert.equal(String(tls.options.ca), 'ca.pem');
    assert.equal(String(tls.options.cert), 'cert.pem');
    assert.equal(String(tls.options.key), 'key.pem');
    assert.throws(() => resolveEngineCandidates({ homedir: home, env: { DOCKER_HOST: 'tcp://x', DOCKER_TLS_VERIFY: '1' } }), /DOCKER_TLS_VERIFY is set but .*\.docker\/ca\.pem cannot be read/);
  });

  it('ssh DOCKER_HOST keeps user, host, port and the agent socket', () => {
    const c = resolveEngineCandidates({ homedir: home, env: { DOCKER_HOST: 'ssh://deploy@db.example:2222', SSH_AUTH_SOCK: '/tmp/agent.sock' } })[0]!;
    assert.equal(c.options.protocol, 'ssh');
    assert.equal(c.options.host, 'db.example');
    assert.equal(c.options.port, '2222');
    assert.equal(c.options.username, 'deploy');
    assert.deepEqual(c.options.sshOptions, { agent: '/tmp/agent.sock' });
  });

  it('DOCKER_CONTEXT wins over currentContext; the CLI line names the context', () => {
    writeContext('a', 'unix:///run/a.sock');
    writeContext('b', 'tcp://10.0.0.2:2376', { tls: true });
    setCurrentContext('a');
    const fromEnv = resolveEngineCandidates({ homedir: home, env: { DOCKER_CONTEXT: 'b' } });
    assert.equal(fromEnv.length, 1);
    assert.equal(fromEnv[0]!.contextName, 'b');
    assert.equal(fromEnv[0]!.options.protocol, 'https');
    assert.equal(String(fromEnv[0]!.options.ca), 'b-ca.pem');
    assert.deepEqual(fromEnv[0]!.cliArgs, ['--context', 'b']);
    const fromConfig = resolveEngineCandidates({ homedir: home, env: {} });
    assert.equal(fromConfig[0]!.contextName, 'a');
    assert.equal(fromConfig[0]!.options.socketPath, '/run/a.sock');
    assert.match(fromConfig[0]!.description, /^unix:\/\/\/run\/a\.sock \(context "a" \(from currentContext in .*config\.json\)\)$/);
  });

  it('DOCKER_CONFIG moves the config directory', () => {
    const configDir = path.join(home, 'elsewhere');
    writeContext('x', 'unix:///run/x.sock', { configDir });
    fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ currentContext: 'x' }));
    const c = resolveEngineCandidates({ homedir: home, env: { DOCKER_CONFIG: configDir } });
    assert.equal(c[0]!.options.socketPath, '/run/x.sock');
  });

  it('the default context and no configuration probe Docker, Docker Desktop, rootless and Podman sockets', () => {
    setCurrentContext('default');
    const c = resolveEngineCandidates({ homedir: home, env: { XDG_RUNTIME_DIR: '/run/user/1000' } });
    assert.deepEqual(
      c.map((e) => e.options.socketPath),
      [
        '/var/run/docker.sock',
        path.join(home, '.docker/run/docker.sock'),
        path.join(home, '.docker/desktop/docker.sock'),
        '/run/user/1000/docker.sock',
        '/run/user/1000/podman/podman.sock',
        '/run/podman/podman.sock',
      ],
    );
    assert.deepEqual(c.map((e) => e.source).slice(-2), ['podman', 'podman']);
    assert.deepEqual(c[4]!.cliArgs, ['--host', 'unix:///run/user/1000/podman/podman.sock']);
  });

  it('an unknown context fails with one error naming it', async () => {
    await assert.rejects(connectEngine({ homedir: home, env: { DOCKER_CONTEXT: 'gone' } }), (err: unknown) => {
      assert.ok(err instanceof EngineUnreachableError);
      assert.match(err.message, /^No Docker engine answered\. Tried: context "gone" \(from DOCKER_CONTEXT\): cannot read .*meta\.json/);
      return true;
    });
  });

  it('a Podman socket answering the Docker API is used when Docker is absent', async () => {
    // A stand-in that answers /_ping like Podman's compat API does.
    const http = await import('node:http');
    const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'xdg-'));
    fs.mkdirSync(path.join(runtime, 'podman'));
    const sock = path.join(runtime, 'podman', 'podman.sock');
    const server = http.createServer((req, res) => {
      res.writeHead(req.url?.endsWith('/_ping') ? 200 : 404, { 'Content-Type': 'text/plain' });
      res.end('OK');
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const candidates = resolveEngineCandidates({ homedir: home, env: { XDG_RUNTIME_DIR: runtime } });
      const podman = candidates.find((c) => c.options.socketPath === sock);
      assert.ok(podman, 'the Podman user socket is a candidate');
      assert.equal(podman.source, 'podman');
      // Talk to it with exactly the options the candidate carries (a real Docker
      // engine on this machine would win the default order, so connect directly).
      const Docker = (await import('dockerode')).default;
      assert.equal(String(await new Docker(podman.options).ping()), 'OK');
    } finally {
      server.close();
      fs.rmSync(runtime, { recursive: true, force: true });
    }
  });
});
