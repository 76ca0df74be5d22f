/**
 * The CLI's one argument parser (server/src/cli/args.ts): every command, run as a user
 * runs it (the built dist/cli.js, in a child process), with a valid command line, an
 * unknown option, a missing value and a repeated option: the exact standard error and
 * exit code. Then the parser's own rules, and each command's --help against the options
 * it declares.
 */
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../support/paths';
import { parseCommandLine, ParsedLine, UsageError, type CommandLine } from '../../../server/src/cli/args';
import { ExitCode } from '../../../server/src/cli/commands/types';
import { LINT_LINE } from '../../../server/src/cli/commands/lint';
import { CONVERT_LINE } from '../../../server/src/cli/commands/convert';
import { DEBUG_LINE } from '../../../server/src/cli/commands/debug';
import { POD_LINE } from '../../../server/src/cli/podDebug';
import { PORT_FORWARD_LINE } from '../../../server/src/cli/commands/portForward';
import { ATTACH_LINE } from '../../../server/src/cli/commands/attachDebugger';
import { LS_LINE } from '../../../server/src/cli/commands/ls';

const CLI = path.join(repoRoot(), 'dist', 'cli.js');
const SOCKET = 'unix:///nonexistent/distroless-test/docker.sock';
const NO_ENGINE = `No Docker engine answered. Tried: ${SOCKET} (DOCKER_HOST): no such socket. Start Docker (or Podman's Docker-compatible socket), or point DOCKER_HOST / DOCKER_CONTEXT at a running engine.`;
const DISTROLESS = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nENTRYPOINT ["/app"]\n';

