/**
 * Terminal injection through the CLI, as real processes: a Dockerfile whose name and
 * text carry escape sequences and line breaks. The text report shows them escaped
 * (`\x1b`, `\n`), so they neither recolour the terminal nor forge rows of their own;
 * and `lint --stdin --fix` on the inputs that used to fail with an internal error
 * (` t $c`; `FROM scratch`, `RUN \`, `\ x`) prints a Dockerfile, never nothing.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { repoRoot } from '../../support/cli';
import { terminalText } from '../../../server/src/cli/terminalText';

const CLI = path.join(repoRoot(), 'dist', 'cli.js');
const ENV = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/distroless-test/docker.sock', DISTROLESS_DEBUG: '' };

function run(args: string[], cwd: string, input = '') {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, input, env: ENV, timeout: 30_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
}

test('terminalText shows control characters and bidirectional overrides as escapes', () => {
  assert.equal(terminalText('a\x1b[31mred\nforged\r\t\x07\x9b\u202e!'), 'a\\x1b[31mred\\nforged\\r\\t\\x07\\x9b\\u202e!');
  assert.equal(terminalText('back\\slash'), 'back\\slash');
  assert.equal(terminalText('back\\slash\n', { names: true }), 'back\\\\slash\\n');
});

test('lint: a file name and Dockerfile text with escape codes and line breaks come out escaped, one row per finding', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-terminal-'));
  fs.mkdirSync(path.join(dir, '.git'));
  const name = 'Dockerfile.\x1b]0;owned\x07\x1b[2J\nforged.Dockerfile:1:1 error fake-rule all clear';
  fs.writeFileSync(path.join(dir, name), 'FROM debian:12\nUSER \x1b[32mroot\nCMD echo hi\n');
  const result = run(['lint', '.'], dir);
  assert.equal(result.code, 1, result.stderr);
  assert.ok(!result.stdout.includes('\x1b') && !result.stdout.includes('\x07'), JSON.stringify(result.stdout));
  const rows = result.stdout.trimEnd().split('\n');
  assert.ok(rows.length > 0);
  for (const row of rows) assert.ok(row.startsWith('Dockerfile.\\x1b]0;owned\\x07\\x1b[2J\\nforged.Dockerfile:1:1 error fake-rule all clear:'), JSON.stringify(row));
});

for (const [what, input] of [[' t $c first line', ' t $c\nFROM debian:12\n'], ['scratch with a continued RUN into "\\ x"', 'FROM scratch\nRUN \\\n\\ x\n']] as const) {
  test(`lint --stdin --fix on ${what}: no internal error, a Dockerfile on stdout`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-terminal-'));
    const result = run(['lint', '--fix', '--stdin'], dir, input);
    assert.notEqual(result.code, 3, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error/);
    assert.ok(result.stdout.length > 0, 'never an empty buffer');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), input);
    const convert = run(['convert', 'Dockerfile'], dir);
    assert.notEqual(convert.code, 3, convert.stderr);
    assert.doesNotMatch(convert.stderr, /internal error/);
  });
}

test('stale baseline entries print their file and rule names escaped (the baseline is a committed file anyone can edit)', async () => {
  const { describeStale } = await import('../../../server/src/cli/baseline');
  const text = describeStale(new Map([['b\x1b[2J.json', [{ file: 'Dockerfile\n\x1b[31mforged', rule: 'runs-as-root\x07', line: 3 } as never]]]));
  assert.equal(
    text,
    'distroless lint: information: b\\x1b[2J.json: 1 baseline entry matches no finding any more (fixed, or the file is gone); write the baseline again to drop it:\n' +
      '  Dockerfile\\n\\x1b[31mforged: runs-as-root\\x07 (line 3 when recorded)\n',
  );
});
