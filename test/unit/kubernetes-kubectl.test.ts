/**
 * `distroless debug pod/…` and the editor's Debug Pod path through the REAL kubectl
 * (1.33, 1.32, and 1.30: the oldest with --custom) against the test API server
 * (test/support/kubeApiServer.ts): the PATCH body kubectl sends, Pod Security
 * admission's decision, the attach/logs streams and the exit code from the pod's status.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { KubeApiServer, PodObject, startKubeApiServer, FakeNamespace } from '../support/kubeApiServer';
import { debugCommand } from '../../server/src/cli/commands/debug';
import type { CliIo } from '../../server/src/cli/commands/types';
import { attachArgs, debugContainerExit, openDebugContainer, targetFilesNote } from '../../server/src/kubernetes/debugPod';
import { REPO_ROOT } from '../support/paths';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'kubernetes');
const podFixture = (name: string): PodObject => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));

function kubectlDir(): string | undefined {
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
    const dir = path.dirname(fs.realpathSync(onPath));
    return ['1.33', '1.32', '1.30'].every((minor) => fs.existsSync(path.join(dir, `kubectl.${minor}`))) ? dir : undefined;
  } catch {
    return undefined;
  }
}
const KUBECTL_DIR = kubectlDir();
const SKIP = KUBECTL_DIR ? false : 'needs the real kubectl with kubectl.1.33, kubectl.1.32 and kubectl.1.30 beside it (the Google Cloud SDK layout)';
if (SKIP && process.env.CI === 'true') throw new Error(`CI=true but ${SKIP}`);
const CAN_CGROUP = (() => {
  try {
    const d = `/sys/fs/cgroup/pids/distroless-probe-${process.pid}`;
    fs.mkdirSync(d);
    fs.rmdirSync(d);
    return true;
  } catch {
    return false;
  }
})();

if (!SKIP && !CAN_CGROUP && process.env.CI === 'true') throw new Error('CI=true but /sys/fs/cgroup/pids is not writable (the shared-PID case places its stand-in target there; run as root)');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-real-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A PATH whose `kubectl` is kubectl.1.<minor> (or the dispatcher itself with 'dispatcher'). */
function pathFor(which: string): string {
  if (which === 'dispatcher') return `${KUBECTL_DIR}:/usr/bin:/bin`;
  const bin = path.join(tmp, `bin-${which}`);
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(bin);
    fs.symlinkSync(path.join(KUBECTL_DIR!, `kubectl.${which}`), path.join(bin, 'kubectl'));
  }
  return `${bin}:/usr/bin:/bin`;
}

function envFor(server: KubeApiServer, which: string): NodeJS.ProcessEnv {
  return { PATH: pathFor(which), KUBECONFIG: server.kubeconfig, HOME: tmp, DISTROLESS_SIDECAR_IMAGE: 'busybox:latest' };
}

function cliIo(env: NodeJS.ProcessEnv, stdin = '') {
  const out = { stdout: '', stderr: '' };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const input = Object.assign(new PassThrough(), { isTTY: false });
  input.end(stdin);
  const io: CliIo = { stdout, stderr, stdin: input, cwd: tmp, env };
  return { io, out };
}

const RESTRICTED_SC = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

/** What kubectl sends to add one ephemeral container, with the name it was given. */
function expectedPatch(name: string, fields: Record<string, unknown>) {
  return { spec: { ephemeralContainers: [{ image: 'busybox:latest', name, resources: {}, terminationMessagePolicy: 'File', ...fields }] } };
}

function ns(level?: string, readable = true): FakeNamespace {
  return { readable, labels: level ? { 'pod-security.kubernetes.io/enforce': level } : {} };
}

