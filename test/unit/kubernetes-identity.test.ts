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
} from '../../server/src/kubernetes/identity';
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
      const { pod: _p, namespace: _n, image: _i, ...rest } = id;
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
        custom: { securityContext: { runAsUser: 2000, runAsGroup: 3000, runAsNonRoot: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } },
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
          "The target's user is unknown (no runAsUser in the pod spec; the image decides). The debug container runs as the tools image's user with the general profile (SYS_PTRACE), which can read /proc/1/root; use --user <uid[:gid]> to match the target instead.",
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
        custom: { securityContext: { runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } },
        notes: [
          "Debug container runs as 65534:65534 (uid from the pod's securityContext, gid from unknown).",
          'The pod sets no runAsGroup, so the target\'s group comes from its image and is not known here; the debug container uses gid 65534 (distroless and Chainguard images use the uid\'s own group). If /proc/1/root is unreadable, retry with --user 65534:<gid>.',
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
        'Container "billing" must run as non-root (runAsNonRoot), but neither it nor the pod sets runAsUser and its image registry.example.com/shop/billing:1.9.0 is not one known to run as nonroot, so its uid is unknown. Give it with --user <uid[:gid]> (look at the image\'s USER).',
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
  it('argv: interactive, batch with a command, and names that look like options refused', () => {
    const id = planDebugIdentity(effectiveIdentity(pod('restricted'))).identity;
    assert.deepEqual(kubectlDebugIdentityArgs(id, { image: 'busybox:1.36', customFile: '/tmp/x.json', profile: 'restricted', tty: true, stdin: true }), [
      'debug', '-it', 'api-6c9f8d7b5-x2kqp', '--namespace=payments', '--image=busybox:1.36', '--target=api', '--profile=restricted', '--custom=/tmp/x.json',
    ]);
    assert.deepEqual(kubectlDebugIdentityArgs(id, { image: 'busybox', customFile: '/c', profile: 'general', tty: false, stdin: false, command: ['ls', '-l'] }), [
      'debug', '--attach=true', 'api-6c9f8d7b5-x2kqp', '--namespace=payments', '--image=busybox', '--target=api', '--profile=general', '--custom=/c', '--', 'ls', '-l',
    ]);
    assert.throws(() => kubectlDebugIdentityArgs({ ...id, pod: '--all' }, { image: 'b', customFile: '/c', profile: 'general', tty: true, stdin: true }), IdentityError);
  });
});

