/** Where the engine address came from (client/src/views/engineSource.ts), as the welcome content names it. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { connectEngine, EngineUnreachableError } from '../../server/src/docker';
import { engineConnectOptions } from '../../client/src/settings/sidecarSettings';
import { engineErrorSummary, engineSource, engineStatusLog, toolsImageAdvice } from '../../client/src/views/engineSource';

function home(context?: { name: string; host?: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-engine-source-'));
  fs.mkdirSync(path.join(dir, '.docker'));
  if (context) {
    fs.writeFileSync(path.join(dir, '.docker', 'config.json'), JSON.stringify({ currentContext: context.name }));
    if (context.host) {
      const meta = path.join(dir, '.docker', 'contexts', 'meta', createHash('sha256').update(context.name).digest('hex'));
      fs.mkdirSync(meta, { recursive: true });
      fs.writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: context.name, Endpoints: { docker: { Host: context.host } } }));
    }
  }
  return dir;
}

test('the setting wins, then DOCKER_HOST, then a context, else the usual sockets', () => {
  const plain = home();
  assert.equal(engineSource('tcp://10.0.0.1:2375', { DOCKER_HOST: 'unix:///x.sock' }, plain), 'setting');
  assert.equal(engineSource('', { DOCKER_HOST: 'unix:///x.sock' }, plain), 'DOCKER_HOST');
  assert.equal(engineSource(undefined, {}, home({ name: 'remote', host: 'tcp://10.0.0.2:2375' })), 'context');
  assert.equal(engineSource(undefined, { DOCKER_CONTEXT: 'missing' }, plain), 'context', 'a context that does not resolve is still where the address came from');
  assert.equal(engineSource(undefined, {}, plain), 'default');
  assert.equal(engineSource(undefined, {}, home({ name: 'default' })), 'default');
});

test('the notification summary says where we looked in one line', () => {
  const one = new EngineUnreachableError([{ endpoint: 'tcp://10.0.0.1:2375 (DOCKER_HOST)', reason: 'connect ECONNREFUSED' }]);
  assert.equal(engineErrorSummary(one, 'DOCKER_HOST'), 'No Docker engine answered at tcp://10.0.0.1:2375 (from DOCKER_HOST): start the engine there, or change DOCKER_HOST in the environment VS Code started in.');
  const many = new EngineUnreachableError([{ endpoint: 'a', reason: 'x' }, { endpoint: 'b', reason: 'y' }, { endpoint: 'c', reason: 'z' }]);
  assert.equal(engineErrorSummary(many, 'default'), 'No Docker engine answered on the usual sockets (3 tried): start Docker (or Podman\'s socket), or set distroless.docker.host.');
});

test('an address from the setting is named as the setting, and the advice is to change the setting, not DOCKER_HOST', async () => {
  const options = engineConnectOptions({ DOCKER_HOST: 'unix:///elsewhere.sock' }, 'tcp://127.0.0.1:9');
  const error = await connectEngine({ ...options, pingTimeoutMs: 2000 }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof EngineUnreachableError, String(error));
  assert.match(error.message, /^No Docker engine answered\. Tried: tcp:\/\/127\.0\.0\.1:9 \(setting distroless\.docker\.host\): .*\. Start the engine at that address, or change setting distroless\.docker\.host \(empty: DOCKER_HOST, the Docker context or the usual sockets\)\.$/);
  assert.doesNotMatch(error.message, /DOCKER_HOST \//);
  const summary = engineErrorSummary(error, engineSource('tcp://127.0.0.1:9', { DOCKER_HOST: 'unix:///elsewhere.sock' }));
  assert.equal(summary, 'No Docker engine answered at tcp://127.0.0.1:9 (from the distroless.docker.host setting): start the engine there, or change the distroless.docker.host setting.');
  assert.doesNotMatch(summary, /DOCKER_HOST/);
});

test('the log says an engine is away once, not at every background retry, and again when it is back', () => {
  const logLine = engineStatusLog();
  const away = new EngineUnreachableError([{ endpoint: 'unix:///x.sock (DOCKER_HOST)', reason: 'no such socket' }]);
  const lines = [
    logLine({ state: 'connecting' }, 'DOCKER_HOST'),
    logLine({ state: 'unreachable', error: away }, 'DOCKER_HOST'),
    // The event watcher's backoff: every few seconds, connecting then unreachable again.
    ...Array.from({ length: 10 }, () => [logLine({ state: 'connecting' }, 'DOCKER_HOST'), logLine({ state: 'unreachable', error: away }, 'DOCKER_HOST')]).flat(),
    logLine({ state: 'connecting' }, 'DOCKER_HOST'),
    logLine({ state: 'reachable', endpoint: 'unix:///x.sock (DOCKER_HOST)' }, 'DOCKER_HOST'),
  ].filter((l) => l !== undefined);
  assert.deepEqual(lines.map((l) => l.level), ['info', 'warn', 'info']);
  assert.match(lines[1]!.text, /^Docker engine: unreachable\. No Docker engine answered\. .*\(retrying in the background; logged again when this changes\)$/);
  assert.equal(lines[2]!.text, 'Docker engine: connected to unix:///x.sock (DOCKER_HOST)');
});

test('a tools image that cannot be pulled: the advice first, the engine\'s error last', () => {
  const text = toolsImageAdvice({ image: 'ghcr.io/example/debug-tools:1.2.3', reason: `Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io: no such host${' (more)'.repeat(80)}` });
  assert.ok(text.startsWith('The debug tools image ghcr.io/example/debug-tools:1.2.3 could not be pulled: pull or load it (docker pull ghcr.io/example/debug-tools:1.2.3), or pick another tools image with a shell (Tools Image Setting). Engine: Get "https://ghcr.io/v2/"'), text);
  assert.ok(text.length <= 400 && text.endsWith('…'), 'only the engine\'s words are clipped');
});
