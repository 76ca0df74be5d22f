/** Checks every converted file must pass: idempotent, lint-clean, and no new syntax errors. */
import * as assert from 'node:assert/strict';
import { validate } from 'dockerfile-utils';
import { convert } from '../../../server/src/engine';
import { lint } from '../../../server/src/engine';
import type { WorkspaceFiles } from '../../../server/src/engine';

export interface CleanOptions {
  workspace?: WorkspaceFiles;
  target?: string;
  today: Date;
}

/** Syntax problems dockerfile-utils reports, as comparable strings (position-free). */
export function syntaxProblems(text: string): string[] {
  // Severity 1 is an error; warnings there are style (e.g. deprecated MAINTAINER) and predate the conversion.
  return validate(text).filter((d) => d.severity === 1).map((d) => d.message);
}

export function assertCleanConversion(original: string, converted: string, options: CleanOptions): void {
  const again = convert(converted, { workspace: options.workspace, target: options.target });
  assert.ok(again.ok && again.text === converted && !again.changed, 'converting twice changes nothing');
  const { diagnoses, failures } = lint(converted, { workspace: options.workspace, target: options.target, today: options.today });
  assert.deepEqual(failures, [], 'no rule throws on the converted file');
  const serious = diagnoses.filter((d) => d.severity === 'error' || d.severity === 'warning');
  assert.deepEqual(serious.map((d) => `${d.ruleId}: ${d.message}`), [], 'the converted file raises no warning or error');
  const before = new Set(syntaxProblems(original));
  const added = syntaxProblems(converted).filter((m) => !before.has(m));
  assert.deepEqual(added, [], 'the conversion adds no syntax error');
}
