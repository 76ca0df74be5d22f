/**
 * The engine's one public entry: what the language server, the CLI and the host
 * adapters import, and nothing more (test/unit/engine-exports.test.ts fails on a name
 * nothing outside the engine imports). Tests reach the rest through engine/testing.ts.
 */

// Linting, fixing, converting.
export { analyze, convert } from './analysis';
export type { Analysis, AnalysisOptions } from './analysis';
export { INVALID_SUPPRESSION } from './lint';
export { SUPPRESSION_COMMENT, SUPPRESSION_KEYWORDS } from './suppressions';
export { fixAll } from './fixAll';
export type { FixAllResult } from './fixAll';
export { IMAGE_TARGETS } from './convert';
export type { ConvertResult, ImageTarget } from './convert';
export type { GroundedEvidence } from './convert/grounded';
export { validateSyntax } from './syntax';
export { editReachesTail } from './tail';
export type { OpenTail } from './tail';

// Rules, severities, documentation.
export { RULES } from './rules/registry';
export { SEVERITIES, SEVERITY_SETTINGS, parseSeverity, atOrAbove } from './severity';
export { ruleDocUrl, PROJECT_URL } from './docs';
export { closest, headlineOf } from './messages';
export type { Diagnosis, Severity, SeveritySetting, WorkspaceFiles } from './types';

// The model of a Dockerfile and its readers (build args, the stages' images, image facts).
export { fromPlatform } from './buildArgs';
export { baseImageReferences, stageAtImage } from './stageImages';
export { classifyImage } from './imageFacts';
export type { ImageInfo, ImageUser } from './imageFacts';

// Facts read from local images: merged over the table per fact, each naming its source.
export { imageFactsFor, describeImage, imageKey, parseImageKey, shortImageId, RUNTIME_PROGRAMS, SHELL_PATHS } from './observedImage';
export type { ObservedImage, ObservedImages, ImageObservation, RegistryImage, DeclaredImage } from './observedImage';
export { imageRangeOf } from './instructions';
