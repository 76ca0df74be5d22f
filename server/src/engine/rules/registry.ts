/** Every rule, in documentation order. Adding a rule: one file, one test file, one line here. */
import type { Rule } from '../types';
import { finalStageFullOs } from './finalStageFullOs';
import { packageManagerInFinalStage } from './packageManagerInFinalStage';
import { attackToolsInFinalStage } from './attackToolsInFinalStage';
import { copyContextIntoFinalStage } from './copyContextIntoFinalStage';
import { shellFormInShelllessStage } from './shellFormInShelllessStage';
import { runInShelllessStage } from './runInShelllessStage';
import { healthcheckNeedsShell } from './healthcheckNeedsShell';
import { missingProgramInShelllessStage } from './missingProgramInShelllessStage';
import { runtimeEntrypointDuplicated } from './runtimeEntrypointDuplicated';
import { runsAsRoot } from './runsAsRoot';
import { userNotResolvable } from './userNotResolvable';
import { distrolessEndOfLife } from './distrolessEndOfLife';
import { distrolessUnpinnedRelease } from './distrolessUnpinnedRelease';
import { debugImageShipped } from './debugImageShipped';
import { goCgoEnabledForStatic } from './goCgoEnabledForStatic';
import { goBinaryNotStripped } from './goBinaryNotStripped';
import { muslBinaryOnGlibc } from './muslBinaryOnGlibc';
import { pythonAbiMismatch } from './pythonAbiMismatch';
import { nodeVersionMismatch } from './nodeVersionMismatch';
import { scratchMissingCaCertificates } from './scratchMissingCaCertificates';
import { scratchPreferStatic } from './scratchPreferStatic';
import { invalidSuppression } from './invalidSuppression';

export const RULES: readonly Rule[] = [
  finalStageFullOs,
  packageManagerInFinalStage,
  attackToolsInFinalStage,
  copyContextIntoFinalStage,
  shellFormInShelllessStage,
  runInShelllessStage,
  healthcheckNeedsShell,
  missingProgramInShelllessStage,
  runtimeEntrypointDuplicated,
  runsAsRoot,
  userNotResolvable,
  distrolessEndOfLife,
  distrolessUnpinnedRelease,
  debugImageShipped,
  goCgoEnabledForStatic,
  goBinaryNotStripped,
  muslBinaryOnGlibc,
  pythonAbiMismatch,
  nodeVersionMismatch,
  scratchMissingCaCertificates,
  scratchPreferStatic,
  invalidSuppression,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
