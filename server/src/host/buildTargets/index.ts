/**
 * Which stage of a Dockerfile ships, as the project's build files say: `target` in
 * Compose files (`build.target`, with their override files), `docker-bake.hcl`/`.json`,
 * `skaffold.yaml` (`docker.target`) and GitHub workflow steps that run
 * `docker/build-push-action` (`with.target`), for the Dockerfile each entry builds.
 *
 * Read from the Dockerfile's folder up to the repository root (the folder with `.git`),
 * at most MAX_LEVELS folders; each file bounded in size; a file that does not parse is
 * skipped. Nothing is run and nothing leaves the machine.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as Yaml from 'yaml';
import { parseBakeHcl, type HclBlock, type HclValue } from './bakeHcl';

export type BuildFileKind = 'workflow' | 'bake' | 'skaffold' | 'compose';

/** One build of a Dockerfile a build file describes. */
export interface BuildEntry {
  kind: BuildFileKind;
  /** The build file, as given (absolute on disk). */
  file: string;
  /** Absolute path of the Dockerfile built. */
  dockerfile: string;
  /** The stage built (`--target`); undefined builds the last stage. */
  target?: string;
  /** What in the file names it: `service "web"`, `target "app"`, `job "release"`. */
  where: string;
}

/** The stage a project's build files ship, and where that was read. */
export interface BuildTargetAnswer {
  target: string;
  /** The file (relative to the Dockerfile's folder when below it, else as found) and the entry. */
  source: string;
}

/**
 * Loaded on the first YAML build file, not at the top: most folders have none, and yaml
 * is about a fifth of what `distroless lint` would otherwise compile at start-up (the
 * bundles load it from a file of its own: esbuild.mjs, yamlApart).
 */
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= require('yaml') as typeof Yaml);

const MAX_FILE_BYTES = 512 * 1024;
const MAX_LEVELS = 6;
const MAX_WORKFLOWS = 100;

/** Which kind wins when build files disagree: CI builds what ships, Compose is mostly for development. */
const PRECEDENCE: BuildFileKind[] = ['workflow', 'bake', 'skaffold', 'compose'];

const COMPOSE_FILES: [string, string][] = [
  ['compose.yaml', 'compose.override.yaml'], ['compose.yml', 'compose.override.yml'],
  ['docker-compose.yaml', 'docker-compose.override.yaml'], ['docker-compose.yml', 'docker-compose.override.yml'],
];
const BAKE_FILES = ['docker-bake.json', 'docker-bake.override.json', 'docker-bake.hcl', 'docker-bake.override.hcl'];
const SKAFFOLD_FILES = ['skaffold.yaml', 'skaffold.yml'];

