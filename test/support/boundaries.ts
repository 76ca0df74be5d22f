/**
 * The rooms of the code and the doors between them (docs/architecture.md), as data,
 * and a reader of the import graph to check them against. test/unit/boundaries.test.ts
 * runs the check on client/src and server/src, and on small synthetic graphs so that
 * the check itself is seen to fail.
 *
 * Every `import`, `export ... from`, `import x = require()`, `require()` and `import()`
 * counts, type-only imports included: a type import still couples the two rooms.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import ts from 'typescript';

/** Where an import leads: a file of the repository (relative, `/`-separated), a Node built-in, or a package. */
export type ImportTarget =
  | { kind: 'file'; path: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'package'; name: string }
  | { kind: 'unresolved'; specifier: string };

export interface ImportEdge {
  /** The importing file, relative to the repository root, `/`-separated. */
  from: string;
  specifier: string;
  to: ImportTarget;
}

export interface Violation {
  rule: string;
  edge: ImportEdge;
}

/** The folders whose files are checked. */
export const CHECKED_ROOTS = ['client/src', 'server/src'] as const;

/** Each program's folder under server/src (and the extension's), so that every file says who owns it. */
export const ROOMS = {
  extension: 'client/src',
  protocol: 'server/src/protocol.ts',
  engine: 'server/src/engine',
  lsp: 'server/src/lsp',
  host: 'server/src/host',
  cli: 'server/src/cli',
  docker: 'server/src/docker',
  kubernetes: 'server/src/kubernetes',
  shared: 'server/src/shared',
} as const;

export type Room = keyof typeof ROOMS;

export function roomOf(file: string): Room | undefined {
  for (const [room, where] of Object.entries(ROOMS) as Array<[Room, string]>) {
    if (file === where || file.startsWith(`${where}/`)) return room;
  }
  return undefined;
}

/**
 * The libraries the engine may use: pure, no I/O, no editor. Adding one is a decision
 * about what the engine is, so it is made here, on purpose.
 */
export const ENGINE_PACKAGES: ReadonlySet<string> = new Set([
  'dockerfile-ast',
  'dockerfile-utils',
  'vscode-languageserver-types',
  'vscode-languageserver-textdocument',
]);

const under = (dir: string, file: string) => file === dir || file.startsWith(`${dir}/`);
const inRoom = (file: string, ...rooms: Room[]) => rooms.includes(roomOf(file) as Room);
const fileTarget = (edge: ImportEdge): string | undefined => (edge.to.kind === 'file' ? edge.to.path : undefined);
const packageTarget = (edge: ImportEdge): string | undefined => (edge.to.kind === 'package' ? edge.to.name : undefined);

interface Door {
  /** Said in the failure, and in docs/architecture.md. */
  rule: string;
  /** True when `edge` goes through a wall. */
  forbids(edge: ImportEdge): boolean;
}

