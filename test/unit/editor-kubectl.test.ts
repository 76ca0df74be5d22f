import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubectlError, kubectlDebugArgs, kubectlError, listPods, parsePods } from '../../server/src/kubernetes/kubectl';

const PODS = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'web-7d9f', namespace: 'shop' },
      spec: { containers: [{ name: 'app' }, { name: 'envoy' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { running: {} } }, { name: 'envoy', state: { waiting: {} } }] },
    },
    { metadata: { name: 'job-1', namespace: 'shop' }, spec: { containers: [{ name: 'job' }] }, status: { phase: 'Succeeded' } },
  ],
};

describe('kubectl debug arguments', () => {
  it('builds the spec\'s command line, namespace last', () => {
    assert.deepEqual(kubectlDebugArgs({ pod: 'web-7d9f', container: 'app', image: 'busybox:latest' }), ['debug', '-it', 'web-7d9f', '--image=busybox:latest', '--target=app']);
    assert.deepEqual(kubectlDebugArgs({ pod: 'web', container: 'app', image: 'reg:5000/tools@sha256:ab', namespace: 'shop' }), [
      'debug',
      '-it',
      'web',
      '--image=reg:5000/tools@sha256:ab',
      '--target=app',
      '--namespace=shop',
    ]);
  });

  it('refuses names kubectl would read as options', () => {
    assert.throws(() => kubectlDebugArgs({ pod: '--all', container: 'app', image: 'busybox' }), /invalid pod/);
    assert.throws(() => kubectlDebugArgs({ pod: 'web', container: '', image: 'busybox' }), /invalid container/);
  });
});

describe('kubectl pods', () => {
  it('parses pods, their containers and which of them run', () => {
    assert.deepEqual(parsePods(JSON.stringify(PODS)), [
      { name: 'web-7d9f', namespace: 'shop', phase: 'Running', containers: ['app', 'envoy'], runningContainers: ['app'] },
      { name: 'job-1', namespace: 'shop', phase: 'Succeeded', containers: ['job'], runningContainers: [] },
    ]);
    assert.equal(parsePods(JSON.stringify({ ...PODS.items[0], kind: 'Pod' })).length, 1);
    assert.throws(() => parsePods('The connection to the server was refused'), KubectlError);
  });

  it('maps failures to what the user should do', () => {
    assert.equal(kubectlError({ code: 'ENOENT', message: 'spawn kubectl ENOENT' }, '').kind, 'missing');
    const noContext = kubectlError({ code: 1, message: 'Command failed' }, 'error: current-context is not set\n');
    assert.equal(noContext.kind, 'no-context');
    assert.match(noContext.message, /kubectl config use-context/);
    assert.equal(kubectlError({ code: 1, message: 'x' }, 'The connection to the server localhost:8080 was refused - did you specify the right host or port?').kind, 'unreachable');
    assert.equal(kubectlError({ code: 1, message: 'x' }, 'error: You must be logged in to the server (Unauthorized)').kind, 'failed');
  });

  describe('through a real child process', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubectl-'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function fakeKubectl(name: string, script: string): string {
      const bin = path.join(dir, name);
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
      return bin;
    }

    it('runs `kubectl get pods -o json` without a shell and parses the answer', async () => {
      const bin = fakeKubectl('ok', `printf '%s\\n' "$@" > "${dir}/args"\ncat <<'JSON'\n${JSON.stringify(PODS)}\nJSON`);
      const pods = await listPods({ env: { PATH: `${bin}:/usr/bin:/bin` } });
      assert.deepEqual(pods.map((p) => p.name), ['web-7d9f', 'job-1']);
      assert.equal(fs.readFileSync(path.join(dir, 'args'), 'utf8'), 'get\npods\n-o\njson\n');
    });

    it('reports a missing context', async () => {
      const bin = fakeKubectl('nocontext', `echo 'error: current-context is not set' >&2; exit 1`);
      await assert.rejects(listPods({ env: { PATH: `${bin}:/usr/bin:/bin` } }), (err: unknown) => err instanceof KubectlError && err.kind === 'no-context');
    });

    it('reports kubectl missing from PATH', async () => {
      const empty = path.join(dir, 'empty');
      fs.mkdirSync(empty);
      await assert.rejects(listPods({ env: { PATH: empty } }), (err: unknown) => err instanceof KubectlError && err.kind === 'missing' && /kubectl was not found/.test(err.message));
    });
  });
});