/** `${VAR:-default}` / `${VAR-default}` take their default; any other variable is unknown. */
function interpolateCompose(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let unknown = false;
  const out = value.replace(/\$\$|\$\{([A-Za-z_]\w*)(?::?-([^}]*))?\}|\$([A-Za-z_]\w*)/g, (all, _name, fallback) => {
    if (all === '$$') return '$';
    if (fallback !== undefined) return fallback;
    unknown = true;
    return all;
  });
  return unknown ? undefined : out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The builds a Compose file and its override describe (the override's `build` keys
 * replace the file's, service by service, as `docker compose` merges them).
 */
export function composeEntries(files: { file: string; text: string }[]): BuildEntry[] {
  const services = new Map<string, { file: string; build: Record<string, unknown> }>();
  for (const { file, text } of files) {
    const doc: unknown = yaml().parse(text);
    if (!isRecord(doc) || !isRecord(doc.services)) continue;
    for (const [name, service] of Object.entries(doc.services)) {
      if (!isRecord(service) || service.build === undefined) continue;
      const build = typeof service.build === 'string' ? { context: service.build } : isRecord(service.build) ? service.build : undefined;
      if (!build) continue;
      const before = services.get(name);
      services.set(name, { file, build: { ...before?.build, ...build } });
    }
  }
  const out: BuildEntry[] = [];
  const dir = files.length > 0 ? path.dirname(files[0].file) : '.';
  for (const [name, { file, build }] of services) {
    const context = build.context === undefined ? '.' : interpolateCompose(build.context);
    const dockerfile = build.dockerfile === undefined ? 'Dockerfile' : interpolateCompose(build.dockerfile);
    if (context === undefined || dockerfile === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(context)) continue;
    const target = build.target === undefined ? undefined : interpolateCompose(build.target);
    if (build.target !== undefined && !target) continue;
    out.push({ kind: 'compose', file, dockerfile: path.resolve(dir, context, dockerfile), target, where: `service "${name}"` });
  }
  return out;
}

/** The builds of a bake file (HCL or JSON): each `target` block, `inherits` followed. */
export function bakeEntries(file: string, text: string): BuildEntry[] {
  const targets = new Map<string, Map<string, HclValue>>();
  const variables = new Map<string, string>();
  if (file.endsWith('.json')) {
    const doc: unknown = JSON.parse(text);
    if (!isRecord(doc)) return [];
    if (isRecord(doc.variable)) {
      for (const [name, v] of Object.entries(doc.variable)) if (isRecord(v) && typeof v.default === 'string') variables.set(name, v.default);
    }
    if (isRecord(doc.target)) {
      for (const [name, t] of Object.entries(doc.target)) {
        if (!isRecord(t)) continue;
        const attributes = new Map<string, HclValue>();
        for (const [key, value] of Object.entries(t)) {
          attributes.set(key, typeof value === 'string' ? value : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value as string[] : undefined);
        }
        targets.set(name, attributes);
      }
    }
  } else {
    const blocks: HclBlock[] = parseBakeHcl(text);
    for (const block of blocks) {
      if (block.type === 'variable' && block.labels[0] !== undefined) {
        const value = block.attributes.get('default');
        if (typeof value === 'string' && !value.includes('${')) variables.set(block.labels[0], value);
      }
    }
    for (const block of blocks) {
      if (block.type !== 'target' || block.labels[0] === undefined) continue;
      // A target declared twice is one target: later attributes win.
      targets.set(block.labels[0], new Map([...(targets.get(block.labels[0]) ?? []), ...block.attributes]));
    }
  }
  const resolve = (value: HclValue): string | undefined => {
    if (typeof value !== 'string') return undefined;
    let unknown = false;
    const out = value.replace(/\$\{\s*([A-Za-z_]\w*)\s*\}/g, (all, name: string) => {
      // The default: an environment variable of the same name would override it when bake runs.
      const v = variables.get(name);
      if (v === undefined) unknown = true;
      return v ?? all;
    });
    return unknown || out.includes('${') ? undefined : out;
  };
  /** The attribute of a target or of what it inherits from (nearest first), depth-bounded. */
  const attribute = (name: string, key: string, depth = 0): HclValue | 'unknown' => {
    const t = targets.get(name);
    if (!t || depth > 10) return undefined;
    if (t.has(key)) return t.get(key) ?? 'unknown';
    const parents = t.get('inherits');
    for (const parent of Array.isArray(parents) ? [...parents].reverse() : []) {
      const v = attribute(parent, key, depth + 1);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const dir = path.dirname(file);
  const out: BuildEntry[] = [];
  // A target others inherit from is their template; the targets built are the ones inheriting.
  const inherited = new Set([...targets.values()].flatMap((t) => { const v = t.get('inherits'); return Array.isArray(v) ? v : []; }));
  for (const name of targets.keys()) {
    if (inherited.has(name)) continue;
    const contextValue = attribute(name, 'context');
    const dockerfileValue = attribute(name, 'dockerfile');
    const targetValue = attribute(name, 'target');
    if (contextValue === 'unknown' || dockerfileValue === 'unknown' || targetValue === 'unknown') continue;
    const context = contextValue === undefined ? '.' : resolve(contextValue);
    const dockerfile = dockerfileValue === undefined ? 'Dockerfile' : resolve(dockerfileValue);
    const target = targetValue === undefined ? undefined : resolve(targetValue);
    if (context === undefined || dockerfile === undefined || (targetValue !== undefined && !target)) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || attribute(name, 'dockerfile-inline') !== undefined) continue;
    out.push({ kind: 'bake', file, dockerfile: path.resolve(dir, context, dockerfile), target, where: `target "${name}"` });
  }
  return out;
}

/** The builds of a skaffold.yaml (every document; `build.artifacts[].docker`). */
export function skaffoldEntries(file: string, text: string): BuildEntry[] {
  const out: BuildEntry[] = [];
  const dir = path.dirname(file);
  for (const document of yaml().parseAllDocuments(text)) {
    const doc: unknown = document.toJS();
    if (!isRecord(doc) || !isRecord(doc.build) || !Array.isArray(doc.build.artifacts)) continue;
    for (const artifact of doc.build.artifacts) {
      if (!isRecord(artifact) || !isRecord(artifact.docker)) continue;
      const context = typeof artifact.context === 'string' ? artifact.context : '.';
      const dockerfile = typeof artifact.docker.dockerfile === 'string' ? artifact.docker.dockerfile : 'Dockerfile';
      const target = typeof artifact.docker.target === 'string' && artifact.docker.target !== '' ? artifact.docker.target : undefined;
      const image = typeof artifact.image === 'string' ? artifact.image : '?';
      out.push({ kind: 'skaffold', file, dockerfile: path.resolve(dir, context, dockerfile), target, where: `artifact "${image}"` });
    }
  }
  return out;
}

/**
 * The builds of a GitHub workflow: steps that use docker/build-push-action. Paths are
 * relative to the repository root (where the workflow runs); `file` defaults to
 * `{context}/Dockerfile`. A value with a `${{ … }}` expression is unknown.
 */
export function workflowEntries(file: string, text: string, root: string): BuildEntry[] {
  const doc: unknown = yaml().parse(text);
  if (!isRecord(doc) || !isRecord(doc.jobs)) return [];
  const out: BuildEntry[] = [];
  for (const [jobName, job] of Object.entries(doc.jobs)) {
    if (!isRecord(job) || !Array.isArray(job.steps)) continue;
    for (const step of job.steps) {
      if (!isRecord(step) || typeof step.uses !== 'string' || !/^docker\/build-push-action@/.test(step.uses)) continue;
      const inputs = isRecord(step.with) ? step.with : {};
      const plain = (v: unknown): string | undefined => (typeof v === 'string' && !v.includes('${{') ? v : undefined);
      if ([inputs.context, inputs.file, inputs.target].some((v) => v !== undefined && plain(v) === undefined)) continue;
      const context = plain(inputs.context) ?? '.';
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context)) continue;
      const dockerfile = plain(inputs.file) ? path.resolve(root, plain(inputs.file) as string) : path.resolve(root, context, 'Dockerfile');
      const target = plain(inputs.target) || undefined;
      out.push({ kind: 'workflow', file, dockerfile, target, where: `job "${jobName}"` });
    }
  }
  return out;
}

