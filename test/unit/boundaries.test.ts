/**
 * The rooms and doors of docs/architecture.md, enforced on the import graph of
 * client/src and server/src. The checker itself is tested on synthetic graphs (one
 * edge through each wall, one allowed edge beside it) and on a throwaway tree of
 * real files, so a checker that stopped seeing edges would fail here too.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  describeCycle, describeViolation, filesOutsideRooms, forbiddenEdges, importCycles, readImportGraph, resolveImport, type ImportEdge, type ImportTarget,
} from '../support/boundaries';
import { REPO_ROOT } from '../support/paths';

test('client/src and server/src keep to their rooms', () => {
  const { files, edges } = readImportGraph(REPO_ROOT);
  assert.deepEqual(filesOutsideRooms(files), [], 'every file belongs to a room');
  assert.deepEqual(forbiddenEdges(edges).map(describeViolation), []);
});

test('no import cycles under client/src and server/src (type-only imports count)', () => {
  const { edges } = readImportGraph(REPO_ROOT);
  assert.deepEqual(importCycles(edges).map(describeCycle), []);
});

test('the cycle finder: each cycle once, from its first file, the shortest way round; none in a tree', () => {
  const graph = (pairs: Array<[string, string]>): ImportEdge[] => pairs.map(([from, to]) => edge(from, { kind: 'file', path: to }));
  assert.deepEqual(importCycles(graph([['a.ts', 'b.ts'], ['b.ts', 'c.ts'], ['c.ts', 'd.ts']])), []);
  assert.deepEqual(importCycles(graph([['m.ts', 'o.ts'], ['o.ts', 'm.ts'], ['a.ts', 'm.ts']])).map(describeCycle), ['m.ts -> o.ts -> m.ts']);
  assert.deepEqual(importCycles(graph([
    ['x.ts', 'y.ts'], ['y.ts', 'z.ts'], ['z.ts', 'x.ts'], ['y.ts', 'x.ts'],
    ['self.ts', 'self.ts'],
    ['b.ts', 'c.ts'], ['c.ts', 'b.ts'],
  ])).map(describeCycle), ['b.ts -> c.ts -> b.ts', 'self.ts -> self.ts', 'x.ts -> y.ts -> x.ts']);
  // Packages and built-ins are not files of ours: no cycle through them.
  assert.deepEqual(importCycles([{ from: 'a.ts', specifier: 'x', to: { kind: 'package', name: 'x' } }]), []);
});

test('the real graph is read: known edges are there, lazy requires included', () => {
  const { files, edges } = readImportGraph(REPO_ROOT);
  assert.ok(files.length > 80, `read ${files.length} files`);
  const has = (from: string, to: string) => edges.some((e) => e.from === from && e.to.kind === 'file' && e.to.path === to);
  const hasPackage = (from: string, name: string) => edges.some((e) => e.from === from && e.to.kind === 'package' && e.to.name === name);
  assert.ok(has('client/src/walkthrough.ts', 'server/src/protocol.ts'));
  assert.ok(has('client/src/commands/fixAll.ts', 'server/src/protocol.ts'));
  assert.ok(has('server/src/lsp/server.ts', 'server/src/lsp/documentChecker.ts'));
  assert.ok(has('server/src/cli/commands/lint.ts', 'server/src/engine/index.ts'));
  assert.ok(has('server/src/cli/commands/index.ts', 'server/src/cli/commands/debug.ts'), 'a require() inside a function');
  assert.ok(has('server/src/engine/index.ts', 'server/src/engine/lint.ts'), 'an export ... from');
  assert.ok(hasPackage('client/src/extension.ts', 'vscode'));
  assert.ok(hasPackage('server/src/docker/connection.ts', 'dockerode'));
});

const file = (p: string): ImportTarget => ({ kind: 'file', path: p });
const pkg = (name: string): ImportTarget => ({ kind: 'package', name });
const builtin = (name: string): ImportTarget => ({ kind: 'builtin', name });
const edge = (from: string, to: ImportTarget): ImportEdge => ({ from, specifier: to.kind === 'file' ? to.path : to.kind === 'unresolved' ? to.specifier : to.name, to });

/** [importing file, target, broken rule (a distinctive part of it) or undefined when allowed]. */
const CASES: Array<[string, ImportTarget, string | undefined]> = [
  // The extension and the server.
  ['client/src/commands/convertToDistroless.ts', file('server/src/protocol.ts'), undefined],
  ['client/src/sidecarFeatures.ts', file('server/src/docker/index.ts'), undefined],
  ['client/src/commands/debugPod.ts', file('server/src/kubernetes/kubectl.ts'), undefined],
  ['client/src/commands/convertToDistroless.ts', file('server/src/engine/index.ts'), 'only through server/src/protocol.ts'],
  ['client/src/commands/convertToDistroless.ts', file('server/src/host/config/index.ts'), 'only through server/src/protocol.ts'],
  ['client/src/commands/convertToDistroless.ts', file('server/src/lsp/diagnostics.ts'), 'only through server/src/protocol.ts'],
  ['client/src/extension.ts', file('server/src/cli/main.ts'), 'only through server/src/protocol.ts'],
  ['client/src/extension.ts', pkg('vscode'), undefined],
  ['client/src/extension.ts', pkg('vscode-languageclient'), undefined],
  ['server/src/cli/commands/debug.ts', file('client/src/terminal/sidecarBridge.ts'), 'nothing outside client/'],
  ['server/src/docker/index.ts', file('client/src/api.ts'), 'nothing outside client/'],
  // vscode and the LSP libraries.
  ['server/src/docker/sidecar.ts', pkg('vscode'), '`vscode` and `vscode-languageclient`'],
  ['server/src/cli/main.ts', pkg('vscode-languageclient'), '`vscode` and `vscode-languageclient`'],
  ['server/src/lsp/server.ts', pkg('vscode-languageserver'), undefined],
  ['server/src/cli/report.ts', pkg('vscode-languageserver'), 'LSP connection'],
  ['server/src/cli/report.ts', pkg('vscode-languageserver-types'), undefined],
  ['server/src/host/config/index.ts', file('server/src/lsp/settings.ts'), 'LSP connection'],
  // The engine is pure.
  ['server/src/engine/lint.ts', file('server/src/engine/model.ts'), undefined],
  ['server/src/engine/lint.ts', pkg('dockerfile-ast'), undefined],
  ['server/src/engine/lint.ts', builtin('fs'), 'the engine imports only its own files'],
  ['server/src/engine/convert/go.ts', builtin('child_process'), 'the engine imports only its own files'],
  ['server/src/engine/model.ts', pkg('dockerode'), 'the engine imports only its own files'],
  ['server/src/engine/model.ts', pkg('yaml'), 'the engine imports only its own files'],
  ['server/src/engine/model.ts', file('server/src/host/workspaceFiles.ts'), 'the engine imports only its own files'],
  ['server/src/engine/docs.ts', file('server/src/protocol.ts'), 'the engine imports only its own files'],
  ['server/src/engine/docs.ts', file('package.json'), 'the engine imports only its own files'],
  // Pure modules every room shares.
  ['server/src/engine/imageFacts.ts', file('server/src/shared/imageReference.ts'), undefined],
  ['server/src/docker/references.ts', file('server/src/shared/imageReference.ts'), undefined],
  ['server/src/host/imageFacts/registry.ts', file('server/src/shared/imageReference.ts'), undefined],
  ['server/src/shared/imageReference.ts', file('server/src/shared/other.ts'), undefined],
  ['server/src/shared/imageReference.ts', file('server/src/engine/model.ts'), 'they import nothing but each other'],
  ['server/src/shared/imageReference.ts', builtin('fs'), 'they import nothing but each other'],
  ['server/src/shared/imageReference.ts', pkg('dockerfile-ast'), 'they import nothing but each other'],
  // One door into the engine.
  ['server/src/cli/commands/lint.ts', file('server/src/engine/index.ts'), undefined],
  ['server/src/cli/commands/lint.ts', file('server/src/engine/lint.ts'), 'only its public entry'],
  ['server/src/lsp/documentChecker.ts', file('server/src/engine/syntax.ts'), 'only its public entry'],
  ['server/src/host/config/index.ts', file('server/src/engine/rules/registry.ts'), 'only its public entry'],
  // Rules and converter.
  ['server/src/engine/rules/finalStageFullOs.ts', file('server/src/engine/convert/index.ts'), undefined],
  ['server/src/engine/rules/finalStageFullOs.ts', file('server/src/engine/convert/common.ts'), 'rules reach the converter only through'],
  ['server/src/engine/convert/common.ts', file('server/src/engine/rules/commands.ts'), 'the converter never imports rules'],
  ['server/src/engine/convert/index.ts', file('server/src/engine/model.ts'), undefined],
  // The protocol module stays a leaf.
  ['server/src/protocol.ts', pkg('vscode-languageserver-protocol'), 'imports nothing'],
  ['server/src/protocol.ts', file('server/src/engine/index.ts'), 'imports nothing'],
  // Programs that must not load the language server or the CLI.
  ['server/src/cli/commands/lint.ts', file('server/src/lsp/diagnostics.ts'), 'the CLI never imports the language server'],
  ['server/src/docker/index.ts', file('server/src/cli/commands/debug.ts'), 'Docker and Kubernetes code imports no other room'],
  ['server/src/docker/images.ts', file('server/src/engine/index.ts'), 'Docker and Kubernetes code imports no other room'],
  ['server/src/kubernetes/kubectl.ts', file('server/src/host/config/index.ts'), 'Docker and Kubernetes code imports no other room'],
  ['server/src/docker/sidecar.ts', file('server/src/docker/plan.ts'), undefined],
  ['server/src/host/images.ts', file('server/src/docker/index.ts'), undefined],
  ['server/src/host/workspaceFiles.ts', file('server/src/cli/files.ts'), 'import neither the CLI'],
  ['server/src/cli/commands/debug.ts', file('server/src/docker/index.ts'), undefined],
  ['server/src/cli/commands/lint.ts', file('server/src/host/config/index.ts'), undefined],
  ['server/src/lsp/documentChecker.ts', file('server/src/host/config/index.ts'), undefined],
  ['server/src/lsp/server.ts', file('server/src/protocol.ts'), undefined],
  // An import that names no file is an error, not a silent gap in the graph.
  ['server/src/cli/main.ts', { kind: 'unresolved', specifier: './comands' }, 'names a file that exists'],
];

