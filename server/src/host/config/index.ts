/**
 * The project configuration file (.distroless.json / .distroless.yaml / .distroless.yml),
 * shared by the CLI and the language server: found by walking up from the Dockerfile's
 * folder, parsed, validated, and turned into engine options.
 * Node fs only: no vscode or LSP imports, so the CLI bundle stays small.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IMAGE_TARGETS, RULES, SEVERITY_SETTINGS, closest, parseSeverity, type AnalysisOptions, type DeclaredImage, type ImageTarget, type ObservedImages, type SeveritySetting, type WorkspaceFiles } from '../../engine';
import { hostPlatform } from '../platform';

export const CONFIG_FILE_NAMES = ['.distroless.json', '.distroless.yaml', '.distroless.yml'] as const;

export interface DistrolessConfig {
  /** Severity per rule id; 'off' disables. */
  rules?: Record<string, SeveritySetting>;
  /** Rule ids that never report (the same as `off`, as a list). */
  ignore?: string[];
  /** Mirror of gcr.io/distroless/ to suggest in messages and fixes, e.g. `registry.example.com/distroless`. */
  registry?: string;
  /** The build stage that ships (as `docker build --target`). */
  target?: string;
  /** Build args the image is built with (`docker build --build-arg`): FROM ${BASE} resolves through them. */
  buildArgs?: Record<string, string>;
  /** `distroless lint`'s baseline file, relative to this configuration file (the editor shows every finding). */
  baseline?: string;
  /** Facts about images the engine and the registry cannot show (private bases), by reference or name. */
  images?: Record<string, DeclaredImage>;
  /** The image family conversions ship on: distroless (default), chainguard or dhi. */
  convertTo?: ImageTarget;
}

export interface LoadedConfig {
  /** Absolute path of the file, or undefined when none was found. */
  file?: string;
  config: DistrolessConfig;
}

/** A configuration file that cannot be used; the message names the file and what to change. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly detail: string) {
    super(`${file}: ${detail}`);
  }
}

/** The keys the file may have (schemas/distroless-config.schema.json is checked against them: test/unit/config-schema.test.ts). */
export const KEYS = ['rules', 'ignore', 'registry', 'target', 'buildArgs', 'baseline', 'images', 'convertTo'] as const;

function knownRuleIds(): string[] {
  return RULES.map((r) => r.id);
}

function unknownRule(id: string, where: string): string {
  const suggestion = closest(id, knownRuleIds());
  return `${where}: unknown rule id "${id}".${suggestion ? ` Did you mean "${suggestion}"?` : ''} Known ids: ${knownRuleIds().join(', ')}.`;
}

/** A registry path as docker accepts it: host[:port]/path, no scheme, tag or digest. */
export const REGISTRY_PATTERN = /^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\/?$/;

