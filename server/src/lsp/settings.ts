/** The `distroless.*` settings the server reads, with their defaults. */
import { closest, parseSeverity, RULES, type SeveritySetting } from '../engine';

export interface ServerSettings {
  /** Per rule id: off, hint, information, warning or error. */
  rules: Record<string, SeveritySetting>;
  /** The stage that ships; empty means the last stage. */
  target: string;
  /** The image family Convert ships on; empty: the configuration file's convertTo, else distroless. */
  convertTo: '' | 'distroless' | 'chainguard' | 'dhi';
  /** Look up image tags on Docker Hub while completing FROM (network). Off by default. */
  imageTagCompletion: boolean;
  /** The syntax checks of dockerfile-utils, as the Docker extension shows them. */
  syntaxChecks: boolean;
  /** Milliseconds to wait after the last keystroke before re-checking. */
  diagnosticsDelay: number;
  formatter: { ignoreMultilineInstructions: boolean };
  /** Read facts about base images from the local Docker engine (no network). */
  inspectLocalImages: boolean;
  /** `distroless.docker.host`: the engine to read them from instead of DOCKER_HOST; empty: the usual resolution. */
  dockerHost: string;
  /** `distroless.imageFacts.registryLookups`: ask registries for the manifest and config of images not on the engine (network). Off by default. */
  registryLookups: boolean;
  /** `distroless.imageFacts.redirectHosts`: `host[:port]` a registry's redirects and token realms may also go to. */
  registryRedirectHosts: string[];
}

export const DEFAULT_SETTINGS: ServerSettings = {
  rules: {},
  target: '',
  convertTo: '',
  imageTagCompletion: false,
  syntaxChecks: true,
  diagnosticsDelay: 250,
  formatter: { ignoreMultilineInstructions: false },
  inspectLocalImages: true,
  dockerHost: '',
  registryLookups: false,
  registryRedirectHosts: [],
};

/** Accepts whatever the client sent; anything malformed falls back to the default. */
export function normalizeSettings(raw: unknown): ServerSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeveritySetting> = {};
  if (value.rules && typeof value.rules === 'object') {
    for (const [id, severity] of Object.entries(value.rules as Record<string, unknown>)) {
      const setting = parseSeverity(severity, { allowOff: true });
      if (setting) rules[id] = setting;
    }
  }
  const formatter = (value.formatter && typeof value.formatter === 'object' ? value.formatter : {}) as Record<string, unknown>;
  return {
    rules,
    target: typeof value.target === 'string' ? value.target : DEFAULT_SETTINGS.target,
    convertTo: value.convertTo === 'distroless' || value.convertTo === 'chainguard' || value.convertTo === 'dhi' ? value.convertTo : '',
    imageTagCompletion: value.imageTagCompletion === true,
    syntaxChecks: value.syntaxChecks !== false,
    diagnosticsDelay: typeof value.diagnosticsDelay === 'number' && value.diagnosticsDelay >= 0 ? Math.min(value.diagnosticsDelay, 5000) : DEFAULT_SETTINGS.diagnosticsDelay,
    formatter: { ignoreMultilineInstructions: formatter.ignoreMultilineInstructions === true },
    inspectLocalImages: value.inspectLocalImages !== false,
    dockerHost: value.docker && typeof value.docker === 'object' && typeof (value.docker as Record<string, unknown>).host === 'string' ? ((value.docker as Record<string, unknown>).host as string).trim() : '',
    registryLookups: !!value.imageFacts && typeof value.imageFacts === 'object' && (value.imageFacts as Record<string, unknown>).registryLookups === true,
    registryRedirectHosts: redirectHostsOf(value.imageFacts),
  };
}

function redirectHostsOf(imageFacts: unknown): string[] {
  const hosts = imageFacts && typeof imageFacts === 'object' ? (imageFacts as Record<string, unknown>).redirectHosts : undefined;
  return Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string' && h.trim() !== '').map((h) => h.trim()) : [];
}

/**
 * One line per rule id in `distroless.rules` that no rule has, with the closest known
 * id: VS Code marks the property in settings.json, other editors show nothing at all.
 */
export function unknownRuleIdWarnings(raw: unknown): string[] {
  const rules = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).rules : undefined;
  if (!rules || typeof rules !== 'object') return [];
  const known = RULES.map((r) => r.id);
  return Object.keys(rules).filter((id) => !known.includes(id)).map((id) => {
    const suggestion = closest(id, known);
    return `distroless.rules: no rule is called "${id}"${suggestion ? `. Did you mean "${suggestion}"?` : '; it is ignored.'}`;
  });
}

/**
 * The settings inside initializationOptions, for editors without workspace/configuration
 * (or to give defaults to it): `{ settings: {...} }`, `{ distroless: {...} }`, or the
 * settings object itself (Helix sends its `config` table as it is).
 */
export function settingsFromInitializationOptions(options: unknown): unknown {
  if (!options || typeof options !== 'object') return undefined;
  const value = options as Record<string, unknown>;
  for (const key of ['settings', 'distroless']) {
    if (value[key] && typeof value[key] === 'object') return value[key];
  }
  return value;
}

/** `over` key by key on top of `base`; either may be missing or not an object. */
export function mergeSettings(base: unknown, over: unknown): Record<string, unknown> {
  const object = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  return { ...object(base), ...object(over) };
}
