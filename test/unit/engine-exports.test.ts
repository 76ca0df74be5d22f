/**
 * The engine's entries export what is used and nothing more: engine/index.ts only names
 * something outside the engine imports (the server, the CLI, the host adapters), and
 * engine/testing.ts, the tests' entry, only names some test imports. Tests reach the
 * engine through testing.ts alone. The checker is tested on a throwaway tree too.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { namesImportedFrom, ownExportNames, readImportGraph, tsFilesUnder, unusedExports } from '../support/boundaries';
import { REPO_ROOT } from '../support/paths';

const INDEX = 'server/src/engine/index.ts';
const TESTING = 'server/src/engine/testing.ts';

test('engine/index.ts exports only names something outside the engine imports', () => {
  const outside = tsFilesUnder(REPO_ROOT, ['server/src', 'client/src']).filter((f) => !f.startsWith('server/src/engine/'));
  assert.ok(ownExportNames(REPO_ROOT, INDEX).length > 30);
  assert.deepEqual(unusedExports(REPO_ROOT, INDEX, outside), []);
});

test('engine/testing.ts exports only names some test imports, and nothing in server/src or client/src imports it', () => {
  const tests = tsFilesUnder(REPO_ROOT, ['test']);
  assert.deepEqual(unusedExports(REPO_ROOT, TESTING, tests), []);
  const { edges } = readImportGraph(REPO_ROOT);
  assert.deepEqual(edges.filter((e) => e.to.kind === 'file' && e.to.path === TESTING).map((e) => e.from), []);
});

test('tests reach the engine through engine/testing.ts only', () => {
  const tests = tsFilesUnder(REPO_ROOT, ['test']);
  const { edges } = readImportGraph(REPO_ROOT, ['test']);
  const into = edges.filter((e) => e.to.kind === 'file' && e.to.path.startsWith('server/src/engine/') && e.to.path !== TESTING);
  assert.ok(tests.length > 50);
  assert.deepEqual(into.map((e) => `${e.from} -> ${e.to.kind === 'file' ? e.to.path : ''}`), []);
});

test('the checker: a name nobody imports is reported; imported, re-exported and type names are not', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-exports-'));
  try {
    const write = (relative: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      fs.writeFileSync(path.join(root, relative), text);
    };
    write('e/impl.ts', 'export const a = 1;\nexport const b = 2;\nexport type T = string;\nexport function f() { return 0; }\n');
    write('e/index.ts', "export { a, b } from './impl';\nexport type { T } from './impl';\nexport { f as g } from './impl';\nexport const local = 3;\nexport * from './impl';\n");
    write('c/use.ts', "import { a, type T } from '../e';\nexport { g } from '../e/index';\nexport const x: T = String(a);\n");
    assert.deepEqual(ownExportNames(root, 'e/index.ts'), ['a', 'b', 'T', 'g', 'local']);
    assert.deepEqual([...namesImportedFrom(root, ['c/use.ts'], 'e/index.ts').keys()].sort(), ['T', 'a', 'g']);
    assert.deepEqual(unusedExports(root, 'e/index.ts', ['c/use.ts']), ['b', 'local']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
