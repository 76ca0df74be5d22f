/**
 * Runs the rule registry over a Dockerfile: severities from settings, suppression
 * comments, and checks on the suppressions themselves. The server, the CLI and the
 * tests all come through here.
 */
import { buildModel, DockerfileModel } from './model';
import { RULES } from './rules/registry';
import { findSuppressions, isSuppressed } from './suppressions';
import { fixesPending, lazyFixes } from './fixes';
import type { Diagnosis, Finding, Rule, Severity, SeveritySetting, WorkspaceFiles } from './types';

export interface LintOptions {
  /** Per-rule severity overrides; 'off' disables a rule. */
  severities?: Record<string, SeveritySetting>;
  /** The build target (stage name) that ships. */
  target?: string;
  /** End-of-life checks compare against this date; defaults to now. */
  today?: Date;
  workspace?: WorkspaceFiles;
  /** Mirror of gcr.io/distroless/ to suggest, and to recognise as distroless. */
  distrolessRegistry?: string;
  /** Rules to run; defaults to the whole registry (tests pass one). */
  rules?: readonly Rule[];
}

export interface LintResult {
  model: DockerfileModel;
  diagnoses: Diagnosis[];
  /** Rules that threw: reported, never fatal, so one bug cannot hide the others. */
  failures: Array<{ ruleId: string; error: unknown }>;
}

export const INVALID_SUPPRESSION = 'invalid-suppression';

export function lint(text: string, options: LintOptions = {}): LintResult {
  const model = buildModel(text, { target: options.target, distrolessRegistry: options.distrolessRegistry });
  const rules = options.rules ?? RULES;
  const suppressions = findSuppressions(model);
  const diagnoses: Diagnosis[] = [];
  const failures: LintResult['failures'] = [];
  const context = { model, today: options.today ?? new Date(), workspace: options.workspace, distrolessRegistry: options.distrolessRegistry };
  const severityOf = (id: string, fallback: Severity): SeveritySetting => options.severities?.[id] ?? fallback;

  for (const rule of rules) {
    const severity = severityOf(rule.id, rule.defaultSeverity);
    if (severity === 'off') continue;
    let findings;
    try {
      findings = rule.check(context);
    } catch (error) {
      failures.push({ ruleId: rule.id, error });
      continue;
    }
    for (const finding of findings) {
      if (isSuppressed(suppressions, rule.id, finding.range)) continue;
      diagnoses.push(diagnosisOf(finding, rule.id, options.severities?.[rule.id] === undefined ? finding.severity ?? severity : severity));
    }
  }

  const suppressionSeverity = severityOf(INVALID_SUPPRESSION, 'warning');
  if (suppressionSeverity !== 'off') {
    const known = new Set(RULES.map((r) => r.id));
    for (const s of suppressions) {
      if (s.ids.length === 0) {
        diagnoses.push({ ruleId: INVALID_SUPPRESSION, severity: suppressionSeverity, range: s.range, fixes: [],
          message: `This suppression names no rule, so it silences nothing. Write the rule id after it, e.g. "# ${s.scope === 'file' ? 'distroless-ignore-file' : 'distroless-ignore'} runs-as-root".` });
      }
      for (const id of s.ids) {
        if (known.has(id.id)) continue;
        diagnoses.push({ ruleId: INVALID_SUPPRESSION, severity: suppressionSeverity, range: id.range, fixes: [],
          message: `Unknown rule id "${id.id}" in a suppression comment: it silences nothing. Known ids: ${[...known].join(', ')}.` });
      }
      if (s.scope === 'instruction' && !s.lines && s.ids.length > 0) {
        diagnoses.push({ ruleId: INVALID_SUPPRESSION, severity: suppressionSeverity, range: s.range, fixes: [],
          message: 'This suppression is not directly above an instruction, so it silences nothing. Put it on the line before the instruction, or use distroless-ignore-file.' });
      }
    }
  }

  diagnoses.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.ruleId.localeCompare(b.ruleId));
  return { model, diagnoses, failures };
}

function diagnosisOf(finding: Finding, ruleId: string, severity: Severity): Diagnosis {
  const message = sentence(finding.message);
  if (!fixesPending(finding)) return { range: finding.range, message, ruleId, severity, fixes: finding.fixes ?? [] };
  // A spread would read, and so compute, the fixes: pass them on still pending.
  return lazyFixes({ range: finding.range, message, ruleId, severity }, () => finding.fixes ?? []);
}

/** Rules build messages from parts; the first letter of what the user reads is upper case. */
function sentence(message: string): string {
  // Only a plain leading word: an image reference ("gcr.io/...") keeps its case.
  return /^[a-z]+\s/.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message;
}
