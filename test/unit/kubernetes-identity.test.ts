import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  knownImageUser,
  customSupport,
  effectiveIdentity,
  IdentityError,
  knownNonrootImage,
  kubectlDebugIdentityArgs,
  parseKubectlVersion,
  planDebugIdentity,
  PodJson,
  withoutUserAdvice,
} from '../../server/src/kubernetes/identity';
import { kubectlCommandLine, printable } from '../../server/src/kubernetes/kubectl';
import { debugCommand } from '../../server/src/cli/commands/debug';
import type { CliIo } from '../../server/src/cli/commands/types';
import { REPO_ROOT } from '../support/paths';

/** Hand-written in the shape of real `kubectl get pod -o json` output: see test/fixtures/kubernetes/README.md. */
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'kubernetes');
const pod = (name: string): PodJson => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
const text = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('the target container\'s effective identity (container over pod)', () => {
  const cases: Array<[string, string | undefined, object]> = [
    ['restricted', undefined, { container: 'api', uid: 65532, gid: 65532, uidFrom: 'pod', gidFrom: 'pod', runAsNonRoot: true, capAdd: [], capDrop: ['ALL'], privileged: false }],
    ['container-over-pod', 'worker', { container: 'worker', uid: 2000, gid: 3000, uidFrom: 'container', gidFrom: 'container', runAsNonRoot: false, capAdd: ['NET_ADMIN'], capDrop: ['ALL'], privileged: false }],
    ['container-over-pod', 'envoy', { container: 'envoy', uid: 101, gid: 101, uidFrom: 'container', gidFrom: 'container', runAsNonRoot: false, capAdd: [], capDrop: [], privileged: false }],
    ['runasnonroot-image', undefined, { container: 'web', uid: undefined, gid: undefined, uidFrom: 'unknown', gidFrom: 'unknown', runAsNonRoot: true, capAdd: [], capDrop: [], privileged: false }],
    ['no-security-context', undefined, { container: 'nginx', uid: undefined, gid: undefined, uidFrom: 'unknown', gidFrom: 'unknown', runAsNonRoot: false, capAdd: [], capDrop: [], privileged: false }],
    ['pod-uid-only', undefined, { container: 'exporter', uid: 65534, gid: undefined, uidFrom: 'pod', gidFrom: 'unknown', runAsNonRoot: true, capAdd: [], capDrop: [], privileged: false }],
  ];
  for (const [file, container, expected] of cases) {
    it(`${file}${container ? ` -c ${container}` : ''}`, () => {
      const id = effectiveIdentity(pod(file), container);
      const { pod: _p, namespace: _n, image: _i, shareProcessNamespace: _s, containerID: _c, ...rest } = id;
      assert.deepEqual(rest, expected);
    });
  }
  it('names the containers when -c is wrong', () => {
    assert.throws(() => effectiveIdentity(pod('container-over-pod'), 'app'), {
      message: 'Pod "worker-7f6d5c4b9-m8ztr" has no container "app"; its containers: envoy, worker. Pick one with -c.',
    });
  });
});