/** Checks a parsed configuration object; throws ConfigError naming the first problem. */
export function validateConfig(raw: unknown, file: string): DistrolessConfig {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, 'the configuration must be a mapping of keys (rules, ignore, registry, target, buildArgs, images, convertTo) to values.');
  }
  const value = raw as Record<string, unknown>;
  const config: DistrolessConfig = {};
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const suggestion = closest(key, KEYS);
      throw new ConfigError(file, `unknown key "${key}".${suggestion ? ` Did you mean "${suggestion}"?` : ''} Allowed keys: ${KEYS.join(', ')}. Remove or rename it.`);
    }
  }
  const known = knownRuleIds();
  if (value.rules !== undefined) {
    if (!value.rules || typeof value.rules !== 'object' || Array.isArray(value.rules)) {
      throw new ConfigError(file, 'rules must map rule ids to a severity, e.g. rules: { runs-as-root: error }.');
    }
    config.rules = {};
    for (const [id, severity] of Object.entries(value.rules as Record<string, unknown>)) {
      if (!known.includes(id)) throw new ConfigError(file, unknownRule(id, `rules.${id}`));
      const setting = parseSeverity(severity, { allowOff: true });
      if (!setting) {
        throw new ConfigError(file, `rules.${id}: ${JSON.stringify(severity)} is not a severity. Use one of ${SEVERITY_SETTINGS.join(', ')}.`);
      }
      config.rules[id] = setting;
    }
  }
  if (value.ignore !== undefined) {
    if (!Array.isArray(value.ignore) || value.ignore.some((id) => typeof id !== 'string')) {
      throw new ConfigError(file, 'ignore must be a list of rule ids, e.g. ignore: [go-cgo-enabled-for-static].');
    }
    for (const id of value.ignore as string[]) if (!known.includes(id)) throw new ConfigError(file, unknownRule(id, 'ignore'));
    config.ignore = [...(value.ignore as string[])];
  }
  if (value.registry !== undefined) {
    const registry = value.registry;
    if (typeof registry !== 'string' || registry.trim() === '') {
      throw new ConfigError(file, 'registry must be a string naming where the distroless images are mirrored, e.g. registry.example.com/distroless.');
    }
    if (/^[a-z]+:\/\//i.test(registry)) {
      throw new ConfigError(file, `registry "${registry}" has a URL scheme; write it as docker does, without it, e.g. ${registry.replace(/^[a-z]+:\/\//i, '')}.`);
    }
    if (!REGISTRY_PATTERN.test(registry.trim())) {
      throw new ConfigError(file, `registry "${registry}" is not an image repository prefix; write host[:port]/path in lower case without a tag, e.g. registry.example.com/distroless.`);
    }
    config.registry = registry.trim();
  }
  if (value.target !== undefined) {
    if (typeof value.target !== 'string' || value.target.trim() === '') {
      throw new ConfigError(file, 'target must be the name of a build stage (as docker build --target), e.g. target: runtime.');
    }
    config.target = value.target.trim();
  }
  if (value.buildArgs !== undefined) {
    const args = value.buildArgs;
    if (!args || typeof args !== 'object' || Array.isArray(args)) {
      throw new ConfigError(file, 'buildArgs must map build arg names to values, e.g. buildArgs: { BASE: gcr.io/distroless/static-debian13 }.');
    }
    config.buildArgs = {};
    for (const [name, v] of Object.entries(args as Record<string, unknown>)) {
      if (!BUILD_ARG_NAME.test(name)) throw new ConfigError(file, `buildArgs.${name}: not a build arg name (letters, digits and _).`);
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new ConfigError(file, `buildArgs.${name}: ${JSON.stringify(v)} is not a value; write it as a string.`);
      }
      config.buildArgs[name] = String(v);
    }
  }
  if (value.baseline !== undefined) {
    if (typeof value.baseline !== 'string' || value.baseline.trim() === '') {
      throw new ConfigError(file, 'baseline must be the path of the file distroless lint --write-baseline wrote, relative to this file, e.g. baseline: .distroless-baseline.json.');
    }
    config.baseline = value.baseline.trim();
  }
  if (value.images !== undefined) config.images = validateImages(value.images, file);
  if (value.convertTo !== undefined) {
    if (!(IMAGE_TARGETS as readonly unknown[]).includes(value.convertTo)) throw new ConfigError(file, `convertTo must be one of ${IMAGE_TARGETS.join(', ')} (the image family conversions ship on).`);
    config.convertTo = value.convertTo as ImageTarget;
  }
  return config;
}

export const IMAGE_FACT_KEYS = ['shell', 'user', 'libc'];
export const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An image reference or name as FROM has it, lower case (`corp/base:1`, `corp/base`). */
export const DECLARED_REFERENCE = /^[a-z0-9][a-z0-9._:/@-]*$/;
/** `uid[:gid]` or `root`: a name cannot be resolved without the image's /etc/passwd. */
export const DECLARED_USER = /^(?:root|\d+(?::\d+)?)$/;
export const DECLARED_LIBCS = ['glibc', 'musl', 'none'] as const;

/** `images: { "corp/base:1": { shell: false, user: "65532:65532", libc: glibc } }`. */
function validateImages(raw: unknown, file: string): Record<string, DeclaredImage> {
  const example = 'images: { "corp/base:1": { shell: false, user: "65532:65532", libc: glibc } }';
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, `images must map image references to their facts, e.g. ${example}.`);
  const out: Record<string, DeclaredImage> = {};
  for (const [reference, facts] of Object.entries(raw as Record<string, unknown>)) {
    const where = `images."${reference}"`;
    if (!DECLARED_REFERENCE.test(reference)) throw new ConfigError(file, `${where}: not an image reference (lower case, as in FROM, e.g. corp/base:1 or corp/base for every tag).`);
    if (!facts || typeof facts !== 'object' || Array.isArray(facts)) throw new ConfigError(file, `${where} must be a mapping of shell, user and libc, e.g. ${example}.`);
    const f = facts as Record<string, unknown>;
    const unknown = Object.keys(f).find((k) => !IMAGE_FACT_KEYS.includes(k));
    if (unknown) throw new ConfigError(file, `${where}: unknown key "${unknown}"; known: ${IMAGE_FACT_KEYS.join(', ')}.`);
    const declared: DeclaredImage = {};
    if (f.shell !== undefined) {
      if (typeof f.shell !== 'boolean') throw new ConfigError(file, `${where}.shell must be true or false (whether the image has /bin/sh).`);
      declared.shell = f.shell;
    }
    if (f.user !== undefined) {
      const user = typeof f.user === 'number' ? String(f.user) : f.user;
      if (typeof user !== 'string' || !DECLARED_USER.test(user)) throw new ConfigError(file, `${where}.user must be uid[:gid] or root, e.g. "65532:65532" (a name cannot be resolved without the image's /etc/passwd).`);
      declared.user = user;
    }
    if (f.libc !== undefined) {
      if (!(DECLARED_LIBCS as readonly unknown[]).includes(f.libc)) throw new ConfigError(file, `${where}.libc must be glibc, musl or none.`);
      declared.libc = f.libc as (typeof DECLARED_LIBCS)[number];
    }
    out[reference] = declared;
  }
  return out;
}

