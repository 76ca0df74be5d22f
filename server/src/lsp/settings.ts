/** The `distroless.*` settings the server reads, with their defaults. */
import { parseSeverity, type SeveritySetting } from '../engine';

export interface ServerSettings {
  /** Per rule id: off, hint, information, warning or error. */
  rules: Record<string, SeveritySetting>;
  /** The stage that ships; empty means the last stage. */
  target: string;
  /** Look up image tags on Docker Hub while completing FROM (network). Off by default. */
  imageTagCompletion: boolean;
  /** The syntax checks of dockerfile-utils, as the Docker extension shows them. */
  syntaxChecks: boolean;
  /** Milliseconds to wait after the last keystroke before re-checking. */
  diagnosticsDelay: number;
  formatter: { ignoreMultilineInstructions: boolean };
}

export const DEFAULT_SETTINGS: ServerSettings = {
  rules: {},
  target: '',
  imageTagCompletion: false,
  syntaxChecks: true,
  diagnosticsDelay: 250,
  formatter: { ignoreMultilineInstructions: false },
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
    imageTagCompletion: value.imageTagCompletion === true,
    syntaxChecks: value.syntaxChecks !== false,
    diagnosticsDelay: typeof value.diagnosticsDelay === 'number' && value.diagnosticsDelay >= 0 ? Math.min(value.diagnosticsDelay, 5000) : DEFAULT_SETTINGS.diagnosticsDelay,
    formatter: { ignoreMultilineInstructions: formatter.ignoreMultilineInstructions === true },
  };
}