export const DOORS: readonly Door[] = [
  {
    rule: 'an import names a file that exists (an unresolved import could hide any edge)',
    forbids: (e) => e.to.kind === 'unresolved',
  },
  {
    rule: 'the extension reaches the server only through server/src/protocol.ts (plus the shared Docker and Kubernetes code)',
    forbids: (e) => {
      const to = fileTarget(e);
      return inRoom(e.from, 'extension') && to !== undefined && under('server/src', to) && !inRoom(to, 'protocol', 'docker', 'kubernetes', 'shared');
    },
  },
  {
    rule: 'nothing outside client/ imports the extension',
    forbids: (e) => {
      const to = fileTarget(e);
      return !inRoom(e.from, 'extension') && to !== undefined && under('client', to);
    },
  },
  {
    rule: '`vscode` and `vscode-languageclient` are imported only by the extension (anything else would crash dist/cli.js and dist/server.js at load)',
    forbids: (e) => !inRoom(e.from, 'extension') && ['vscode', 'vscode-languageclient'].includes(packageTarget(e) ?? ''),
  },
  {
    rule: 'the LSP connection (`vscode-languageserver`) and the LSP wiring (server/src/lsp) are used only by the language server',
    forbids: (e) => !inRoom(e.from, 'lsp') && (packageTarget(e) === 'vscode-languageserver' || inRoom(fileTarget(e) ?? '', 'lsp')),
  },
  {
    rule: 'the engine imports only its own files and pure libraries (ENGINE_PACKAGES): no Node built-ins, no other room',
    forbids: (e) => {
      if (!inRoom(e.from, 'engine')) return false;
      if (e.to.kind === 'builtin') return true;
      if (e.to.kind === 'package') return !ENGINE_PACKAGES.has(e.to.name);
      return e.to.kind === 'file' && !inRoom(e.to.path, 'engine', 'shared');
    },
  },
  {
    rule: 'outside the engine, only its public entry server/src/engine/index.ts is imported',
    forbids: (e) => {
      const to = fileTarget(e);
      return !inRoom(e.from, 'engine') && to !== undefined && inRoom(to, 'engine') && to !== 'server/src/engine/index.ts';
    },
  },
  {
    rule: 'rules reach the converter only through engine/convert/index.ts, and the converter never imports rules',
    forbids: (e) => {
      const to = fileTarget(e);
      if (to === undefined) return false;
      if (under('server/src/engine/rules', e.from)) return under('server/src/engine/convert', to) && to !== 'server/src/engine/convert/index.ts';
      if (under('server/src/engine/convert', e.from)) return under('server/src/engine/rules', to);
      return false;
    },
  },
  {
    rule: 'server/src/protocol.ts imports nothing but server/src/shared (whatever it imports lands in the extension bundle, which may carry shared)',
    forbids: (e) => inRoom(e.from, 'protocol') && !(e.to.kind === 'file' && inRoom(e.to.path, 'shared')),
  },
  {
    rule: 'the CLI never imports the language server, and the host adapters import neither the CLI nor the language server',
    forbids: (e) => {
      const to = fileTarget(e);
      if (to === undefined) return false;
      if (inRoom(e.from, 'host')) return inRoom(to, 'cli', 'lsp');
      if (inRoom(e.from, 'cli')) return inRoom(to, 'lsp');
      return false;
    },
  },
  {
    rule: 'the Docker and Kubernetes code imports no other room (the extension bundles it: the engine would come along)',
    forbids: (e) => {
      const to = fileTarget(e);
      return inRoom(e.from, 'docker', 'kubernetes') && to !== undefined && inRoom(to, 'engine', 'host', 'cli', 'lsp', 'protocol', 'extension');
    },
  },
  {
    rule: 'server/src/shared holds pure modules every room may import: they import nothing but each other',
    forbids: (e) => inRoom(e.from, 'shared') && !(e.to.kind === 'file' && inRoom(e.to.path, 'shared')),
  },
];

/** Every edge that goes through a wall, with the rule it breaks. */
export function forbiddenEdges(edges: readonly ImportEdge[]): Violation[] {
  const violations: Violation[] = [];
  for (const edge of edges) {
    for (const door of DOORS) if (door.forbids(edge)) violations.push({ rule: door.rule, edge });
  }
  return violations;
}

/**
 * Files under the checked folders that belong to no room: every file says which program
 * owns it, so a new program gets its folder (ROOMS) and its doors (DOORS) here.
 */
export function filesOutsideRooms(files: readonly string[]): string[] {
  return files.filter((file) => roomOf(file) === undefined);
}

const BUILTINS = new Set(builtinModules);

/** The package an import specifier names: `@scope/name` or `name`, without a subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Resolves `specifier` imported by `from` (both relative to `root`) as TypeScript and
 * esbuild do for this repository: a relative path to a .ts file, a folder's index.ts,
 * or a .json file.
 */