/** Reads and validates one configuration file. */
export function readConfigFile(file: string): DistrolessConfig {
  let text: string;
  try {
    // A named pipe or device could block forever: only regular files are read.
    if (!fs.statSync(file).isFile()) throw new ConfigError(file, 'not a regular file (a folder, pipe or device); only regular files are read. Pass the configuration file itself.');
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, `cannot read the configuration file (${code === 'EACCES' ? 'permission denied' : code ?? String(error)}). Check its permissions, or delete it.`);
  }
  let raw: unknown;
  if (file.endsWith('.json')) {
    try {
      raw = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      throw new ConfigError(file, `not valid JSON (${(error as Error).message}). Fix the syntax.`);
    }
  } else {
    // Loaded here, not at the top: most projects have no YAML configuration, and
    // yaml is a large part of what `distroless lint` would otherwise load at start-up.
    const { parseDocument } = require('yaml') as typeof import('yaml');
    const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
      const first = document.errors[0];
      const line = first.linePos?.[0].line;
      const what = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new ConfigError(file, `not valid YAML${line ? ` at line ${line}` : ''} (${what}). Fix the syntax.`);
    }
    raw = document.toJS();
  }
  return validateConfig(raw, file);
}

/** The configuration file for a Dockerfile in `folder`, or undefined. */
export function findConfigFile(folder: string): string | undefined {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const present = CONFIG_FILE_NAMES.filter((name) => isFile(path.join(dir, name)));
    if (present.length > 1) {
      throw new ConfigError(path.join(dir, present[0]), `${present.join(' and ')} are both in ${dir}; keep one of them.`);
    }
    if (present.length === 1) return path.join(dir, present[0]);
    // A project's configuration never lives above its repository.
    if (exists(path.join(dir, '.git')) || path.dirname(dir) === dir) return undefined;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds and reads configuration per folder, re-reading a file only when its
 * modification time or size changed, so the server can ask on every lint.
 */
export class ConfigCache {
  private readonly parsed = new Map<string, { stamp: string; config: DistrolessConfig }>();

  load(folder: string): LoadedConfig {
    const file = findConfigFile(folder);
    if (!file) return { config: {} };
    return { file, config: this.read(file) };
  }

  read(file: string): DistrolessConfig {
    let stamp = '';
    try {
      const stat = fs.statSync(file);
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      // readConfigFile reports the unreadable file.
    }
    const hit = this.parsed.get(file);
    if (hit && stamp !== '' && hit.stamp === stamp) return hit.config;
    const config = readConfigFile(file);
    this.parsed.set(file, { stamp, config });
    return config;
  }
}

/** Per-rule severities: `ignore` turns rules off, `rules` sets them (and wins for a rule in both). */
export function configSeverities(config: DistrolessConfig): Record<string, SeveritySetting> {
  const severities: Record<string, SeveritySetting> = {};
  for (const id of config.ignore ?? []) severities[id] = 'off';
  Object.assign(severities, config.rules);
  return severities;
}

/** What overrides the file: CLI flags or the VS Code settings the user actually set. */
export interface ConfigOverrides {
  rules?: Record<string, SeveritySetting>;
  target?: string;
  /** The image family conversions ship on (`convert --to`, the `distroless.convertTo` setting): wins over the file's `convertTo`. */
  convertTo?: ImageTarget;
}

/** What the machine adds to an analysis: the files beside the Dockerfile and facts read from images. */
export interface MachineFacts {
  workspace?: WorkspaceFiles;
  images?: ObservedImages;
  /**
   * The stage the project's build files build (Compose, bake, skaffold, GitHub
   * workflows: host/buildTargets): the target when neither an override nor the file names one.
   */
  buildTarget?: string;
}

/**
 * The options of every analysis (engine/analysis.ts), for the language server and the
 * CLI alike: the configuration file, the overrides (CLI flags or the editor settings
 * the user set), the files beside the Dockerfile, image facts and the platform a local
 * `docker build` targets. Overrides win per rule id and for the target; an empty
 * override (no rules, empty target) leaves the file's value.
 */
export function analysisOptions(config: DistrolessConfig, overrides: ConfigOverrides = {}, machine: MachineFacts = {}): AnalysisOptions {
  const severities = { ...configSeverities(config), ...overrides.rules };
  const platform = hostPlatform();
  const convertTo = overrides.convertTo || config.convertTo;
  return {
    severities,
    target: overrides.target || config.target || machine.buildTarget || undefined,
    distrolessRegistry: config.registry,
    ...(config.buildArgs ? { buildArgs: config.buildArgs } : {}),
    ...(config.images ? { declaredImages: config.images } : {}),
    ...(convertTo ? { convertTo } : {}),
    ...(machine.workspace ? { workspace: machine.workspace } : {}),
    ...(machine.images ? { images: machine.images } : {}),
    ...(platform ? { platform } : {}),
  };
}