describe('distroless debug pod/<name> through a fake kubectl (real child processes)', () => {
  let dir: string;
  let bin: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubectl-pod-'));
    bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(dir, 'pods'));
    for (const f of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && !f.startsWith('version'))) {
      const p = JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')) as PodJson;
      fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, 'pods', `${p.metadata!.name}.json`));
    }
    // Answers like kubectl: version, get pod (or NotFound), and debug (records its argv and the --custom file).
    fs.writeFileSync(
      path.join(bin, 'kubectl'),
      `#!/bin/sh
D="${dir}"
case "$1" in
version) cat "$D/version.json" ;;
get) if [ -f "$D/pods/$3.json" ]; then cat "$D/pods/$3.json"; else echo "Error from server (NotFound): pods \\"$3\\" not found" >&2; exit 1; fi ;;
debug)
  printf '%s\\n' "$@" > "$D/debug-args"
  printf '%s' "$KUBECTL_DEBUG_CUSTOM_PROFILE" > "$D/debug-env"
  for a in "$@"; do case "$a" in --custom=*) cp "\${a#--custom=}" "$D/custom.json"; ls -l "\${a#--custom=}" | cut -c1-10 > "$D/custom-mode" ;; esac; done
  echo "Defaulting debug container name to debugger-x7k2q."
  echo "uid=65532 gid=65532"
  exit 3 ;;
*) echo "unexpected $*" >&2; exit 99 ;;
esac
`,
      { mode: 0o755 },
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function io(version = 'version-1.31.json') {
    fs.copyFileSync(path.join(FIXTURES, version), path.join(dir, 'version.json'));
    for (const f of ['debug-args', 'custom.json', 'debug-env', 'custom-mode']) fs.rmSync(path.join(dir, f), { force: true });
    const out = { stdout: '', stderr: '' };
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
    stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
    const cli: CliIo = { stdout, stderr, stdin: Object.assign(new PassThrough(), { isTTY: false }), cwd: dir, env: { PATH: `${bin}:/usr/bin:/bin` } };
    return { cli, out };
  }

  it('passes the identity and profile, runs the command, exits with its code and removes the spec file', async () => {
    const { cli, out } = io();
    const code = await debugCommand.run(['pod/worker-7f6d5c4b9-m8ztr', '-c', 'worker', '--image', 'busybox:1.36', '--', 'id'], cli);
    assert.equal(code, 3);
    const args = fs.readFileSync(path.join(dir, 'debug-args'), 'utf8').trim().split('\n');
    const customArg = args.find((a) => a.startsWith('--custom='))!;
    assert.deepEqual(args, ['debug', '--attach=true', 'worker-7f6d5c4b9-m8ztr', '--namespace=batch', '--image=busybox:1.36', '--target=worker', '--profile=general', customArg, '--', 'id']);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'custom.json'), 'utf8')), {
      securityContext: { runAsUser: 2000, runAsGroup: 3000, runAsNonRoot: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } },
    });
    assert.equal(fs.readFileSync(path.join(dir, 'custom-mode'), 'utf8').trim(), '-rw-------', 'the spec file is private');
    assert.equal(fs.existsSync(customArg.slice('--custom='.length)), false, 'the spec file is removed afterwards');
    assert.equal(out.stdout, 'Defaulting debug container name to debugger-x7k2q.\nuid=65532 gid=65532\n');
    assert.equal(
      out.stderr,
      "distroless debug: Debug container runs as 2000:3000 (uid from the container's securityContext, gid from the container's securityContext).\n" +
        `distroless debug: profile general; kubectl ${args.join(' ')}\n`,
    );
    assert.equal(fs.readFileSync(path.join(dir, 'debug-env'), 'utf8'), '');
  });

  it('sets KUBECTL_DEBUG_CUSTOM_PROFILE for kubectl 1.30', async () => {
    const { cli } = io('version-1.30.json');
    assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '--', 'true'], cli), 3);
    assert.equal(fs.readFileSync(path.join(dir, 'debug-env'), 'utf8'), 'true');
  });

  it('refuses kubectl 1.29 with the version needed, and never runs kubectl debug', async () => {
    const { cli, out } = io('version-1.29-eks.json');
    assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '--', 'true'], cli), 125);
    assert.match(out.stderr, /^distroless debug: kubectl v1\.29\.10-eks-7f9249a is too old .* needs kubectl 1\.31 or newer .*\n$/);
    assert.equal(fs.existsSync(path.join(dir, 'debug-args')), false);
  });

  it('one line for a missing pod, an unknown identity under runAsNonRoot, and usage errors', async () => {
    let r = io();
    assert.equal(await debugCommand.run(['pod/nope', '--', 'true'], r.cli), 125);
    assert.equal(r.out.stderr, 'distroless debug: Pod "nope" was not found in kubectl\'s current namespace. List pods with kubectl get pods.\n');
    r = io();
    assert.equal(await debugCommand.run(['pod/billing-84d7f9c6b-7hj2c', '--', 'true'], r.cli), 125);
    assert.match(r.out.stderr, /^distroless debug: Container "billing" must run as non-root \(runAsNonRoot\), .*--user <uid\[:gid\]>.*\n$/);
    r = io();
    assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp', '--root', '--', 'true'], r.cli), 2);
    assert.equal(r.out.stderr, 'distroless debug: --root is for containers; for pods use kubectl debug --profile=sysadmin yourself\n');
    r = io();
    assert.equal(await debugCommand.run(['pod/api-6c9f8d7b5-x2kqp'], r.cli), 2);
    assert.match(r.out.stderr, /stdin is not a terminal/);
  });

  it('--print-command shows the spec and the command, and runs nothing', async () => {
    const { cli, out } = io('version-1.30.json');
    assert.equal(await debugCommand.run(['pod/web-5b7c9d8f6-q4wln', '--print-command'], cli), 0);
    const lines = out.stdout.split('\n');
    assert.equal(lines[0], '# debug-container.json:');
    assert.equal(lines[1], '{"securityContext":{"runAsUser":65532,"runAsGroup":65532,"runAsNonRoot":true,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}}');
    assert.match(lines[2]!, /^KUBECTL_DEBUG_CUSTOM_PROFILE=true kubectl debug -it web-5b7c9d8f6-q4wln --namespace=shop --image=busybox:latest --target=web --profile=restricted --custom=debug-container\.json$/);
    assert.equal(fs.existsSync(path.join(dir, 'debug-args')), false);
  });
});