describe('what the ephemeral container gets (--profile and the --custom spec)', () => {
  const cases: Array<[string, string | undefined, string | undefined, { profile: string; custom: object; notes: string[] }]> = [
    [
      'restricted',
      undefined,
      undefined,
      {
        profile: 'restricted',
        custom: { securityContext: { runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } },
        notes: ["Debug container runs as 65532:65532 (uid from the pod's securityContext, gid from the pod's securityContext)."],
      },
    ],
    [
      'container-over-pod',
      'worker',
      undefined,
      {
        // NET_ADMIN is not allowed under restricted, so general, keeping the target's capability changes.
        profile: 'general',
        custom: { securityContext: { runAsUser: 2000, runAsGroup: 3000, runAsNonRoot: true, capabilities: { add: ['SYS_PTRACE', 'NET_ADMIN'] } } },
        notes: ["Debug container runs as 2000:3000 (uid from the container's securityContext, gid from the container's securityContext)."],
      },
    ],
    [
      'runasnonroot-image',
      undefined,
      undefined,
      {
        profile: 'restricted',
        custom: { securityContext: { runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } },
        notes: [
          'Debug container runs as 65532:65532 (uid from the image (documented non-root), gid from the image (documented non-root)).',
          'The pod does not set runAsUser; gcr.io/distroless/nodejs22-debian12:nonroot is documented to run as 65532:65532 (distroless :nonroot images run as nonroot (65532)), so the debug container uses that.',
        ],
      },
    ],
    [
      'no-security-context',
      undefined,
      undefined,
      {
        profile: 'general',
        custom: { securityContext: {} },
        notes: [
          "The target's user is unknown (no runAsUser in the pod spec and none reported by the kubelet; the image decides). The debug container runs as the tools image's user with the general profile (SYS_PTRACE), which can read the target's files; use --user <uid[:gid]> to match the target instead.",
        ],
      },
    ],
    [
      'no-security-context',
      undefined,
      '101:101',
      {
        profile: 'restricted',
        custom: { securityContext: { runAsUser: 101, runAsGroup: 101, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } },
        notes: ['Debug container runs as 101:101 (uid from your --user, gid from your --user).'],
      },
    ],
    [
      'pod-uid-only',
      undefined,
      undefined,
      {
        profile: 'restricted',
        custom: { securityContext: { runAsUser: 65534, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } },
        notes: [
          "Debug container runs as 65534:(gid unknown) (uid from the pod's securityContext, gid from unknown).",
          "The target's gid is unknown (no runAsGroup, none reported by the kubelet (1.33+ reports it), and quay.io/prometheus/node-exporter:v1.8.2 is not one whose user is documented): the debug container gets the group its runtime gives uid 65534 in the tools image (0 without a passwd entry). If the target's files are unreadable, retry with --user 65534:<gid>.",
        ],
      },
    ],
  ];
  for (const [file, container, user, expected] of cases) {
    it(`${file}${container ? ` -c ${container}` : ''}${user ? ` --user ${user}` : ''}`, () => {
      const plan = planDebugIdentity(effectiveIdentity(pod(file), container), user);
      assert.deepEqual({ profile: plan.profile, custom: plan.custom, notes: plan.notes }, expected);
    });
  }

  it('refuses to guess under runAsNonRoot when the image is not known to be non-root', () => {
    assert.throws(() => planDebugIdentity(effectiveIdentity(pod('runasnonroot-unknown'))), {
      message:
        'Container "billing" must run as non-root (runAsNonRoot), but neither it nor the pod sets runAsUser, the kubelet does not report it, and its image registry.example.com/shop/billing:1.9.0 is not one known to run as nonroot, so its uid is unknown. Give it with --user <uid[:gid]> (look at the image\'s USER).',
    });
    assert.throws(() => planDebugIdentity(effectiveIdentity(pod('restricted')), 'nonroot'), /--user must be a numeric uid/);
  });

  const images: Array<[string, boolean]> = [
    ['gcr.io/distroless/static-debian12:nonroot', true],
    ['gcr.io/distroless/base-debian12:debug-nonroot', true],
    ['gcr.io/distroless/static-debian12', false],
    ['gcr.io/distroless/static-debian12:latest', false],
    ['cgr.dev/chainguard/static:latest', true],
    ['cgr.dev/chainguard/static', true],
    ['cgr.dev/my-org/node:22@sha256:' + 'a'.repeat(64), true],
    ['cgr.dev/chainguard/python:latest-dev', false],
    ['cgr.dev/chainguard/redis:latest', false],
    ['mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled', true],
    ['mcr.microsoft.com/dotnet/runtime:6.0-jammy-chiseled', false],
    ['mcr.microsoft.com/dotnet/aspnet:8.0', false],
    ['nginx:1.27', false],
    ['registry.example.com/nonroot:1', false],
  ];
  for (const [image, known] of images) it(`knownNonrootImage(${image}) = ${known}`, () => assert.equal(knownNonrootImage(image), known));
  it('.NET chiseled is app 1654', () => assert.deepEqual([knownImageUser('mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled')?.uid, knownImageUser('mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled')?.gid], [1654, 1654]));
});

describe('kubectl version and --custom', () => {
  it('1.31: on by default', () => assert.deepEqual(customSupport(parseKubectlVersion(text('version-1.31.json'))), {}));
  it('1.30: behind KUBECTL_DEBUG_CUSTOM_PROFILE', () => assert.deepEqual(customSupport(parseKubectlVersion(text('version-1.30.json'))), { KUBECTL_DEBUG_CUSTOM_PROFILE: 'true' }));
  it('1.29 (EKS "29+"): says which version is needed', () => {
    const v = parseKubectlVersion(text('version-1.29-eks.json'));
    assert.deepEqual([v.major, v.minor], [1, 29]);
    assert.throws(() => customSupport(v), {
      message:
        'kubectl v1.29.10-eks-7f9249a is too old to give the debug container the target\'s identity: kubectl debug --custom needs kubectl 1.31 or newer (1.30 with KUBECTL_DEBUG_CUSTOM_PROFILE=true). Upgrade kubectl, or run plain kubectl debug (as the tools image\'s user).',
    });
  });
  it('argv: the container added without attaching, its name ours; names that look like options refused', () => {
    const id = planDebugIdentity(effectiveIdentity(pod('restricted'))).identity;
    assert.deepEqual(kubectlDebugIdentityArgs(id, { image: 'busybox:1.36', customFile: '/tmp/x.json', profile: 'restricted', name: 'debugger-abcde', tty: true, stdin: true }), [
      'debug', 'api-6c9f8d7b5-x2kqp', '--namespace=payments', '--image=busybox:1.36', '--target=api', '--container=debugger-abcde', '--profile=restricted', '--custom=/tmp/x.json', '--attach=false', '--stdin', '--tty',
    ]);
    assert.deepEqual(kubectlDebugIdentityArgs(id, { image: 'busybox', customFile: '/c', profile: 'general', name: 'debugger-abcde', tty: false, stdin: false, command: ['ls', '-l'] }), [
      'debug', 'api-6c9f8d7b5-x2kqp', '--namespace=payments', '--image=busybox', '--target=api', '--container=debugger-abcde', '--profile=general', '--custom=/c', '--attach=false', '--', 'ls', '-l',
    ]);
    assert.throws(() => kubectlDebugIdentityArgs({ ...id, pod: '--all' }, { image: 'b', customFile: '/c', profile: 'general', name: 'd', tty: true, stdin: true }), IdentityError);
  });
});

