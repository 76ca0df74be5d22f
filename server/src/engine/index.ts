/** The engine's public surface: what the server, the CLI and tests import. */
export { lint, INVALID_SUPPRESSION } from './lint';
export type { LintOptions, LintResult } from './lint';
export { fixAll, selectFixes, parses } from './fixAll';
export type { FixAllResult } from './fixAll';
export { validateSyntax } from './syntax';
export { convert } from './convert';
export type { ConvertResult, ConvertOptions } from './convert';
export { applyEdits } from './edits';
export { buildModel } from './model';
export { RULES, findRule } from './rules/registry';
export { ruleDocUrl, PROJECT_URL } from './docs';
export type { Diagnosis, Fix, Finding, Rule, Severity, SeveritySetting, WorkspaceFiles } from './types';
export { openTail, editReachesTail } from './tail';
export type { OpenTail } from './tail';
