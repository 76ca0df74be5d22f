/**
 * Every error notification of the extension goes through log.ts's showError, which
 * writes the raw text to the Distroless output channel and adds a Show Log button
 * (issue 16). A direct vscode.window.showErrorMessage elsewhere would have neither.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

test('error notifications carry Show Log: only log.ts calls showErrorMessage', () => {
  const client = path.join(repoRoot(), 'client', 'src');
  const files = sources(client);
  assert.ok(files.length > 10, 'client sources found');
  const direct = files
    .filter((file) => /\bshowErrorMessage\s*\(/.test(fs.readFileSync(file, 'utf8')))
    .map((file) => path.relative(client, file).split(path.sep).join('/'));
  assert.deepEqual(direct, ['log.ts']);
  assert.match(fs.readFileSync(path.join(client, 'log.ts'), 'utf8'), /showErrorMessage\(summary, \.\.\.\(options\.actions \?\? \[\]\), SHOW_LOG\)/);
});
