import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dockerRunCommand, parseProcStatus, parseTop, planSidecar, shellQuote, TargetInfo, SIDECAR_OWNER_LABEL } from '../../server/src/docker';

function target(over: Partial<TargetInfo> = {}): TargetInfo {
  return {
    id: 'a'.repeat(64),
    name: 'web',
    image: 'app:1',
    state: 'running',
    running: true,
    pid: 4242,
    configUser: '',
    user: { uid: 65532, gid: 65532, source: 'process' },
    capAdd: [],
    capDrop: [],
    privileged: false,
    hasShell: false,
    ...over,
  };
}

describe('shellQuote', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['--pid=container:web', '--pid=container:web'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", `'it'\\''s'`],
    ['$HOME', "'$HOME'"],
    ['a"b', `'a"b'`],
    ['back\\slash', "'back\\slash'"],
    ['*', "'*'"],
    ['line\nbreak', "'line\nbreak'"],
  ];
  for (const [input, expected] of cases) {
    it(`quotes ${JSON.stringify(input)}`, () => assert.equal(shellQuote(input), expected));
  }

  it('round-trips through a real POSIX shell', async () => {
    const { execFileSync } = await import('node:child_process');
    const args = ["it's", '$HOME', 'a b', '"q"', '`x`', '\\', '', 'ok', '!x', ';rm'];
    const out = execFileSync('sh', ['-c', `printf '%s\\n' ${args.map(shellQuote).join(' ')}`]).toString();
    assert.equal(out, args.join('\n') + '\n');
  });
});

describe('planSidecar', () => {
  it('matches the target user and copies its capabilities by default, never privileged', () => {
    const plan = planSidecar(target({ capAdd: ['NET_ADMIN'], capDrop: ['CHOWN'] }), { owner: 'host:1' });
    assert.equal(plan.user, '65532:65532');
    assert.deepEqual(plan.capAdd, ['NET_ADMIN']);
    assert.deepEqual(plan.capDrop, ['CHOWN']);
    assert.equal(plan.privileged, false);
    assert.equal(plan.image, 'busybox:latest');
    assert.deepEqual(plan.command, ['sh']);
    assert.equal(plan.labels[SIDECAR_OWNER_LABEL], 'host:1');
    assert.match(plan.joinedAs, /as the target's user 65532:65532 \(read from its running process\), capabilities \+NET_ADMIN/);
  });

  it('root mode adds SYS_PTRACE and does not drop what it adds', () => {
    const plan = planSidecar(target({ user: { uid: 0, gid: 0, source: 'default' }, capAdd: ['NET_ADMIN'], capDrop: ['SYS_PTRACE', 'MKNOD'] }), { mode: 'root' });
    assert.equal(plan.user, '0:0');
    assert.deepEqual(plan.capAdd, ['NET_ADMIN', 'SYS_PTRACE']);
    assert.deepEqual(plan.capDrop, ['MKNOD']);
  });

  it('a privileged target gets all capabilities, not --privileged', () => {
    const plan = planSidecar(target({ privileged: true }));
    assert.deepEqual(plan.capAdd, ['ALL']);
    assert.equal(plan.privileged, false);
  });

  it('rejects non-numeric explicit users', () => {
    assert.throws(() => planSidecar(target(), { user: 'nonroot' }), /must be numeric/);
    assert.equal(planSidecar(target(), { user: '1000' }).user, '1000:1000');
  });

  it('adds extra capabilities once, after the target\'s, and undoes a matching drop', () => {
    const plan = planSidecar(target({ capAdd: ['NET_ADMIN'], capDrop: ['NET_RAW'] }), { mode: 'root', extraCapAdd: ['net_raw', ' CAP_NET_ADMIN ', ''] });
    assert.deepEqual(plan.capAdd, ['NET_ADMIN', 'SYS_PTRACE', 'NET_RAW']);
    assert.deepEqual(plan.capDrop, []);
    assert.match(dockerRunCommand(plan), /--cap-add NET_ADMIN --cap-add SYS_PTRACE --cap-add NET_RAW /);
  });

  it('refuses extra capabilities that are not names', () => {
    assert.throws(() => planSidecar(target(), { extraCapAdd: ['NET_ADMIN --privileged'] }), /not a capability name/);
    assert.throws(() => planSidecar(target(), { extraCapAdd: ['SYS_ADMIN;'] }), /not a capability name/);
  });
});

describe('dockerRunCommand', () => {
  it('renders the same sidecar as a quoted docker run line without the owner label', () => {
    const plan = planSidecar(target({ name: 'web', capAdd: ['NET_ADMIN'] }), { owner: 'h:1', command: ['sh', '-c', "echo 'hi' $HOME"] });
    assert.equal(
      dockerRunCommand(plan, { engineArgs: ['--context', 'my ctx'] }),
      `docker --context 'my ctx' run --rm -it --pid=container:web --network=container:web --user 65532:65532 --cap-add NET_ADMIN ` +
        `--label io.distroless.sidecar.target=${'a'.repeat(64)} --label io.distroless.sidecar.target-name=web busybox:latest sh -c 'echo '\\''hi'\\'' $HOME'`,
    );
  });

  it('non-interactive plans drop -it', () => {
    const line = dockerRunCommand(planSidecar(target(), { tty: false, stdin: false, mode: 'root', privileged: true, command: ['ps'] }));
    assert.match(line, /^docker run --rm --pid=container:web --network=container:web --user 0:0 --cap-add SYS_PTRACE --privileged /);
    assert.match(line, / busybox:latest ps$/);
  });
});

describe('identity parsing', () => {
  it('picks the main process row from docker top output', () => {
    const top = { Titles: ['PID', 'UID', 'GID'], Processes: [['4300', '0', '0'], ['4242', '65532', '65533']] };
    assert.deepEqual(parseTop(top, 4242), { uid: 65532, gid: 65533, source: 'process' });
    assert.equal(parseTop(top, 1), undefined);
    assert.equal(parseTop({ Titles: ['PID', 'USER'], Processes: [['4242', 'root']] }, 4242), undefined);
  });

  it('reads the effective ids from /proc/<pid>/status', () => {
    const status = 'Name:\thttpd\nUid:\t1000\t65532\t65532\t65532\nGid:\t1000\t65531\t65531\t65531\n';
    assert.deepEqual(parseProcStatus(status), { uid: 65532, gid: 65531, source: 'process' });
    assert.equal(parseProcStatus('Name:\tx\n'), undefined);
  });
});