let work: string;
before(() => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is built (npm run build; npm test builds it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-arguments-'));
  fs.mkdirSync(path.join(work, '.git'));
  fs.writeFileSync(path.join(work, 'Dockerfile'), DISTROLESS);
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

function run(argv: string[]): { code: number | null; stdout: string; stderr: string } {
  // No engine, no Docker context or kubeconfig of this machine: the answers do not depend on it.
  const env = { PATH: process.env.PATH, HOME: work, DOCKER_HOST: SOCKET, KUBECONFIG: path.join(work, 'no-kubeconfig') };
  const result = spawnSync(process.execPath, [CLI, ...argv], { cwd: work, env, encoding: 'utf8', input: '', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const refused = (command: string, what: string) => `distroless ${command}: ${what} (see distroless ${command} --help)\n`;

interface Case {
  argv: string[];
  code: number;
  stderr: string;
  /** When given, standard output too. */
  stdout?: string;
}

const CASES: Record<string, Case[]> = {
  'distroless': [
    { argv: [], code: ExitCode.usage, stderr: 'distroless: name a command: lint, convert, debug, port-forward, attach-debugger, ls (see distroless --help)\n' },
    { argv: ['--bogus'], code: ExitCode.usage, stderr: 'distroless: unknown option --bogus (see distroless --help)\n' },
    { argv: ['lnt'], code: ExitCode.usage, stderr: 'distroless: unknown command "lnt"; the commands are lint, convert, debug, port-forward, attach-debugger, ls (see distroless --help)\n' },
  ],
  lint: [
    { argv: ['lint', '--no-image-inspect', 'Dockerfile'], code: ExitCode.ok, stderr: '', stdout: '' },
    { argv: ['lint', '--bogus', 'Dockerfile'], code: ExitCode.usage, stderr: refused('lint', 'unknown option --bogus'), stdout: '' },
    { argv: ['lint', '-z', 'Dockerfile'], code: ExitCode.usage, stderr: refused('lint', 'unknown option -z') },
    { argv: ['lint', 'Dockerfile', '--format'], code: ExitCode.usage, stderr: refused('lint', '--format needs a value: <format>') },
    { argv: ['lint', '--target=', 'Dockerfile'], code: ExitCode.usage, stderr: refused('lint', '--target needs a value: <stage>') },
    { argv: ['lint', '--fix=yes', 'Dockerfile'], code: ExitCode.usage, stderr: refused('lint', '--fix takes no value') },
    // The last value wins; a repeatable option keeps each (the second host is the one refused).
    { argv: ['lint', '--no-image-inspect', '--format', 'xml', '--format=json', '--format', 'text', 'Dockerfile'], code: ExitCode.ok, stderr: '', stdout: '' },
    { argv: ['lint', '--registry-redirect-host', 'a.example', '--registry-redirect-host', 'http://b/', 'Dockerfile'], code: ExitCode.usage, stderr: refused('lint', '"http://b/" is not a host or host:port') },
    // --severity is --failure-threshold's other name: one option, the last value wins.
    { argv: ['lint', '--no-image-inspect', '--severity', 'fatal', '--failure-threshold', 'none', 'Dockerfile'], code: ExitCode.ok, stderr: '' },
    // After --, a word that looks like an option is a file.
    { argv: ['lint', '--no-image-inspect', '--', '-Dockerfile'], code: ExitCode.usage, stderr: 'distroless lint: -Dockerfile: no such file or folder. Pass a Dockerfile, a folder that holds one, or a glob pattern.\n' },
  ],
  convert: [
    { argv: ['convert', 'Dockerfile'], code: ExitCode.ok, stderr: '', stdout: DISTROLESS },
    { argv: ['convert', '--bogus', 'Dockerfile'], code: ExitCode.usage, stderr: refused('convert', 'unknown option --bogus') },
    { argv: ['convert', 'Dockerfile', '--target'], code: ExitCode.usage, stderr: refused('convert', '--target needs a value: <stage>') },
    { argv: ['convert', '--to', 'nope', '--to', 'distroless', '--check', 'Dockerfile'], code: ExitCode.ok, stderr: '', stdout: '' },
    { argv: ['convert', '--to', 'distroless', '--to=nope', 'Dockerfile'], code: ExitCode.usage, stderr: refused('convert', '--to takes distroless, chainguard, dhi') },
    { argv: ['convert', '--build-arg', 'A=1', '--build-arg', 'B', 'Dockerfile'], code: ExitCode.usage, stderr: refused('convert', '--build-arg and --platform apply to --build') },
    { argv: ['convert', 'Dockerfile', 'Other'], code: ExitCode.usage, stderr: refused('convert', 'give one Dockerfile') },
  ],
  debug: [
    { argv: ['debug', 'web', '--', 'true'], code: ExitCode.engineFailure, stderr: `distroless debug: ${NO_ENGINE}\n` },
    // After -- (or after the container) the words are the command's own, --help included.
    { argv: ['debug', 'web', '--', 'ls', '--help'], code: ExitCode.engineFailure, stderr: `distroless debug: ${NO_ENGINE}\n`, stdout: '' },
    { argv: ['debug', 'web', 'ls', '-l', '--bogus'], code: ExitCode.engineFailure, stderr: `distroless debug: ${NO_ENGINE}\n` },
    { argv: ['debug', '--bogus', 'web', '--', 'true'], code: ExitCode.usage, stderr: refused('debug', 'unknown option --bogus') },
    { argv: ['debug', 'web', '--image'], code: ExitCode.usage, stderr: refused('debug', '--image needs a value: <image>') },
    { argv: ['debug', '--user', '1000', '--user', 'nonroot', 'web', '--', 'true'], code: ExitCode.usage, stderr: refused('debug', '--user must be a numeric uid or uid:gid, got "nonroot"') },
    { argv: ['debug', 'web'], code: ExitCode.usage, stderr: refused('debug', 'stdin is not a terminal, so give the command to run after --, e.g. distroless debug app -- ps') },
  ],
  'debug pod/': [
    { argv: ['debug', 'pod/web', '--bogus', '--', 'true'], code: ExitCode.usage, stderr: refused('debug', 'unknown option --bogus') },
    { argv: ['debug', 'pod/web', '-n'], code: ExitCode.usage, stderr: refused('debug', '-n needs a value: <ns>') },
    { argv: ['debug', 'pod/web', '--root', '--', 'true'], code: ExitCode.usage, stderr: refused('debug', '--root is for containers; for pods use kubectl debug --profile=sysadmin yourself') },
    { argv: ['debug', 'web', 'pod/web'], code: ExitCode.usage, stderr: refused('debug', 'expected pod/<name>, got "web"') },
  ],
  'port-forward': [
    { argv: ['port-forward', 'web', '8080'], code: ExitCode.engineFailure, stderr: `distroless port-forward: ${NO_ENGINE}\n`, stdout: '' },
    { argv: ['port-forward', '--bogus', 'web', '8080'], code: ExitCode.usage, stderr: refused('port-forward', 'unknown option --bogus') },
    { argv: ['port-forward', 'web', '8080', '--image'], code: ExitCode.usage, stderr: refused('port-forward', '--image needs a value: <image>') },
    { argv: ['port-forward', '--address', '0.0.0.0', '--address=127.0.0.1', 'web', '8080'], code: ExitCode.engineFailure, stderr: `distroless port-forward: ${NO_ENGINE}\n` },
    { argv: ['port-forward', 'web', '8080', '18080:8080', '8080:9090'], code: ExitCode.usage, stderr: refused('port-forward', 'local port 8080 is given twice') },
  ],
  'attach-debugger': [
    { argv: ['attach-debugger', 'web'], code: ExitCode.engineFailure, stderr: `distroless attach-debugger: ${NO_ENGINE}\n`, stdout: '' },
    { argv: ['attach-debugger', '--bogus', 'web'], code: ExitCode.usage, stderr: refused('attach-debugger', 'unknown option --bogus') },
    { argv: ['attach-debugger', 'web', '--pid'], code: ExitCode.usage, stderr: refused('attach-debugger', '--pid needs a value: <n>') },
    { argv: ['attach-debugger', '--pid', '7', '--pid', 'one', 'web'], code: ExitCode.usage, stderr: refused('attach-debugger', '--pid needs a process number, not "one"') },
  ],
  ls: [
    { argv: ['ls', 'web', '/'], code: ExitCode.engineFailure, stderr: `distroless ls: ${NO_ENGINE}\n`, stdout: '' },
    { argv: ['ls', '-nq', 'web'], code: ExitCode.usage, stderr: refused('ls', 'unknown option -q') },
    // ls takes no value anywhere: the missing word is the container.
    { argv: ['ls', '--json'], code: ExitCode.usage, stderr: refused('ls', 'missing <container>') },
    { argv: ['ls', '--json=yes', 'web'], code: ExitCode.usage, stderr: refused('ls', '--json takes no value') },
    { argv: ['ls', '-n', '--numeric', '-nn', 'web'], code: ExitCode.engineFailure, stderr: `distroless ls: ${NO_ENGINE}\n` },
    { argv: ['ls', 'web', '/a', '/b'], code: ExitCode.usage, stderr: refused('ls', 'one path at a time (got 2)') },
  ],
};

describe('the built CLI: exact standard error and exit code for each command line', () => {
  for (const [command, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      it(`${command}: distroless ${c.argv.join(' ')}`, () => {
        const result = run(c.argv);
        assert.deepEqual({ code: result.code, stderr: result.stderr }, { code: c.code, stderr: c.stderr });
        if (c.stdout !== undefined) assert.equal(result.stdout, c.stdout);
      });
    }
  }
  it('--help (or -h) before the command\'s own words prints its usage, exit 0, whatever else is on the line', () => {
    for (const argv of [['lint', '--bogus', '--help'], ['convert', '-h'], ['debug', '--help'], ['ls', '-h', 'web'], ['port-forward', '--help'], ['attach-debugger', '--help'], ['debug', 'pod/web', '--help']]) {
      const result = run(argv);
      assert.deepEqual([result.code, result.stderr], [ExitCode.ok, ''], argv.join(' '));
      assert.match(result.stdout, /^usage: distroless /i, argv.join(' '));
    }
  });
});

const LINES: CommandLine[] = [LINT_LINE, CONVERT_LINE, DEBUG_LINE, POD_LINE, PORT_FORWARD_LINE, ATTACH_LINE, LS_LINE];

describe('each command\'s --help names exactly the options it declares', () => {
  for (const line of LINES) {
    it(`${line.command}${line === POD_LINE ? ' pod/' : ''}`, () => {
      const spellings = (l: CommandLine) => l.options.flatMap((o) => [`--${o.name}`, ...(o.aliases ?? []).map((a) => `--${a}`), ...(o.short ? [`-${o.short}`] : [])]);
      for (const spelling of spellings(line)) assert.match(line.usage, new RegExp(`(^|[\\s,\\[(])${spelling}(?![\\w-])`, 'm'), `${spelling} is declared but not in the usage`);
      // debug's usage also documents the pod/ options.
      const declared = new Set([...spellings(line), ...(line === DEBUG_LINE ? spellings(POD_LINE) : []), '-h', '--help']);
      const documented = [...line.usage.matchAll(/^ {2,}(?:(-\w), )?(--[\w-]+)/gm)].flatMap((m) => [m[1], m[2]].filter((s): s is string => s !== undefined));
      assert.ok(documented.length > 0);
      for (const spelling of documented) assert.ok(declared.has(spelling), `${spelling} is in the usage but not declared`);
    });
  }
});

describe('the parser', () => {
  const LINE: CommandLine = {
    command: 'demo',
    usage: 'usage: distroless demo',
    afterDashDash: 'operands',
    options: [
      { name: 'format', short: 'f', value: '<format>' },
      { name: 'threshold', aliases: ['severity'], value: '<level>' },
      { name: 'host', value: '<host>', repeatable: true },
      { name: 'numeric', short: 'n' },
      { name: 'quiet', short: 'q' },
    ],
  };
  const RUNNER: CommandLine = { ...LINE, command: 'runner', afterDashDash: 'command', commandAfterOperands: 1 };
  const parsed = (line: CommandLine, argv: string[]): ParsedLine => {
    const result = parseCommandLine(line, argv);
    assert.ok(result instanceof ParsedLine);
    return result;
  };
  const refusal = (line: CommandLine, argv: string[]): string => {
    try {
      parseCommandLine(line, argv);
    } catch (error) {
      assert.ok(error instanceof UsageError);
      return error.message;
    }
    return assert.fail(`${argv.join(' ')} was accepted`);
  };

  it('--opt value, --opt=value, -o value, -ovalue are the same; the last one given wins', () => {
    for (const argv of [['--format', 'json'], ['--format=json'], ['-f', 'json'], ['-fjson'], ['-f', 'text', '--format=json']]) {
      assert.equal(parsed(LINE, argv).value('format'), 'json', argv.join(' '));
    }
    assert.equal(parsed(LINE, ['--format=a=b']).value('format'), 'a=b');
  });
  it('an alias is the same option', () => {
    assert.equal(parsed(LINE, ['--severity', 'error', '--threshold', 'hint']).value('threshold'), 'hint');
    assert.equal(parsed(LINE, ['--threshold', 'hint', '--severity', 'error']).value('threshold'), 'error');
  });
  it('a repeatable option keeps every value in order', () => {
    assert.deepEqual(parsed(LINE, ['--host', 'a', 'x', '--host=b']).values('host'), ['a', 'b']);
    assert.deepEqual(parsed(LINE, []).values('host'), []);
  });
  it('switches, alone or grouped', () => {
    const line = parsed(LINE, ['-nq', 'x']);
    assert.deepEqual([line.flag('numeric'), line.flag('quiet'), line.operands], [true, true, ['x']]);
    assert.equal(parsed(LINE, ['x']).flag('numeric'), false);
  });
  it('a value that starts with - is taken (a lost value is then refused by what reads it, e.g. an image name)', () => {
    assert.equal(parsed(LINE, ['--format', '--quiet']).value('format'), '--quiet');
  });
  it('-- ends the options: the rest are operands, or the command\'s own command line', () => {
    assert.deepEqual(parsed(LINE, ['a', '--', '-b', '--format', 'x']).operands, ['a', '-b', '--format', 'x']);
    const runner = parsed(RUNNER, ['web', '--', 'ls', '-l']);
    assert.deepEqual([runner.operands, runner.command], [['web'], ['ls', '-l']]);
    assert.equal(parsed(RUNNER, ['web']).command, undefined);
  });
  it('after its operands, a runner\'s command line starts, options and all', () => {
    const runner = parsed(RUNNER, ['-n', 'web', 'ls', '-l', '--format', 'x']);
    assert.deepEqual([runner.operands, runner.command, runner.flag('numeric'), runner.value('format')], [['web'], ['ls', '-l', '--format', 'x'], true, undefined]);
  });
  it('help comes first, but not from the command\'s own words', () => {
    assert.equal(parseCommandLine(LINE, ['--bogus', '-h']), 'help');
    assert.equal(parseCommandLine(LINE, ['--help', '--format']), 'help');
    assert.ok(parseCommandLine(RUNNER, ['web', '--', '--help']) instanceof ParsedLine);
    assert.ok(parseCommandLine(RUNNER, ['web', 'ls', '-h']) instanceof ParsedLine);
    assert.ok(parseCommandLine(LINE, ['--', '--help']) instanceof ParsedLine);
  });
  it('refusals: the first problem, in the words the user typed', () => {
    assert.equal(refusal(LINE, ['--bogus', '--format']), 'unknown option --bogus');
    assert.equal(refusal(LINE, ['-x']), 'unknown option -x');
    assert.equal(refusal(LINE, ['-nx']), 'unknown option -x');
    assert.equal(refusal(LINE, ['--bogus=1']), 'unknown option --bogus');
    assert.equal(refusal(LINE, ['-f']), '-f needs a value: <format>');
    assert.equal(refusal(LINE, ['--severity']), '--severity needs a value: <level>');
    assert.equal(refusal(LINE, ['--format=']), '--format needs a value: <format>');
    assert.equal(refusal(LINE, ['--format', '']), '--format needs a value: <format>');
    assert.equal(refusal(LINE, ['--quiet=yes']), '--quiet takes no value');
    // A long name spelt with one dash is not the option.
    assert.equal(refusal(LINE, ['-numeric']), 'unknown option -u');
  });
  it('an option read under a name nobody declared is a bug, not a usage error', () => {
    assert.throws(() => parsed(LINE, []).value('nope'), (error: unknown) => error instanceof Error && !(error instanceof UsageError));
    assert.throws(() => parsed(LINE, []).flag('format'), (error: unknown) => error instanceof Error && !(error instanceof UsageError));
    assert.throws(() => parsed(LINE, []).value('host'), (error: unknown) => error instanceof Error && !(error instanceof UsageError));
  });
});
