/**
 * package.json against the code: the command table, menus and their when
 * clauses (evaluated against the context values the containers view really
 * produces), settings metadata and the untrusted-workspace restrictions.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { containerContextValue } from '../../client/src/views/containerItems';
import { ENGINE_STATE_CONTEXT_KEY } from '../../server/src/docker/engineManager';
import { ENGINE_SOURCE_CONTEXT_KEY, type EngineSource } from '../../client/src/views/engineSource';
import { SIDECAR_SETTINGS, UNTRUSTED_RESTRICTED_SETTINGS } from '../../client/src/settings/sidecarSettings';
import { evaluateWhen, WhenContext } from '../support/whenClause';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

/**
 * The ids in client/src/commands/index.ts's COMMANDS, read with the TypeScript
 * parser (the modules themselves need the vscode runtime): each entry names a
 * `const` imported from a sibling file whose object literal has `id: '...'`.
 */
function commandTableIds(): string[] {
  const dir = path.join(ROOT, 'client/src/commands');
  const parse = (file: string) => ts.createSourceFile(file, fs.readFileSync(path.join(dir, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const index = parse('index.ts');
  const importedFrom = new Map<string, string>();
  let tableNames: string[] = [];
  index.forEachChild((node) => {
    if (ts.isImportDeclaration(node) && node.importClause?.namedBindings && ts.isNamedImports(node.importClause.namedBindings)) {
      for (const el of node.importClause.namedBindings.elements) importedFrom.set(el.name.text, (node.moduleSpecifier as ts.StringLiteral).text);
    }
    if (ts.isVariableStatement(node)) {
      for (const decl of node.declarationList.declarations) {
        if (decl.name.getText() === 'COMMANDS' && decl.initializer && ts.isArrayLiteralExpression(decl.initializer)) {
          tableNames = decl.initializer.elements.map((e) => e.getText());
        }
      }
    }
  });
  assert.ok(tableNames.length > 0, 'COMMANDS array found in index.ts');
  return tableNames.map((name) => {
    const from = importedFrom.get(name);
    assert.ok(from, `${name} is imported in commands/index.ts`);
    const file = parse(`${from.replace(/^\.\//, '')}.ts`);
    let id: string | undefined;
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && node.name.getText() === name && node.initializer && ts.isObjectLiteralExpression(node.initializer)) {
        for (const prop of node.initializer.properties) {
          if (ts.isPropertyAssignment(prop) && prop.name.getText() === 'id' && ts.isStringLiteral(prop.initializer)) id = prop.initializer.text;
        }
      }
      node.forEachChild(visit);
    };
    visit(file);
    assert.ok(id, `${name} in ${from}.ts has a literal id`);
    return id;
  });
}

const SIDECAR_COMMANDS = [
  'distroless.attachDebugShell',
  'distroless.attachDebugShellAsRoot',
  'distroless.copyDebugCommand',
  'distroless.refreshContainers',
  'distroless.retryEngine',
  'distroless.debugPod',
];

function itemMenu(context: WhenContext): string[] {
  return (contributes.menus['view/item/context'] as MenuEntry[])
    .filter((m) => m.group !== 'inline' && m.when !== undefined && evaluateWhen(m.when, context))
    .map((m) => m.command);
}

describe('package.json commands', () => {
  const declared = (contributes.commands as Array<{ command: string; title?: string; category?: string }>);

  it('declares exactly the commands in the command table', () => {
    assert.deepEqual(declared.map((c) => c.command).sort(), commandTableIds().sort());
    for (const id of SIDECAR_COMMANDS) assert.ok(commandTableIds().includes(id), `${id} is registered`);
  });

  it('gives every command a title and the Distroless category', () => {
    for (const c of declared) {
      assert.ok(c.title && c.title.trim(), `${c.command} has a title`);
      assert.equal(c.category, 'Distroless', `${c.command} category`);
    }
  });

  it('refers only to declared commands from menus and welcome links', () => {
    const ids = new Set(declared.map((c) => c.command));
    for (const [menu, entries] of Object.entries(contributes.menus as Record<string, MenuEntry[]>)) {
      for (const e of entries) assert.ok(ids.has(e.command), `${menu} entry ${e.command} is declared`);
    }
    for (const w of contributes.viewsWelcome as Array<{ contents: string }>) {
      for (const m of w.contents.matchAll(/\(command:(distroless\.[\w.]+)/g)) assert.ok(ids.has(m[1]!), `welcome link ${m[1]} is declared`);
    }
  });

  it('activates for the containers view (commands activate by themselves)', () => {
    assert.ok(pkg.activationEvents.includes('onView:distroless.containers'));
    assert.ok(pkg.activationEvents.includes('onLanguage:dockerfile'));
  });
});

describe('containers view contribution', () => {
  it('has its own view container with an icon from media/', () => {
    const containers = contributes.viewsContainers.activitybar as Array<{ id: string; icon: string; title: string }>;
    const ours = containers.find((c) => c.id === 'distroless');
    assert.ok(ours, 'activity bar container "distroless"');
    assert.match(ours.icon, /^media\//);
    assert.ok(fs.existsSync(path.join(ROOT, ours.icon)), `${ours.icon} exists`);
    const views = contributes.views.distroless as Array<{ id: string; name: string }>;
    assert.deepEqual(views.map((v) => v.id), ['distroless.containers']);
  });

  it('shows a welcome with Retry and Show Log only when the engine is unreachable, naming where the address came from', () => {
    const welcome = contributes.viewsWelcome as Array<{ view: string; contents: string; when: string }>;
    const shown = (state: string, source?: string) => welcome.filter((w) => w.view === 'distroless.containers'
      && evaluateWhen(w.when, { [ENGINE_STATE_CONTEXT_KEY]: state, ...(source ? { [ENGINE_SOURCE_CONTEXT_KEY]: source } : {}) }));
    const names: Record<EngineSource, RegExp> = {
      setting: /address in the \[engine host setting\]/,
      DOCKER_HOST: /answered at DOCKER_HOST/,
      context: /current Docker context/,
      default: /usual sockets/,
    };
    for (const [source, name] of Object.entries(names)) {
      const unreachable = shown('unreachable', source);
      assert.equal(unreachable.length, 1, source);
      assert.match(unreachable[0]!.contents, name, source);
      assert.match(unreachable[0]!.contents, /\[Retry\]\(command:distroless\.retryEngine\)/);
      assert.match(unreachable[0]!.contents, /\[Show Log\]\(command:distroless\.showLog\)/);
      assert.match(unreachable[0]!.contents, /command:workbench\.action\.openSettings\?%5B%22distroless\.docker\.host%22%5D/);
    }
    assert.equal(shown('unknown').length, 0, 'nothing before the first connection attempt');
    assert.ok(shown('reachable').every((w) => !w.contents.includes('retryEngine')));
  });
});

describe('context menus', () => {
  const ours = (viewItem: string) => itemMenu({ view: 'distroless.containers', viewItem });

  it('offers the sidecar commands on running containers of our view, shell or not', () => {
    for (const hasShell of [false, true, undefined]) {
      const viewItem = containerContextValue({ state: 'running' }, hasShell);
      assert.deepEqual(ours(viewItem), ['distroless.attachDebugShell', 'distroless.attachDebugShellAsRoot', 'distroless.copyDebugCommand', 'distroless.attachDebugger', 'distroless.forwardPort'], viewItem);
    }
  });

  it('offers Start and why a sidecar needs it running on stopped containers; only the why on paused or restarting ones', () => {
    for (const state of ['exited', 'created', 'dead']) {
      assert.deepEqual(ours(containerContextValue({ state }, false)), ['distroless.startContainer', 'distroless.explainStoppedContainer'], state);
    }
    for (const state of ['paused', 'restarting']) {
      assert.deepEqual(ours(containerContextValue({ state }, false)), ['distroless.explainStoppedContainer'], state);
    }
  });

  it('adds Attach Debug Shell to running containers in Container Tools and the Docker extension, and nowhere else', () => {
    for (const view of ['vscode-containers.views.containers', 'dockerContainers']) {
      assert.deepEqual(itemMenu({ view, viewItem: 'runningContainer' }), ['distroless.attachDebugShell'], view);
      assert.deepEqual(itemMenu({ view, viewItem: 'RunningContainer' }), ['distroless.attachDebugShell'], `${view}, case-insensitive like theirs`);
      assert.deepEqual(itemMenu({ view, viewItem: 'exitedContainer' }), [], `${view} stopped`);
      assert.deepEqual(itemMenu({ view, viewItem: 'runningContainerGroup' }), [], `${view} group node`);
    }
    assert.deepEqual(itemMenu({ view: 'explorer', viewItem: 'runningContainer' }), []);
  });

  it('has an inline Attach button and a Refresh title button in our view', () => {
    // Session rows under a container have their own inline buttons (test/unit/editor-children.test.ts).
    const inline = (contributes.menus['view/item/context'] as MenuEntry[]).filter((m) => m.group === 'inline' && !m.when?.includes('session'));
    assert.deepEqual(inline.map((m) => m.command), ['distroless.attachDebugShell', 'distroless.startContainer']);
    assert.ok(evaluateWhen(inline[1]!.when!, { view: 'distroless.containers', viewItem: containerContextValue({ state: 'exited' }, false) }));
    assert.ok(evaluateWhen(inline[0]!.when!, { view: 'distroless.containers', viewItem: containerContextValue({ state: 'running' }, false) }));
    const title = (contributes.menus['view/title'] as MenuEntry[]).filter((m) => evaluateWhen(m.when!, { view: 'distroless.containers' }));
    assert.deepEqual(title.map((m) => m.command), ['distroless.refreshContainers']);
  });

  it('keeps item commands in the command palette, where they offer a quick pick', () => {
    const hidden = (contributes.menus.commandPalette as MenuEntry[]).filter((m) => m.when === 'false').map((m) => m.command);
    for (const id of ['distroless.attachDebugShell', 'distroless.attachDebugShellAsRoot', 'distroless.copyDebugCommand', 'distroless.debugPod']) {
      assert.ok(!hidden.includes(id), `${id} stays in the palette`);
    }
  });
});

describe('settings', () => {
  const props = contributes.configuration.properties as Record<string, { scope?: string; description?: string; markdownDescription?: string; default?: unknown; enum?: string[] }>;

  it('gives every setting a scope and a description', () => {
    for (const [key, p] of Object.entries(props)) {
      assert.ok(p.scope, `${key} has a scope`);
      assert.ok((p.description ?? p.markdownDescription ?? '').trim(), `${key} has a description`);
    }
  });

  it('declares the sidecar settings the code reads', () => {
    for (const key of SIDECAR_SETTINGS) assert.ok(props[key], `${key} declared`);
    assert.equal(props['distroless.sidecar.image']!.default, 'busybox:latest');
    assert.deepEqual(props['distroless.sidecar.mode']!.enum, ['match-user', 'root-ptrace']);
    assert.equal(props['distroless.sidecar.mode']!.default, 'match-user');
  });

  it('scopes each setting as VS Code intends: only the engine address is per machine', () => {
    // machine-overridable settings are applied from the Remote tab in a remote window (and
    // left out of its User tab): right for the address of the engine the extension reaches
    // from where it runs, wrong for preferences a user sets once (the tools image, lookups).
    const perMachine = Object.entries(props).filter(([, p]) => p.scope === 'machine' || p.scope === 'machine-overridable' || p.scope === 'application').map(([k]) => k);
    assert.deepEqual(perMachine, ['distroless.docker.host']);
    assert.equal(props['distroless.docker.host']!.scope, 'machine-overridable');
    assert.equal(props['distroless.sidecar.image']!.scope, 'window');
  });

  it('restricts in untrusted workspaces exactly the settings the code ignores there', () => {
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.ok(trust.description);
    assert.deepEqual([...trust.restrictedConfigurations].sort(), [...UNTRUSTED_RESTRICTED_SETTINGS].sort());
    for (const key of ['distroless.sidecar.image', 'distroless.sidecar.mode', 'distroless.sidecar.extraCapabilities', 'distroless.docker.host', 'distroless.imageTagCompletion']) assert.ok(trust.restrictedConfigurations.includes(key), key);
    for (const key of trust.restrictedConfigurations) assert.ok(props[key], `${key} is a declared setting`);
  });
});
