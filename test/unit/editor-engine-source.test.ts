/** Where the engine address came from (client/src/views/engineSource.ts), as the welcome content names it. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { EngineUnreachableError } from '../../server/src/docker';
import { engineErrorSummary, engineSource } from '../../client/src/views/engineSource';

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
  assert.equal(engineErrorSummary(one, 'DOCKER_HOST'), 'No Docker engine answered at tcp://10.0.0.1:2375 (DOCKER_HOST) (from DOCKER_HOST).');
  const many = new EngineUnreachableError([{ endpoint: 'a', reason: 'x' }, { endpoint: 'b', reason: 'y' }, { endpoint: 'c', reason: 'z' }]);
  assert.equal(engineErrorSummary(many, 'default'), 'No Docker engine answered on the usual sockets (3 tried).');
});