describe('profiles and ids the real kubectl tests do not cover one by one', () => {
  it('the kubelet\'s reported ids (1.33+) over the image; --user uid alone leaves the gid unknown', () => {
    const plan = planDebugIdentity(effectiveIdentity(pod('kubelet-reported-user')));
    assert.deepEqual([plan.identity.uid, plan.identity.gid, plan.identity.uidFrom, plan.identity.gidFrom, plan.profile], [10001, 0, 'status', 'status', 'restricted']);
    const user = planDebugIdentity(effectiveIdentity(pod('no-security-context')), '1000');
    assert.deepEqual(user.custom.securityContext.runAsGroup, undefined);
  });
  it('a namespace enforcing baseline gets baseline for a root target; restricted asks for a user', () => {
    assert.equal(planDebugIdentity(effectiveIdentity(pod('no-security-context')), undefined, 'baseline').profile, 'baseline');
    assert.throws(() => planDebugIdentity(effectiveIdentity(pod('no-security-context')), undefined, 'restricted'), (e: unknown) => e instanceof IdentityError && e.kind === 'needs-user');
    assert.equal(planDebugIdentity(effectiveIdentity(pod('no-security-context')), undefined, 'privileged').profile, 'general');
  });
  it('withoutUserAdvice drops the CLI\'s --user sentence', () => {
    assert.equal(withoutUserAdvice('uid unknown. Give it with --user <uid[:gid]> (look at the image\'s USER).'), 'uid unknown.');
    assert.equal(withoutUserAdvice('runAsNonRoot is set but the uid is 0. Give a non-root --user <uid[:gid]>.'), 'runAsNonRoot is set but the uid is 0.');
  });
  it('a shared PID namespace and the target\'s container id are read from the pod', () => {
    const id = effectiveIdentity(pod('shared-pid'));
    assert.deepEqual([id.shareProcessNamespace, id.containerID], [true, '63616368652d3762396335643466382d773671327a636163686500000000aa']);
  });
});

/**
 * A fake kubectl only for what a real kubectl and API server never do: answer
 * about another pod than the one asked for (a misbehaving proxy or wrapper).
 */
describe('distroless debug pod/<name> with a fake kubectl (what a real one cannot reach)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubectl-pod-'));
    fs.writeFileSync(
      path.join(dir, 'kubectl'),
      `#!/bin/sh
case "$1" in
version) cat "${path.join(FIXTURES, 'version-1.31.json')}" ;;
get) cat "${path.join(FIXTURES, 'restricted.json')}" ;;
*) echo "$*" >> "${dir}/other"; exit 99 ;;
esac
`,
      { mode: 0o755 },
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('debugs the pod asked for, never the one an answer names', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const cli: CliIo = { stdout: new PassThrough(), stderr, stdin: Object.assign(new PassThrough(), { isTTY: false }), cwd: dir, env: { PATH: `${dir}:/usr/bin:/bin` } };
    assert.equal(await debugCommand.run(['pod/web', '--', 'true'], cli), 125);
    assert.equal(err, 'distroless debug: kubectl get pod web answered with pod "api-6c9f8d7b5-x2kqp"; not debugging a pod other than the one asked for.\n');
    assert.equal(fs.existsSync(path.join(dir, 'other')), false, 'no kubectl debug ran');
  });
});

describe('kubectl lines shown to people are quoted for a shell', () => {
  it('quotes spaces, quotes and control characters', () => {
    assert.equal(kubectlCommandLine(['debug', 'web', '--image=reg/tools:1', '--', 'sh', '-c', "echo 'hi'; ls"], { KUBECTL_DEBUG_CUSTOM_PROFILE: 'true' }), `KUBECTL_DEBUG_CUSTOM_PROFILE=true kubectl debug web --image=reg/tools:1 -- sh -c 'echo '\\''hi'\\''; ls'`);
    assert.equal(kubectlCommandLine(['--image=a\x1b[2Jb\nc']), "kubectl $'--image=a\\x1b[2Jb\\x0ac'");
    assert.equal(kubectlCommandLine(['']), "kubectl ''");
  });
  it('notes from the cluster show control characters, never send them', () => {
    assert.equal(printable('image reg/x\x1b]8;;http://e\x07y\ttab'), 'image reg/x\\x1b]8;;http://e\\x07y\ttab');
  });
});
