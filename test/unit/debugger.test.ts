import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseProcess, parseProcessListing, runtimeOf, TargetProcess } from '../../server/src/docker/debugger';
import { NO_ENGINE_ENV, runCli } from '../support/cli';
import { REPO_ROOT } from '../support/paths';

const DOCS = 'See https://github.com/distroless-tools/distroless-vscode/blob/main/docs/debugging.md#attach-a-debugger';

describe('reading the process listing the sidecar prints', () => {
  it('pid, ppid uid gid, exe, Go build info, cwd and argv (\\x1f-separated, trailing one dropped); broken lines skipped', () => {
    const text = [
      '12\t1 65532 65532\t/nodejs/bin/node\t0\t/app\t/nodejs/bin/node\x1fworker.js\x1f',
      '1\t0 65532 65532\t/nodejs/bin/node\t0\t/app\t/nodejs/bin/node\x1fserver.js\x1f--title\x1fa\tb\x1f',
      '7\t1 0 0\t\t0\t\tsleep\x1f',
      '8\t1 1000 1000\t/app/server\t1\t/\t/app/server\x1f-addr\x1f:8080\x1f',
      'garbage',
      'x\t1 2 3\t\t0\t\tfoo\x1f',
      '',
    ].join('\n');
    assert.deepEqual(parseProcessListing(text), [
      { pid: 1, ppid: 0, uid: 65532, gid: 65532, exe: '/nodejs/bin/node', cwd: '/app', argv: ['/nodejs/bin/node', 'server.js', '--title', 'a\tb'], runtime: 'node' },
      { pid: 7, ppid: 1, uid: 0, gid: 0, exe: '', cwd: '', argv: ['sleep'], runtime: 'other' },
      { pid: 8, ppid: 1, uid: 1000, gid: 1000, exe: '/app/server', cwd: '/', argv: ['/app/server', '-addr', ':8080'], runtime: 'go' },
      { pid: 12, ppid: 1, uid: 65532, gid: 65532, exe: '/nodejs/bin/node', cwd: '/app', argv: ['/nodejs/bin/node', 'worker.js'], runtime: 'node' },
    ]);
  });

  const runtimes: Array<[string, string[], boolean, string]> = [
    ['/usr/bin/node', ['node', 'a.js'], false, 'node'],
    ['', ['/usr/local/bin/nodejs', 'a.js'], false, 'node'],
    ['/usr/bin/node22', ['x'], false, 'node'],
    ['/usr/bin/python3.13', ['python3', 'app.py'], false, 'python'],
    ['/usr/lib/jvm/java-21/bin/java', ['java', '-jar', 'app.jar'], false, 'java'],
    ['/usr/share/dotnet/dotnet', ['dotnet', 'App.dll'], false, 'dotnet'],
    ['/app/server', ['/app/server'], true, 'go'],
    ['/app/nodered', ['nodered'], false, 'other'],
    ['/usr/local/bin/busybox', ['httpd'], false, 'other'],
  ];
  for (const [exe, argv, go, expected] of runtimes) {
    it(`${exe || argv[0]} is ${expected}`, () => assert.equal(runtimeOf(exe, argv, go), expected));
  }
});

