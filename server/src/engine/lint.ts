/**
 * Runs the rule registry over a Dockerfile: severities from settings and suppression
 * comments (the check on the comments themselves is the invalid-suppression rule).
 * The server, the CLI and the tests all come through here.
 */
import { buildModel, DockerfileModel } from './model';
import { RULES } from './rules/registry';
import { findSuppressions, isSuppressed } from './suppressions';
import { fixesPending, lazyFixes } from './fixes';
import { noteUnknownFacts, type DeclaredImage, type ObservedImages } from './observedImage';
import type { Diagnosis, Finding, Rule, Severity, SeveritySetting, WorkspaceFiles } from './types';
export { INVALID_SUPPRESSION } from './rules/invalidSuppression';

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
  /** Facts read from local images, by resolved reference; the built-in table fills the rest. */
  images?: ObservedImages;
  /** Build args that override global ARG defaults, as `docker build --build-arg`. */
  buildArgs?: Readonly<Record<string, string>>;
  /** The platform the build runs on and for (`linux/amd64`): fills $TARGETARCH and the other automatic ARGs. */
  platform?: string;
  /** The image family conversions (and final-stage-full-os's fix) ship on: configuration `convertTo`. */
  convertTo?: 'distroless' | 'chainguard' | 'dhi';
  /** Facts the configuration file declares for images it names (`images:`); what a local image shows wins. */
  declaredImages?: Readonly<Record<string, DeclaredImage>>;
  /** Rules to run; defaults to the whole registry (tests pass one). */
  rules?: readonly Rule[];
}

export interface LintResult {
  model: DockerfileModel;
  diagnoses: Diagnosis[];
  /** Rules that threw: reported, never fatal, so one bug cannot hide the others. */
  failures: Array<{ ruleId: string; error: unknown }>;
}

const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

/**
 * `parsed`: the model's tree of exactly `text` (DockerfileModel.dockerfile), when the
 * caller already has it. Not an option: options outlive one text (fixAll re-lints).
 */
export function lint(text: string, options: LintOptions = {}, parsed?: DockerfileModel['dockerfile']): LintResult {
  const model = buildModel(text, { target: options.target, distrolessRegistry: options.distrolessRegistry, images: options.images, buildArgs: options.buildArgs, platform: options.platform, declaredImages: options.declaredImages }, parsed);
  const rules = options.rules ?? RULES;
  const suppressions = findSuppressions(model);
  const diagnoses: Diagnosis[] = [];
  const failures: LintResult['failures'] = [];
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