/** Runs argv under `script` so kubectl gets a terminal; `input` is typed once `ready` shows in the output. */
function inTerminal(argv: string[], env: NodeJS.ProcessEnv, ready: RegExp, input: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qefc', argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null'], { env: { ...env, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let typed = false;
    const onData = (d: Buffer) => {
      output += d.toString();
      if (!typed && ready.test(output)) {
        typed = true;
        setTimeout(() => child.stdin.write(input), 300);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

const CLI_RUNNER = `require(${JSON.stringify(path.join(REPO_ROOT, 'out', 'server', 'src', 'cli', 'main.js'))}).main(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env }).then((c) => process.exit(c))`;

for (const minor of ['1.33', '1.32', '1.30']) {
  describe(`debug pod/… through the real kubectl ${minor}`, { skip: SKIP }, () => {
    const servers: KubeApiServer[] = [];
    const start = async (namespaces: Record<string, FakeNamespace>, pods: PodObject[], extra: { targetProcesses?: Record<string, string[]>; defaultEnforce?: 'baseline' } = {}) => {
      const server = await startKubeApiServer({ serverVersion: `${minor}.4`, namespaces, pods, ...extra });
      servers.push(server);
      return server;
    };
    after(async () => {
      for (const s of servers) await s.close();
    });

    it('1. a command: its output, and its exit status from state.terminated.exitCode (kubectl logs/attach end with 0)', async () => {
      const s = await start({ payments: ns('restricted') }, [podFixture('restricted')]);
      const { io, out } = cliIo(envFor(s, minor));
      const code = await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '-n', 'payments', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], io);
      assert.equal(code, 3, out.stderr);
      assert.equal(out.stdout, 'out\nerr\n');
      assert.equal(s.patches.length, 1);
      const name = (s.patches[0]!.body as any).spec.ephemeralContainers[0].name as string;
      assert.match(name, /^debugger-[a-z0-9]{5}$/);
      assert.deepEqual(s.patches[0], {
        pod: 'api-6c9f8d7b5-x2kqp',
        namespace: 'payments',
        contentType: 'application/strategic-merge-patch+json',
        decision: 'admitted',
        body: expectedPatch(name, {
          command: ['sh', '-c', 'echo out; echo err >&2; exit 3'],
          securityContext: { ...RESTRICTED_SC, runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532 },
          targetContainerName: 'api',
        }),
      });
      assert.equal(s.pod('payments', 'api-6c9f8d7b5-x2kqp')!.status.ephemeralContainerStatuses![0]!.state.terminated.exitCode, 3);
      // The kubectl line is quoted for a shell (issue 23, 16).
      assert.match(out.stderr, /kubectl debug api-6c9f8d7b5-x2kqp --namespace=payments --image=busybox:latest --target=api --container=debugger-[a-z0-9]{5} --profile=restricted '--custom=<spec>' --attach=false -- sh -c 'echo out; echo err >&2; exit 3'\n/);
      await s.close();
      const s2 = await start({ payments: ns('restricted') }, [podFixture('restricted')]);
      const r = cliIo(envFor(s2, minor));
      assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '-n', 'payments', '--', 'false'], r.io), 1, r.out.stderr);
    });

    it('--print-command prints the spec and one kubectl debug line, quoted, and sends nothing', async () => {
      const s = await start({ shop: ns('restricted') }, [podFixture('runasnonroot-image')]);
      const { io, out } = cliIo(envFor(s, minor));
      assert.equal(await debugCommand.run(['pod/web-5b7c9d8f6-q4wln', '-n', 'shop', '--print-command', '--', 'sh', '-c', 'ls /proc/1/root'], io), 0, out.stderr);
      assert.equal(
        out.stdout,
        '# debug-container.json:\n' +
          '{"securityContext":{"runAsUser":65532,"runAsGroup":65532,"runAsNonRoot":true,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}}\n' +
          `${minor === '1.30' ? 'KUBECTL_DEBUG_CUSTOM_PROFILE=true ' : ''}kubectl debug -it web-5b7c9d8f6-q4wln --namespace=shop --image=busybox:latest --target=web --profile=restricted --custom=debug-container.json -- sh -c 'ls /proc/1/root'\n`,
      );
      assert.equal(s.patches.length, 0);
    });

    it('1. a command reading stdin (-i: kubectl attach -i), its exit status', async () => {
      const s = await start({ payments: ns('restricted') }, [podFixture('restricted')]);
      const { io, out } = cliIo(envFor(s, minor), 'hello\n');
      assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '-n', 'payments', '-i', '--', 'sh', '-c', 'read x; echo got $x; exit 5'], io), 5, out.stderr);
      assert.equal(out.stdout, 'got hello\n');
      const name = (s.patches[0]!.body as any).spec.ephemeralContainers[0].name;
      assert.deepEqual(s.patches[0]!.body, expectedPatch(name, { command: ['sh', '-c', 'read x; echo got $x; exit 5'], securityContext: { ...RESTRICTED_SC, runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532 }, stdin: true, targetContainerName: 'api' }));
      assert.equal(s.patches[0]!.decision, 'admitted');
    });

    it('1. a terminal session ended with `exit 3` exits 3 (kubectl attach -it in a real pty)', async () => {
      const s = await start({ payments: ns('restricted') }, [podFixture('restricted')]);
      const r = await inTerminal(['node', '-e', CLI_RUNNER, 'debug', 'pod/api-6c9f8d7b5-x2kqp', '-n', 'payments'], envFor(s, minor), /If you don't see a command prompt/, 'echo inside-$((40+2))\nexit 3\n');
      assert.equal(r.code, 3, r.output);
      assert.match(r.output, /inside-42/);
      assert.match(r.output, /The target's files are under \/proc\/1\/root\./);
      const name = (s.patches[0]!.body as any).spec.ephemeralContainers[0].name;
      // No command: the image's own shell.
      assert.deepEqual(s.patches[0]!.body, expectedPatch(name, { securityContext: { ...RESTRICTED_SC, runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532 }, stdin: true, targetContainerName: 'api', tty: true }));
      assert.equal(s.patches[0]!.decision, 'admitted');
      assert.ok(s.requests.some((q) => q.upgrade === 'websocket' && /\/attach\?/.test(q.url)), 'attach over WebSocket');
    });

    it('2. the profile follows the namespace\'s enforce label when readable (baseline: no SYS_PTRACE)', async () => {
      const s = await start({ default: ns('baseline') }, [podFixture('no-security-context')]);
      const { io, out } = cliIo(envFor(s, minor));
      assert.equal(await debugCommand.run(['pod/nginx-7c79c4bf97-5hx9d', '--', 'true'], io), 0, out.stderr);
      assert.equal(s.patches.length, 1);
      const name = (s.patches[0]!.body as any).spec.ephemeralContainers[0].name;
      assert.deepEqual(s.patches[0]!.body, expectedPatch(name, { command: ['true'], securityContext: {}, targetContainerName: 'nginx' }));
      assert.equal(s.patches[0]!.decision, 'admitted');
      assert.match(out.stderr, /Namespace default enforces the baseline Pod Security Standard: profile baseline\./);
    });

    it('2. an unreadable namespace: general is refused by baseline (403), one retry with baseline, said so', async () => {
      const s = await start({ default: ns('baseline', false) }, [podFixture('no-security-context')]);
      const { io, out } = cliIo(envFor(s, minor));
      assert.equal(await debugCommand.run(['pod/nginx-7c79c4bf97-5hx9d', '--', 'true'], io), 0, out.stderr);
      assert.equal(s.patches.length, 2);
      const name = (s.patches[0]!.body as any).spec.ephemeralContainers[0].name;
      assert.deepEqual(s.patches[0]!.body, expectedPatch(name, { command: ['true'], securityContext: { capabilities: { add: ['SYS_PTRACE'] } }, targetContainerName: 'nginx' }));
      assert.equal(s.patches[0]!.decision, `pods "nginx-7c79c4bf97-5hx9d" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "${name}" must not include "SYS_PTRACE" in securityContext.capabilities.add)`);
      assert.deepEqual(s.patches[1]!.body, expectedPatch(name, { command: ['true'], securityContext: {}, targetContainerName: 'nginx' }));
      assert.equal(s.patches[1]!.decision, 'admitted');
      assert.match(out.stderr, /distroless debug: Pod Security refused the general profile in namespace default \(its level could not be read\): retrying once with baseline\.\n/);
    });

    it('2. no enforce label and a cluster default of baseline: the same one retry, saying why', async () => {
      const s = await start({ default: ns() }, [podFixture('no-security-context')], { defaultEnforce: 'baseline' });
      const { io, out } = cliIo(envFor(s, minor));
      assert.equal(await debugCommand.run(['pod/nginx-7c79c4bf97-5hx9d', '--', 'true'], io), 0, out.stderr);
      assert.deepEqual(s.patches.map((p) => p.decision === 'admitted'), [false, true]);
      assert.match(out.stderr, /Pod Security refused the general profile in namespace default \(it has no enforce label, so the cluster's default level applies\): retrying once with baseline\.\n/);
    });

    it('2. an unreadable restricted namespace and an unknown uid: one retry, then one line that says what to give', async () => {
      const s = await start({ default: ns('restricted', false) }, [podFixture('no-security-context')]);
      const { io, out } = cliIo(envFor(s, minor));
      assert.equal(await debugCommand.run(['pod/nginx-7c79c4bf97-5hx9d', '--', 'true'], io), 125);
      assert.deepEqual(s.patches.map((p) => p.decision.replace(/:.*/, '')), ['pods "nginx-7c79c4bf97-5hx9d" is forbidden', 'pods "nginx-7c79c4bf97-5hx9d" is forbidden']);
      assert.match(out.stderr, /Pod Security refused the debug container \(profile baseline\): pods "nginx-7c79c4bf97-5hx9d" is forbidden: violates PodSecurity "restricted:latest": .* Give a non-root --user <uid\[:gid\]>\.\n$/);
    });

    it('3. the gid from status.containerStatuses[].user.linux (kubelet 1.33+); unknown gid said, not guessed', async () => {
      const s = await start({ reports: ns('baseline'), monitoring: ns('baseline') }, [podFixture('kubelet-reported-user'), podFixture('pod-uid-only')]);
      let r = cliIo(envFor(s, minor));
      assert.equal(await debugCommand.run(['pod/report-5f7d8c9b6-k2m4p', '-n', 'reports', '--', 'true'], r.io), 0, r.out.stderr);
      let name = (s.patches[0]!.body as any).spec.ephemeralContainers[0].name;
      assert.deepEqual(s.patches[0]!.body, expectedPatch(name, { command: ['true'], securityContext: { ...RESTRICTED_SC, runAsGroup: 0, runAsNonRoot: true, runAsUser: 10001 }, targetContainerName: 'report' }));
      assert.match(r.out.stderr, /Debug container runs as 10001:0 \(uid from the kubelet's report \(status\.containerStatuses\[\]\.user\.linux\), gid from the kubelet's report/);
      r = cliIo(envFor(s, minor));
      assert.equal(await debugCommand.run(['pod/metrics-6d8b7c5f4-tt9vx', '-n', 'monitoring', '--', 'true'], r.io), 0, r.out.stderr);
      name = (s.patches[1]!.body as any).spec.ephemeralContainers[0].name;
      assert.deepEqual(s.patches[1]!.body, expectedPatch(name, { command: ['true'], securityContext: { ...RESTRICTED_SC, runAsNonRoot: true, runAsUser: 65534 }, targetContainerName: 'exporter' }));
      assert.match(r.out.stderr, /Debug container runs as 65534:\(gid unknown\)/);
      assert.match(r.out.stderr, /The target's gid is unknown .* retry with --user 65534:<gid>\./);
    });

    it('4. shareProcessNamespace: the target\'s PID found from its container id, and where its files are', { skip: CAN_CGROUP ? false : 'needs a writable /sys/fs/cgroup/pids to place the stand-in target process' }, async () => {
      const pod = podFixture('shared-pid');
      const s = await start({ cache: ns('restricted') }, [pod], { targetProcesses: { 'cache-7b9c5d4f8-w6q2z': ['sleep', '120'] } });
      const notes: string[] = [];
      const opened = await openDebugContainer({ pod: 'cache-7b9c5d4f8-w6q2z', namespace: 'cache', image: 'busybox:latest', tty: true, stdin: true, env: envFor(s, minor) }, { note: (l) => notes.push(l) });
      assert.equal(opened.state, 'running');
      assert.deepEqual(s.patches[0]!.body, expectedPatch(opened.prepared.name, { securityContext: { ...RESTRICTED_SC, runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532 }, stdin: true, targetContainerName: 'cache', tty: true }));
      assert.equal(s.patches[0]!.decision, 'admitted');
      const pids = execFileSync('sh', ['-c', `grep -l 63616368652d3762396335643466382d773671327a636163686500000000aa /proc/[0-9]*/cgroup | cut -d/ -f3`], { encoding: 'utf8' }).trim().split('\n').map(Number);
      assert.equal(pids.length, 1);
      assert.equal(await targetFilesNote(opened.prepared), `Pod cache-7b9c5d4f8-w6q2z shares one PID namespace (shareProcessNamespace), so PID 1 is the pause container; cache's main process is PID ${pids[0]}: its files are under /proc/${pids[0]}/root.`);
      assert.ok(s.requests.some((q) => q.upgrade === 'websocket' && /\/exec\?/.test(q.url)), 'found through kubectl exec in the debug container');
    });

    it('5. general profile with the target\'s capabilities: SYS_PTRACE kept next to them', async () => {
      const s = await start({ batch: ns('privileged') }, [podFixture('container-over-pod')]);
      const { io, out } = cliIo(envFor(s, minor));
      assert.equal(await debugCommand.run(['pod/worker-7f6d5c4b9-m8ztr', '-n', 'batch', '-c', 'worker', '--', 'true'], io), 0, out.stderr);
      const name = (s.patches[0]!.body as any).spec.ephemeralContainers[0].name;
      assert.deepEqual(s.patches[0]!.body, expectedPatch(name, { command: ['true'], securityContext: { capabilities: { add: ['SYS_PTRACE', 'NET_ADMIN'] }, runAsGroup: 3000, runAsNonRoot: true, runAsUser: 2000 }, targetContainerName: 'worker' }));
      assert.equal(s.patches[0]!.decision, 'admitted');
    });

    it('6. editor path: restricted with the uid unknown asks for a user (no --user advice), then the session\'s exit status', async () => {
      const s = await start({ shop: ns('restricted') }, [podFixture('runasnonroot-unknown')]);
      const asked: string[] = [];
      const env = envFor(s, minor);
      const opened = await openDebugContainer(
        { pod: 'billing-84d7f9c6b-7hj2c', namespace: 'shop', container: 'billing', image: 'busybox:latest', tty: true, stdin: true, env },
        { note: () => undefined, askUser: async (reason) => (asked.push(reason), '10001:10001') },
      );
      assert.deepEqual(asked, [
        'Container "billing" must run as non-root (runAsNonRoot), but neither it nor the pod sets runAsUser, the kubelet does not report it, and its image registry.example.com/shop/billing:1.9.0 is not one known to run as nonroot, so its uid is unknown.',
      ]);
      assert.equal(s.patches.length, 1);
      const name = opened.prepared.name;
      assert.deepEqual(s.patches[0]!.body, expectedPatch(name, { securityContext: { ...RESTRICTED_SC, runAsGroup: 10001, runAsNonRoot: true, runAsUser: 10001 }, stdin: true, targetContainerName: 'billing', tty: true }));
      assert.equal(s.patches[0]!.decision, 'admitted');
      // The terminal the editor opens runs exactly this argv.
      const args = attachArgs(opened.prepared);
      assert.deepEqual(args, ['attach', 'billing-84d7f9c6b-7hj2c', '--namespace=shop', `--container=${name}`, '-i', '-t']);
      const r = await inTerminal(['kubectl', ...args], env, /If you don't see a command prompt/, 'exit 7\n');
      assert.equal(r.code, 0, 'kubectl attach itself ends with 0');
      assert.equal(await debugContainerExit(opened.prepared), 7);
    });

    it('6. editor path: a root target in a restricted namespace asks for a user too', async () => {
      const s = await start({ default: ns('restricted') }, [podFixture('no-security-context')]);
      const asked: string[] = [];
      await assert.rejects(
        openDebugContainer({ pod: 'nginx-7c79c4bf97-5hx9d', image: 'busybox:latest', tty: true, stdin: true, env: envFor(s, minor) }, { note: () => undefined, askUser: async (reason) => (asked.push(reason), undefined) }),
        { name: 'UserCancelled' },
      );
      assert.deepEqual(asked, [
        'Namespace default enforces the restricted Pod Security Standard, so the debug container must run as a non-root uid, but neither it nor the pod sets runAsUser, the kubelet does not report it, and its image nginx:1.27 is not one known to run as nonroot, so its uid is unknown.',
      ]);
      assert.equal(s.patches.length, 0, 'nothing sent before the user chose');
    });
  });
}

describe('7. the Google Cloud SDK dispatcher: the version check asks the kubectl that will run', { skip: SKIP }, () => {
  it('a 1.29 cluster: the dispatcher runs kubectl 1.29, which has no --custom; nothing is sent', async () => {
    const s = await startKubeApiServer({ serverVersion: '1.29.8', namespaces: { payments: ns('restricted') }, pods: [podFixture('restricted')] });
    try {
      const { io, out } = cliIo(envFor(s, 'dispatcher'));
      assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '-n', 'payments', '--', 'true'], io), 125);
      assert.match(out.stderr, /^distroless debug: kubectl on PATH is the Google Cloud SDK's dispatcher; for this cluster it runs kubectl v1\.29\.\d+\. kubectl v1\.29\.\d+ is too old .*--custom needs kubectl 1\.31 or newer.* The dispatcher picks the kubectl matching the cluster's version; kubectl\.1\.31, kubectl\.1\.32, kubectl\.1\.33 beside it have --custom: put one first on PATH as kubectl to use it\.\n$/);
      assert.equal(s.patches.length, 0);
    } finally {
      await s.close();
    }
  });

  it('a 1.32 cluster: the dispatcher runs kubectl 1.32, and the command\'s exit status comes back', async () => {
    const s = await startKubeApiServer({ serverVersion: '1.32.4', namespaces: { payments: ns('restricted') }, pods: [podFixture('restricted')] });
    try {
      const { io, out } = cliIo(envFor(s, 'dispatcher'));
      assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '-n', 'payments', '--', 'sh', '-c', 'exit 4'], io), 4, out.stderr);
      assert.match(out.stderr, /for this cluster it runs kubectl v1\.32\.\d+(-dispatcher)?\./);
      const name = (s.patches[0]!.body as any).spec.ephemeralContainers[0].name;
      assert.deepEqual(s.patches[0]!.body, expectedPatch(name, { command: ['sh', '-c', 'exit 4'], securityContext: { ...RESTRICTED_SC, runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532 }, targetContainerName: 'api' }));
      assert.equal(s.patches[0]!.decision, 'admitted');
    } finally {
      await s.close();
    }
  });

  it('kubectl 1.29 itself is refused before anything is sent', async () => {
    const s = await startKubeApiServer({ serverVersion: '1.29.8', namespaces: { payments: ns('restricted') }, pods: [podFixture('restricted')] });
    try {
      const { io, out } = cliIo(envFor(s, '1.29'));
      assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '-n', 'payments', '--', 'true'], io), 125);
      assert.match(out.stderr, /^distroless debug: kubectl v1\.29\.\d+ is too old .* Upgrade kubectl, or run plain kubectl debug \(as the tools image's user\)\.\n$/, 'kubectl.1.29 linked as kubectl is not the dispatcher');
      assert.equal(s.patches.length, 0);
    } finally {
      await s.close();
    }
  });
});
