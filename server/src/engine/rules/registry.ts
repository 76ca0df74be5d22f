/** Every rule, in documentation order. Adding a rule: one file, one test file, one line here. */
import type { Rule } from '../types';
import { finalStageFullOs } from './finalStageFullOs';
import { runsAsRoot } from './runsAsRoot';
import { shellFormInShelllessStage } from './shellFormInShelllessStage';
import { runtimeEntrypointDuplicated } from './runtimeEntrypointDuplicated';
import { distrolessEndOfLife } from './distrolessEndOfLife';
import { goCgoEnabledForStatic } from './goCgoEnabledForStatic';

export const RULES: readonly Rule[] = [
  finalStageFullOs,
  shellFormInShelllessStage,
  runtimeEntrypointDuplicated,
  runsAsRoot,
  distrolessEndOfLife,
  goCgoEnabledForStatic,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
