/**
 * The engine's one public entry: what the language server, the CLI, the host adapters
 * and the tests import. Everything else under engine/ is the engine's own business.
 */

// Linting, fixing, converting.
export { lint, INVALID_SUPPRESSION } from './lint';
export type { LintOptions, LintResult } from './lint';
export { fixAll, selectFixes, parses } from './fixAll';
export type { FixAllResult } from './fixAll';
export { applyEdits, rangesOverlap } from './edits';
export { convert, planConversion } from './convert';
export type { ConversionPlan, ConvertOptions, ConvertResult, Language } from './convert';
export { validateSyntax } from './syntax';
export { openTail, editReachesTail } from './tail';
export type { OpenTail } from './tail';

// Rules, severities, documentation.
export { RULES, findRule } from './rules/registry';
export { SEVERITIES, SEVERITY_SETTINGS, parseSeverity, atOrAbove } from './severity';
export { ruleDocUrl, PROJECT_URL } from './docs';
export { closest, detailOf, headlineOf, HEADLINE_MAX } from './messages';
export type { Diagnosis, Fix, Finding, Rule, RuleContext, Severity, SeveritySetting, WorkspaceFiles } from './types';

// The model of a Dockerfile and its readers (shell commands, stages, image facts).
export { buildModel, substituteVariables } from './model';
export type { DockerfileModel, ModelOptions, Stage } from './model';
export {
  parseShell, parseShellInstruction, shellOf, commandsOf, packageChanges, installedPackages, packageName, firstShellSyntax,
} from './shell';
export type { Command, Word, Heredoc, Redirect, ShellInstruction, PackageChange, InstalledPackage } from './shell';
export {
  stageChainFromBase, stageChainToBase, placedInstructions, chainCopies, copySources, originOf, goBuildsFromBase, resolvePath,
} from './stages';
export type { CopyInstruction, CopyFlags, GoBuild, PathOrigin, PlacedInstruction } from './stages';
export {
  classifyImage, parseImageRef, imageName, distrolessEndOfLife, isWindowsImage, runsAsRootByDefault, withLocalFacts,
} from './imageFacts';
export type { ImageInfo, ImageRef, ImageUser, LocalImageFacts, Runtime } from './imageFacts';

// Facts read from local images: merged over the table per fact, each naming its source.
export {
  imageFactsFor, describeImage, baseImageReferences, provenanceOf, imageKey, parseImageKey, fromPlatform, stageAtImage,
  platformArgs, shortImageId, RUNTIME_PROGRAMS, SHELL_PATHS,
} from './observedImage';
export type { ObservedImage, ObservedImages, ImageObservation, FactSource, ImageProvenance, RegistryImage } from './observedImage';
export { imageRangeOf } from './instructions';
