/** The one list of severities and the one reader of what users write for them (settings, config file, CLI). */
import type { Severity, SeveritySetting } from './types';

/** Every severity, most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** What a rule's severity may be set to: a severity, or `off`. */
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = [...SEVERITIES, 'off'];

/** A severity as written by a user (`info` is `information`); undefined when it is not one. `off` only with allowOff. */
export function parseSeverity(value: unknown, options: { allowOff: true }): SeveritySetting | undefined;
export function parseSeverity(value: unknown, options?: { allowOff?: false }): Severity | undefined;
export function parseSeverity(value: unknown, options: { allowOff?: boolean } = {}): SeveritySetting | undefined {
  if (typeof value !== 'string') return undefined;
  const normalized = value === 'info' ? 'information' : value;
  if (normalized === 'off') return options.allowOff ? 'off' : undefined;
  return (SEVERITIES as readonly string[]).includes(normalized) ? (normalized as Severity) : undefined;
}

/** True when `severity` is `threshold` or more severe. */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}