/**
 * The target for a Dockerfile: the entries that build it with a target; when they
 * disagree, the kind first in PRECEDENCE, and the source says who disagreed.
 */
export function chooseTarget(entries: readonly BuildEntry[], dockerfile: string, display: (file: string) => string): BuildTargetAnswer | undefined {
  const wanted = normalize(dockerfile);
  const mine = entries.filter((e) => e.target !== undefined && normalize(e.dockerfile) === wanted);
  if (mine.length === 0) return undefined;
  const sorted = [...mine].sort((a, b) => PRECEDENCE.indexOf(a.kind) - PRECEDENCE.indexOf(b.kind));
  const chosen = sorted[0];
  const others = sorted.filter((e) => e.target !== chosen.target);
  const also = others.length > 0 ? ` (over ${others.map((e) => `"${e.target}" in ${display(e.file)}`).filter((v, i, a) => a.indexOf(v) === i).join(', ')})` : '';
  return { target: chosen.target as string, source: `target "${chosen.target}" of ${chosen.where} in ${display(chosen.file)}${also}` };
}

function normalize(file: string): string {
  const resolved = path.resolve(file);
  return process.platform === 'win32' || process.platform === 'darwin' ? resolved.toLowerCase() : resolved;
}

function readBounded(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size <= MAX_FILE_BYTES ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Parsed entries of one build file, kept while its size and modification time stay. */
const parsedFiles = new Map<string, { stamp: string; entries: BuildEntry[] }>();

function entriesOf(key: string, files: string[], read: (texts: { file: string; text: string }[]) => BuildEntry[]): BuildEntry[] {
  const stamps: string[] = [];
  for (const file of files) {
    try {
      const stat = fs.statSync(file);
      stamps.push(`${file}:${stat.size}:${stat.mtimeMs}`);
    } catch {
      stamps.push(`${file}:-`);
    }
  }
  const stamp = stamps.join('|');
  const known = parsedFiles.get(key);
  if (known && known.stamp === stamp) return known.entries;
  const texts = files.flatMap((file) => {
    const text = readBounded(file);
    return text === undefined ? [] : [{ file, text }];
  });
  let entries: BuildEntry[] = [];
  try {
    entries = texts.length > 0 ? read(texts) : [];
  } catch {
    entries = []; // Not valid YAML/HCL/JSON: the file says nothing we can use.
  }
  if (parsedFiles.size > 500) parsedFiles.clear();
  parsedFiles.set(key, { stamp, entries });
  return entries;
}

/** The build entries of the build files in one folder, and whether the folder is the repository root (or the file system's). */
function entriesIn(dir: string): { entries: BuildEntry[]; last: boolean } {
  const entries: BuildEntry[] = [];
  for (const [main, override] of COMPOSE_FILES) {
    const files = [path.join(dir, main), path.join(dir, override)];
    if (!fs.existsSync(files[0])) continue;
    entries.push(...entriesOf(`compose:${files[0]}`, files, composeEntries));
  }
  for (const name of BAKE_FILES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) entries.push(...entriesOf(`bake:${file}`, [file], ([t]) => bakeEntries(t.file, t.text)));
  }
  for (const name of SKAFFOLD_FILES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) entries.push(...entriesOf(`skaffold:${file}`, [file], ([t]) => skaffoldEntries(t.file, t.text)));
  }
  const workflows = path.join(dir, '.github', 'workflows');
  let names: string[] = [];
  try {
    names = fs.readdirSync(workflows).filter((n) => /\.ya?ml$/.test(n)).sort().slice(0, MAX_WORKFLOWS);
  } catch {
    names = [];
  }
  for (const name of names) {
    const file = path.join(workflows, name);
    entries.push(...entriesOf(`workflow:${file}`, [file], ([t]) => workflowEntries(t.file, t.text, dir)));
  }
  return { entries, last: fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir };
}

