/**
 * The tests' entry into the engine: the public entry (index.ts) plus the readers and
 * helpers the tests check directly. Nothing under server/src or client/src imports
 * this file (the boundary test keeps every other room to index.ts), so no bundle
 * carries it; test/unit/engine-exports.test.ts fails on a name here no test imports.
 */
export * from './index';
export { lint } from './analysis';
export type { LintOptions } from './analysis';
export { parses } from './fixAll';
export { applyEdits } from './edits';
export { openTail } from './tail';
export { findRule } from './rules/registry';
export { HEADLINE_MAX, clip, detailOf, explained } from './messages';
export type { Finding, Fix, Rule } from './types';
export { buildModel, parseDockerfile } from './model';
export { substituteVariables, platformArgs } from './buildArgs';
export { parseShell, parseShellInstruction, shellOf, commandsOf } from './shell';
export type { Command } from './shell';
export { packageChanges, installedPackages, packageName } from './packages';
export { stageChainFromBase, stageChainToBase, placedInstructions, chainCopies, originOf, resolvePath } from './stages';
export type { CopyInstruction } from './stages';
export { goBuildsFromBase } from './goBuilds';
export { parseImageRef, distrolessEndOfLife, isWindowsImage, runsAsRootByDefault, withLocalFacts } from './imageFacts';
export { argumentsOf, imageOf } from './instructions';
export { plainWrapper } from './convert/grounded';
export { startCommand } from './convert/common';
export { evaluateMarker, requirementLines } from './pythonWheels';
