/** The engine's public surface: what the server, the CLI and tests import. */
export { lint, INVALID_SUPPRESSION } from './lint';
export type { LintOptions, LintResult } from './lint';
export { fixAll, selectFixes, parses } from './fixAll';
export { applyEdits } from './edits';
export { buildModel } from './model';
export { RULES, findRule } from './rules/registry';
export { ruleDocUrl, SOURCE, PROJECT_URL } from './docs';
export type { Diagnosis, Fix, Finding, Rule, Severity, SeveritySetting, WorkspaceFiles } from './types';
export { imageFactsFor, describeImage, baseImageReferences, provenanceOf, imageKey, parseImageKey } from './observedImage';
export type { ObservedImage, ObservedImages, ImageObservation, FactSource, ImageProvenance } from './observedImage';
