/**
 * One name per exit code: the CLI's exit codes are ExitCode's (server/src/cli/commands/types.ts,
 * docs/cli.md#exit-codes), and no number is used as one anywhere in server/src/cli or
 * server/src/docker. Five names for 125 and three for 1 is how this started.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../support/paths';
import { ExitCode } from '../../../server/src/cli/commands/types';

const ROOTS = ['server/src/cli', 'server/src/docker'];

/** Where a number stands for an exit code. `cliOnly`: in server/src/cli, where a command's `run` returns its exit code. */
const LITERALS: Array<{ what: string; pattern: RegExp; cliOnly?: boolean }> = [
  { what: 'process.exit(<number>)', pattern: /\bprocess\.exit\(\s*-?\d/ },
  { what: 'exitCode = <number>', pattern: /\bexitCode\s*=(?!=)\s*-?\d/ },
  { what: 'exitCode: <number>', pattern: /\bexitCode\s*:\s*-?\d/ },
  { what: 'a constant named for an exit code', pattern: /\bconst\s+\w*(?:EXIT|ENDED|CANCELLED|NOT_FOUND|INCOMPLETE|STATUS)\w*\s*=\s*-?\d/i },
  { what: 'return <number>', pattern: /\breturn\s+-?\d+\s*;/, cliOnly: true },
  { what: 'resolve(<number>)', pattern: /\bresolve\(\s*-?\d+\s*\)/, cliOnly: true },
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** `file:line: what` for each exit code written as a number. */
function numericExitCodes(file: string, text: string): string[] {
  const inCli = file.startsWith('server/src/cli/');
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    const code = line.replace(/\/\/.*$/, '');
    for (const literal of LITERALS) {
      if ((!literal.cliOnly || inCli) && literal.pattern.test(code)) found.push(`${file}:${index + 1}: ${literal.what}: ${line.trim()}`);
    }
  });
  return found;
}

test('no exit code is a number outside ExitCode in server/src/cli and server/src/docker', () => {
  const root = repoRoot();
  const files = ROOTS.flatMap((dir) => sources(path.join(root, dir)));
  assert.ok(files.length > 20, 'the sources are found');
  const found = files.flatMap((file) => numericExitCodes(path.relative(root, file).split(path.sep).join('/'), fs.readFileSync(file, 'utf8')));
  assert.deepEqual(found, [], 'use ExitCode (server/src/cli/commands/types.ts), and add a name there only for a new code');
});

test('the check finds each form it looks for, and not ExitCode itself or a code read from elsewhere', () => {
  const cli = 'server/src/cli/commands/x.ts';
  const flagged = [
    'process.exit(2);',
    'process.exitCode = 1;',
    'return { exitCode: 125 };',
    'export const LS_NOT_FOUND = 1;',
    'export const PORT_FORWARD_ENDED = 1;',
    'const CANCELLED = 130;',
    '  return 125;',
    "child.on('error', () => resolve(125));",
  ];
  for (const line of flagged) assert.equal(numericExitCodes(cli, line).length, 1, line);
  assert.equal(numericExitCodes('server/src/docker/x.ts', 'process.exit(3)').length, 1);
  const fine = [
    'return ExitCode.usage;',
    'process.exit(process.exitCode ?? ExitCode.ok);',
    'if (inspect.ExitCode === 0) return { readable: true };',
    'exitCode = (await removedWait).StatusCode;',
    'const READ_AHEAD = 256;',
    'return end.exitCode ?? ExitCode.engineFailure;',
    '// exit 125 when the engine fails: return 125;',
  ];
  for (const line of fine) assert.deepEqual(numericExitCodes(cli, line), [], line);
  assert.deepEqual(numericExitCodes('server/src/docker/x.ts', 'return 1;'), [], 'server/src/docker returns numbers that are not exit codes');
});

test('ExitCode: one name per code', () => {
  const codes = Object.values(ExitCode);
  assert.equal(new Set(codes).size, codes.length);
  assert.deepEqual(ExitCode, { ok: 0, negative: 1, usage: 2, incomplete: 3, engineFailure: 125, cancelled: 130 });
});
