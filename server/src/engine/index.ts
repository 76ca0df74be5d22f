/**
 * The engine's one public entry: what the language server, the CLI, the host adapters
 * and the tests import. Everything else under engine/ is the engine's own business.
 */

// Linting, fixing, converting.
export { analyze, convert, lint } from './analysis';
export type { Analysis, AnalysisOptions, LintOptions, LintResult } from './analysis';
export { INVALID_SUPPRESSION } from './lint';
export { SUPPRESSION_COMMENT, SUPPRESSION_KEYWORDS } from './suppressions';
export { fixAll, selectFixes, parses } from './fixAll';
export type { FixAllResult } from './fixAll';
export { applyEdits, rangesOverlap } from './edits';
export type { ConversionPlan, ConvertResult, Language } from './convert';
export { validateSyntax } from './syntax';
export { openTail, editReachesTail } from './tail';
export type { OpenTail } from './tail';

// Rules, severities, documentation.
export { RULES, findRule } from './rules/registry';
export { SEVERITIES, SEVERITY_SETTINGS, parseSeverity, atOrAbove } from './severity';
export { ruleDocUrl, PROJECT_URL } from './docs';
export { closest, headlineOf, HEADLINE_MAX } from './messages';
export type { Diagnosis, Fix, Finding, Rule, RuleContext, Severity, SeveritySetting, WorkspaceFiles } from './types';

// The model of a Dockerfile and its readers (shell commands, stages, image facts).
export { buildModel } from './model';
export { substituteVariables, fromPlatform, platformArgs } from './buildArgs';
export { baseImageReferences, stageAtImage } from './stageImages';
export type { DockerfileModel, ModelOptions, Stage } from './model';
export { parseShell, parseShellInstruction, shellOf, commandsOf, firstShellSyntax } from './shell';
export type { Command, Word, Heredoc, Redirect, ShellInstruction } from './shell';
export { packageChanges, installedPackages, packageName } from './packages';
export type { PackageChange, InstalledPackage } from './packages';
export { stageChainFromBase, stageChainToBase, placedInstructions, chainCopies, copySources, originOf, resolvePath } from './stages';
export type { CopyInstruction, CopyFlags, PathOrigin, PlacedInstruction } from './stages';
export { goBuildsFromBase } from './goBuilds';
export type { GoBuild } from './goBuilds';
export {
  classifyImage, parseImageRef, imageName, distrolessEndOfLife, isWindowsImage, runsAsRootByDefault, withLocalFacts,
} from './imageFacts';
export type { ImageInfo, ImageRef, ImageUser, LocalImageFacts, Runtime } from './imageFacts';

// Facts read from local images: merged over the table per fact, each naming its source.
export {
  imageFactsFor, describeImage, provenanceOf, imageKey, parseImageKey, shortImageId, RUNTIME_PROGRAMS, SHELL_PATHS,
} from './observedImage';
export type { ObservedImage, ObservedImages, ImageObservation, FactSource, ImageProvenance, RegistryImage } from './observedImage';
export { imageRangeOf } from './instructions';
