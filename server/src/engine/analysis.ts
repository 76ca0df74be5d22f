/**
 * One analysis of one Dockerfile text under one set of options: the model, the
 * findings, the end of the file and the conversion, each computed at most once.
 * Lint, fix-all, code actions, hover, the status item, the quick-fix conversion,
 * `distroless convert` and the `distroless/convert` request all read the same
 * Analysis, so they cannot disagree about what the file says or which images it
 * names (a registry mirror, build args, a target, the platform, image facts).
 */
import type { Dockerfile } from 'dockerfile-ast';
import { buildModel, type DockerfileModel } from './model';
import { runRules } from './lint';
import { conversionOf } from './convert';
import type { ConversionPlan, ConvertResult } from './convert';
import type { GroundedEvidence } from './convert/grounded';
import { openTail, type OpenTail } from './tail';
import type { AnalysisOptions, Diagnosis, RuleFailure } from './types';

export type { AnalysisOptions } from './types';

export interface Analysis {
  readonly text: string;
  readonly options: AnalysisOptions;
  readonly model: DockerfileModel;
  /** The findings, sorted by position then rule id (computed on first read). */
  readonly diagnoses: Diagnosis[];
  /** Rules that threw: reported, never fatal, so one bug cannot hide the others. */
  readonly failures: RuleFailure[];
  /** The unfinished construct the file ends in, if any (tail.ts). */
  readonly tail: OpenTail | undefined;
  /** The converter's decision for the shipped stage, planned once (shared with final-stage-full-os's fix). */
  conversion(): ConversionPlan;
  /**
   * What `distroless convert` prints: the plan written, or why not. `grounded`: what a
   * build of the original showed (`convert --build`); such a plan is made for this call only.
   */
  convert(grounded?: GroundedEvidence): ConvertResult;
}

/**
 * The one way to analyse a Dockerfile. `parsed`: dockerfile-ast's tree of exactly
 * `text`, when the caller has it (the CLI parses to find the base images first; the
 * server re-analyses the same text when image facts arrive).
 */
export function analyze(text: string, options: AnalysisOptions = {}, parsed?: Dockerfile): Analysis {
  const model = buildModel(text, {
    target: options.target, distrolessRegistry: options.distrolessRegistry, images: options.images, buildArgs: options.buildArgs, platform: options.platform, declaredImages: options.declaredImages,
  }, parsed);
  let findings: ReturnType<typeof runRules> | undefined;
  const ran = () => (findings ??= runRules(model, options));
  let tail: { value: OpenTail | undefined } | undefined;
  const conversion = (grounded?: GroundedEvidence) => conversionOf(model, { workspace: options.workspace, distrolessRegistry: options.distrolessRegistry, to: options.convertTo, grounded });
  return {
    text,
    options,
    model,
    get diagnoses() { return ran().diagnoses; },
    get failures() { return ran().failures; },
    get tail() { return (tail ??= { value: openTail(text, model.dockerfile) }).value; },
    conversion: () => conversion(),
    convert(grounded) {
      const planned = conversion(grounded);
      return planned.ok ? planned.write() : planned;
    },
  };
}

/** `analyze(text, options).convert(grounded)`: for callers that have no Analysis to keep. */
export function convert(text: string, options: AnalysisOptions = {}, grounded?: GroundedEvidence): ConvertResult {
  let analysis: Analysis;
  try {
    analysis = analyze(text, options);
  } catch (error) {
    return { ok: false, reason: `the Dockerfile could not be parsed (${String(error)})` };
  }
  return analysis.convert(grounded);
}

/** The options of an analysis, under the name the rule tables use. */
export type LintOptions = AnalysisOptions;

/** analyze(text, options), under the name the rule tables use. */
export function lint(text: string, options: AnalysisOptions = {}, parsed?: Dockerfile): Analysis {
  return analyze(text, options, parsed);
}
