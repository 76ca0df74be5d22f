/**
 * Runs the rule registry over a Dockerfile's model: severities from settings and
 * suppression comments (the check on the comments themselves is the
 * invalid-suppression rule). Every caller comes through an Analysis (analysis.ts).
 */
import type { DockerfileModel } from './model';
import { RULES } from './rules/registry';
import { findSuppressions, isSuppressed } from './suppressions';
import { fixesPending, lazyFixes } from './fixes';
import { noteUnknownFacts } from './stageImages';
import type { AnalysisOptions, Diagnosis, Finding, RuleFailure, Severity, SeveritySetting } from './types';
export { INVALID_SUPPRESSION } from './rules/invalidSuppression';

const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

/** Runs the rule registry over a model (analysis.ts calls this once per Analysis). */
export function runRules(model: DockerfileModel, options: AnalysisOptions): { diagnoses: Diagnosis[]; failures: RuleFailure[] } {
  const rules = options.rules ?? RULES;
  const suppressions = findSuppressions(model);
  const diagnoses: Diagnosis[] = [];
  const failures: RuleFailure[] = [];
  const context = { model, today: options.today ?? new Date(), workspace: options.workspace, distrolessRegistry: options.distrolessRegistry, convertTo: options.convertTo, ruleIds: RULE_IDS };
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

  noteUnknownFacts(model, diagnoses);
  // Rule ids are lower-case ASCII and hyphens: code-unit order, without localeCompare's collator per comparison.
  diagnoses.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return { diagnoses, failures };
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