/** Every build entry in the build files from `folder` up to the repository root. */
export function buildEntriesAround(folder: string, inFolder: (dir: string) => { entries: BuildEntry[]; last: boolean } = entriesIn): BuildEntry[] {
  const entries: BuildEntry[] = [];
  let dir = path.resolve(folder);
  for (let level = 0; level < MAX_LEVELS; level++) {
    const found = inFolder(dir);
    entries.push(...found.entries);
    if (found.last) break;
    dir = path.dirname(dir);
  }
  return entries;
}

function targetIn(entries: readonly BuildEntry[], dockerfile: string): BuildTargetAnswer | undefined {
  const folder = path.dirname(path.resolve(dockerfile));
  return chooseTarget(entries, dockerfile, (f) => path.relative(folder, f).split(path.sep).join('/'));
}

/** The target the project's build files give the Dockerfile at `dockerfile`, if any. */
export function buildTargetFor(dockerfile: string): BuildTargetAnswer | undefined {
  return targetIn(buildEntriesAround(path.dirname(path.resolve(dockerfile))), dockerfile);
}

/**
 * buildTargetFor for the Dockerfiles of one run (`distroless lint` over a tree): each
 * folder's build files are looked for once per run, not once per Dockerfile (about 20
 * file lookups per folder and level, up to the repository root). A build file changed
 * during the run is not read again; the language server, which lives longer, asks
 * buildTargetFor each time.
 */
export function buildTargetsOfRun(): (dockerfile: string) => BuildTargetAnswer | undefined {
  const folders = new Map<string, { entries: BuildEntry[]; last: boolean }>();
  const inFolder = (dir: string) => {
    let found = folders.get(dir);
    if (!found) {
      found = entriesIn(dir);
      folders.set(dir, found);
    }
    return found;
  };
  return (dockerfile) => targetIn(buildEntriesAround(path.dirname(path.resolve(dockerfile)), inFolder), dockerfile);
}