test('the checker: each wall stops its edge, and the doors beside it stay open', () => {
  for (const [from, to, broken] of CASES) {
    const rules = forbiddenEdges([edge(from, to)]).map((v) => v.rule);
    const what = `${from} -> ${JSON.stringify(to)}`;
    if (broken === undefined) assert.deepEqual(rules, [], `${what} is allowed`);
    else assert.ok(rules.some((rule) => rule.includes(broken)), `${what} breaks "${broken}", got ${JSON.stringify(rules)}`);
  }
});

test('the checker: a file in no room is named', () => {
  assert.deepEqual(filesOutsideRooms(['server/src/engine/lint.ts', 'server/src/helpers.ts', 'client/src/extension.ts', 'server/src/protocol.ts', 'server/src/protocols.ts']), ['server/src/helpers.ts', 'server/src/protocols.ts']);
});

test('the reader: a throwaway tree of real files with lazy, type-only and re-exported imports', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-boundaries-'));
  try {
    const write = (relative: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      fs.writeFileSync(path.join(root, relative), text);
    };
    write('server/src/engine/index.ts', "export { lint } from './lint';\n");
    write('server/src/engine/lint.ts', "import * as fs from 'node:fs';\nexport const lint = () => fs;\n");
    write('server/src/cli/main.ts', [
      "import type { lint } from '../engine/lint';",
      "export async function run() {",
      "  const { COMMANDS } = await import('./commands');",
      "  const vscode = require('vscode');",
      "  // require('../../../client/src/extension') in a comment is no import",
      "  return [COMMANDS, vscode] as unknown as typeof lint;",
      "}",
      '',
    ].join('\n'));
    write('server/src/cli/commands/index.ts', "export const COMMANDS = [];\n");
    write('client/src/extension.ts', "import { lint } from '../../server/src/engine';\nimport { x } from './missing';\n");

    const { files, edges } = readImportGraph(root);
    assert.deepEqual(files.sort(), ['client/src/extension.ts', 'server/src/cli/commands/index.ts', 'server/src/cli/main.ts', 'server/src/engine/index.ts', 'server/src/engine/lint.ts']);
    assert.deepEqual(forbiddenEdges(edges).map(describeViolation).sort(), [
      'client/src/extension.ts -> ./missing (unresolved): an import names a file that exists (an unresolved import could hide any edge)',
      'client/src/extension.ts -> server/src/engine/index.ts: the extension reaches the server only through server/src/protocol.ts (plus the shared Docker and Kubernetes code)',
      'server/src/cli/main.ts -> server/src/engine/lint.ts: outside the engine, only its public entry server/src/engine/index.ts is imported',
      'server/src/cli/main.ts -> vscode (package): `vscode` and `vscode-languageclient` are imported only by the extension (anything else would crash dist/cli.js and dist/server.js at load)',
      'server/src/engine/lint.ts -> fs (builtin): the engine imports only its own files and pure libraries (ENGINE_PACKAGES): no Node built-ins, no other room',
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('resolution: folders to index.ts, node: and bare built-ins, scoped packages with subpaths', () => {
  const from = 'server/src/cli/main.ts';
  assert.deepEqual(resolveImport(REPO_ROOT, from, './commands'), { kind: 'file', path: 'server/src/cli/commands/index.ts' });
  assert.deepEqual(resolveImport(REPO_ROOT, from, '../engine'), { kind: 'file', path: 'server/src/engine/index.ts' });
  assert.deepEqual(resolveImport(REPO_ROOT, from, '../../../package.json'), { kind: 'file', path: 'package.json' });
  assert.deepEqual(resolveImport(REPO_ROOT, from, 'node:child_process'), { kind: 'builtin', name: 'child_process' });
  assert.deepEqual(resolveImport(REPO_ROOT, from, 'fs/promises'), { kind: 'builtin', name: 'fs' });
  assert.deepEqual(resolveImport(REPO_ROOT, from, 'vscode-languageclient/node'), { kind: 'package', name: 'vscode-languageclient' });
  assert.deepEqual(resolveImport(REPO_ROOT, from, '@grpc/grpc-js/build/src'), { kind: 'package', name: '@grpc/grpc-js' });
  assert.deepEqual(resolveImport(REPO_ROOT, from, './nothing-here'), { kind: 'unresolved', specifier: './nothing-here' });
});