describe('choosing the process to attach to', () => {
  const p = (pid: number, runtime: TargetProcess['runtime'], argv: string[]): TargetProcess => ({ pid, ppid: pid === 1 ? 0 : 1, uid: 65532, gid: 65532, exe: '', cwd: '/', argv, runtime });
  const nodeMain = [p(1, 'node', ['node', 'server.js']), p(9, 'node', ['node', 'worker.js'])];
  const tini = [p(1, 'other', ['/tini', '--', 'node', 'a.js']), p(7, 'node', ['node', 'a.js'])];
  const two = [p(1, 'other', ['/tini', '--', 'sh']), p(7, 'node', ['node', 'a.js']), p(8, 'go', ['/app/server'])];
  const python = [p(1, 'python', ['python3', 'app.py'])];

  it('PID 1 when it is Node.js, even with other Node.js processes', () => assert.equal(chooseProcess(nodeMain, 'web').pid, 1));
  it('the one Node.js process under an init', () => assert.equal(chooseProcess(tini, 'web').pid, 7));
  it('--pid picks one', () => assert.equal(chooseProcess(nodeMain, 'web', 9).pid, 9));
  it('several candidates: the list, and the candidates on the error', () =>
    assert.throws(() => chooseProcess(two, 'web'), (err: Error & { candidates?: TargetProcess[] }) => {
      assert.equal(err.message, 'Several processes in web can be debugged; pick one with --pid:\n    7  65532:65532  node    node a.js\n    8  65532:65532  go      /app/server');
      assert.deepEqual(err.candidates?.map((c) => c.pid), [7, 8]);
      return true;
    }));
  it('Python says what it would need, with the docs link', () =>
    assert.throws(() => chooseProcess(python, 'web'), {
      message: `Python: not supported yet. It would need debugpy injected into the running interpreter (debugpy --pid, which needs gdb and SYS_PTRACE in a tools image), then the DAP port forwarded (PID 1 in web: python3 app.py). ${DOCS}`,
    }));
  it('--pid of a Java process says what it would need', () =>
    assert.throws(() => chooseProcess([p(1, 'java', ['java', '-jar', 'app.jar'])], 'web', 1), {
      message: `Java: not supported yet. The JVM opens JDWP only when started with -agentlib:jdwp (a restart), or through the attach API (jcmd with a JDK tools image as the same user), then the port forwarded (process 1 in web: java -jar app.jar). ${DOCS}`,
    }));
  it('.NET says what it would need', () => assert.throws(() => chooseProcess([p(1, 'dotnet', ['dotnet', 'App.dll'])], 'web'), /^DebuggerUnavailableError: \.NET: not supported yet\. It would need vsdbg or netcoredbg/));
  it('an unknown --pid lists the processes', () =>
    assert.throws(() => chooseProcess(tini, 'web', 3), { message: 'No process 3 in web. Its processes:\n    1  65532:65532  other   /tini -- node a.js\n    7  65532:65532  node    node a.js' }));
});

describe('distroless attach-debugger refuses a name Docker would never accept before any engine call (exit 125, one line)', () => {
  it('../x', async () => {
    const run = await runCli(['attach-debugger', '../x'], { cwd: os.tmpdir(), env: NO_ENGINE_ENV });
    assert.equal(
      run.stderr,
      'distroless attach-debugger: "../x" is not a valid container name or ID: Docker names contain only letters, digits and _ . - (starting with a letter or digit), and IDs only hex digits. Use the name or ID that `docker ps` shows.\n',
    );
    assert.equal(run.code, 125);
  });
});

describe('distroless attach-debugger usage errors (exit 2, one line, no engine contacted)', () => {
  const cases: Array<[string[], string]> = [
    [[], 'distroless attach-debugger: missing <container> (see distroless attach-debugger --help)\n'],
    [['web', 'other'], 'distroless attach-debugger: unexpected argument "other": one container at a time (see distroless attach-debugger --help)\n'],
    [['web', '--pid', 'one'], 'distroless attach-debugger: --pid needs a process number, not "one" (see distroless attach-debugger --help)\n'],
    [['web', '--pid=0'], 'distroless attach-debugger: --pid needs a process number, not "0" (see distroless attach-debugger --help)\n'],
    [['web', '--port', 'inspector'], 'distroless attach-debugger: "inspector" is not a port: give <port> or <local>:<port>, numbers from 1 to 65535 (e.g. 8080 or 18080:8080) (see distroless attach-debugger --help)\n'],
    [['web', '--tools-image'], 'distroless attach-debugger: --tools-image needs a value: <image> (see distroless attach-debugger --help)\n'],
    [['--bogus', 'web'], 'distroless attach-debugger: unknown option --bogus (see distroless attach-debugger --help)\n'],
  ];
  for (const [argv, stderr] of cases) {
    it(`attach-debugger ${argv.join(' ')}`, async () => {
      const run = await runCli(['attach-debugger', ...argv], { cwd: os.tmpdir() });
      assert.equal(run.stderr, stderr);
      assert.equal(run.stdout, '');
      assert.equal(run.code, 2);
    });
  }
});

describe('what attach-debugger says about Delve\'s sidecar matches what it runs (the process\'s uid:gid, never root)', () => {
  it('the CLI help and the distroless.debugger.goImage setting', async () => {
    const help = await runCli(['attach-debugger', '--help'], { cwd: os.tmpdir() });
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { markdownDescription?: string }> } } };
    const setting = pkg.contributes.configuration.properties['distroless.debugger.goImage']!.markdownDescription!;
    for (const [where, text] of [['--help', help.stdout + help.stderr], ['setting', setting]] as const) {
      assert.doesNotMatch(text, /as root/, where);
      assert.match(text.replace(/\s+/g, ' '), /own (uid:gid|user) with CAP_SYS_PTRACE added|own user with `CAP_SYS_PTRACE` added/, where);
    }
  });
});