export function resolveImport(root: string, from: string, specifier: string): ImportTarget {
  if (specifier.startsWith('node:')) return { kind: 'builtin', name: specifier.slice('node:'.length) };
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
    const name = packageName(specifier);
    return BUILTINS.has(name) ? { kind: 'builtin', name } : { kind: 'package', name };
  }
  const base = path.resolve(root, path.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.d.ts`, path.join(base, 'index.ts')];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      return { kind: 'file', path: path.relative(root, candidate).split(path.sep).join('/') };
    }
  }
  return { kind: 'unresolved', specifier };
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name)) found.push(full);
  }
  return found;
}

/** Every import edge of every .ts file under `roots` (relative to `root`). */
export function readImportGraph(root: string, roots: readonly string[] = CHECKED_ROOTS): { files: string[]; edges: ImportEdge[] } {
  const files: string[] = [];
  const edges: ImportEdge[] = [];
  for (const dir of roots) {
    for (const full of sourceFiles(path.join(root, dir))) {
      const from = path.relative(root, full).split(path.sep).join('/');
      files.push(from);
      const info = ts.preProcessFile(fs.readFileSync(full, 'utf8'), true, true);
      for (const imported of info.importedFiles) {
        edges.push({ from, specifier: imported.fileName, to: resolveImport(root, from, imported.fileName) });
      }
    }
  }
  return { files, edges };
}

export function describeViolation(v: Violation): string {
  const to = v.edge.to.kind === 'file' ? v.edge.to.path : v.edge.to.kind === 'unresolved' ? `${v.edge.specifier} (unresolved)` : `${v.edge.to.name} (${v.edge.to.kind})`;
  return `${v.edge.from} -> ${to}: ${v.rule}`;
}

/**
 * Every import cycle among the files (type-only imports included: a cycle of types is
 * still two files that cannot be read apart), each as the files around it, starting
 * at its alphabetically first file. Tarjan's strongly connected components, then one
 * cycle per component, shortest from its first file.
 */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const to = fileTarget(edge);
    if (to === undefined) continue;
    if (!next.has(edge.from)) next.set(edge.from, []);
    next.get(edge.from)?.push(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file) as number, low.get(to) as number));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file) as number, index.get(to) as number));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfLoop = (next.get(file) ?? []).includes(file);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const file of [...next.keys()].sort()) if (!index.has(file)) visit(file);
  return components.map((component) => shortestCycle(component.sort()[0], new Set(component), next)).sort((a, b) => a[0].localeCompare(b[0]));
}

/** The shortest path from `start` back to itself inside one component (breadth first). */
function shortestCycle(start: string, members: ReadonlySet<string>, next: ReadonlyMap<string, string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const to of next.get(file) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const cycle = [file];
        while (cycle[0] !== start) cycle.unshift(cameFrom.get(cycle[0]) as string);
        return cycle;
      }
      if (!cameFrom.has(to) && to !== start) {
        cameFrom.set(to, file);
        queue.push(to);
      }
    }
  }
  return [start];
}

export function describeCycle(cycle: readonly string[]): string {
  return [...cycle, cycle[0]].join(' -> ');
}

/** The names a module declares with `export { … } from` / `export { … }` / `export function|const|class|interface|type` (not those of `export *`). */
export function ownExportNames(root: string, file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  source.forEachChild((node) => {
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)) {
      for (const element of node.exportClause.elements) names.push(element.name.text);
      return;
    }
    const exported = ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) return;
    if (ts.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
    } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isEnumDeclaration(node)) && node.name) {
      names.push(node.name.text);
    }
  });
  return names;
}

/** Each name imported (or re-exported) from `target` by `files`, with the files that import it. Paths relative to `root`. */
export function namesImportedFrom(root: string, files: readonly string[], target: string): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) || !node.moduleSpecifier || !ts.isStringLiteral(node.moduleSpecifier)) return;
      const to = resolveImport(root, file, node.moduleSpecifier.text);
      if (to.kind !== 'file' || to.path !== target) return;
      let elements: readonly ts.ImportSpecifier[] | readonly ts.ExportSpecifier[] = [];
      if (ts.isImportDeclaration(node)) {
        const bindings = node.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) elements = bindings.elements;
      } else if (node.exportClause && ts.isNamedExports(node.exportClause)) {
        elements = node.exportClause.elements;
      }
      for (const element of elements) {
        const name = (element.propertyName ?? element.name).text;
        used.set(name, [...(used.get(name) ?? []), file]);
      }
    });
  }
  return used;
}

/** The .ts files under `dirs` (relative to `root`), as paths relative to `root`. */
export function tsFilesUnder(root: string, dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) => sourceFiles(path.join(root, dir))).map((full) => path.relative(root, full).split(path.sep).join('/'));
}

/** Names `entry` exports itself that none of `importers` imports from it. */
export function unusedExports(root: string, entry: string, importers: readonly string[]): string[] {
  const used = namesImportedFrom(root, importers, entry);
  return ownExportNames(root, entry).filter((name) => !used.has(name));
}
