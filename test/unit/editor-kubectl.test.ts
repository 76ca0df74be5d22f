import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { KubectlError, kubectlDebugArgs, kubectlError, listPods, parsePods } from '../../server/src/kubernetes/kubectl';
import { KubeApiServer, PodObject, startKubeApiServer } from '../support/kubeApiServer';

const KUBECTL = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();
if (!KUBECTL && process.env.CI === 'true') throw new Error('CI=true but kubectl is not on PATH');

const PODS: { kind: string; items: PodObject[] } = {
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
    assert.equal(kubectlError({ code: 1, message: 'x' }, 'The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?').kind, 'unreachable');
    assert.equal(kubectlError({ code: 1, message: 'x' }, 'error: You must be logged in to the server (Unauthorized)').kind, 'failed');
  });

  describe('through the real kubectl and the test API server', { skip: KUBECTL ? false : 'needs the real kubectl on PATH' }, () => {
    let server: KubeApiServer;
    let dir: string;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-kubectl-pods-'));
      server = await startKubeApiServer({ namespaces: { shop: {} }, pods: PODS.items.map((p) => JSON.parse(JSON.stringify(p))) });
    });
    after(async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('runs `kubectl get pods -o json` without a shell and parses the answer', async () => {
      // The kubeconfig's current namespace is default; the pods are in shop.
      const config = path.join(dir, 'shop-config');
      fs.writeFileSync(config, fs.readFileSync(server.kubeconfig, 'utf8').replace('namespace: default', 'namespace: shop'));
      const pods = await listPods({ env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: config } });
      assert.deepEqual(pods, [
        { name: 'web-7d9f', namespace: 'shop', phase: 'Running', containers: ['app', 'envoy'], runningContainers: ['app'] },
        { name: 'job-1', namespace: 'shop', phase: 'Succeeded', containers: ['job'], runningContainers: [] },
      ]);
      assert.ok(server.requests.some((r) => r.method === 'GET' && r.url.startsWith('/api/v1/namespaces/shop/pods')));
    });

    it('reports that no cluster is configured', async () => {
      const empty = path.join(dir, 'empty-config');
      fs.writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
      await assert.rejects(listPods({ env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: empty } }), {
        name: 'KubectlError',
        kind: 'no-context',
        message: 'kubectl has no cluster configured (it fell back to localhost:8080). Choose a context with kubectl config use-context <name>.',
      });
    });

    it('reports kubectl missing from PATH', async () => {
      const none = path.join(dir, 'no-kubectl');
      fs.mkdirSync(none, { recursive: true });
      await assert.rejects(listPods({ env: { PATH: none } }), (err: unknown) => err instanceof KubectlError && err.kind === 'missing' && /kubectl was not found/.test(err.message));
    });
  });
});
