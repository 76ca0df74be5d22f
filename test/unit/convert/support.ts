/** Checks every converted file must pass: idempotent, lint-clean, and no new syntax errors. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { validate } from 'dockerfile-utils';
import { convert } from '../../../server/src/engine/testing';
import { lint } from '../../../server/src/engine/testing';
import type { WorkspaceFiles } from '../../../server/src/engine/testing';
import { FACTS_DATE, memoryWorkspace } from '../../support/ruleTable';

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

/** One conversion case: the exact text it converts to, or the exact reason it is refused. */
export interface ConversionCase {
  name: string;
  dockerfile: string;
  /** Files beside the Dockerfile, by relative path. */
  files?: Record<string, string>;
  refusal?: string;
  language?: string;
  runtimeImage?: string;
  expected?: string;
}

/** A test per case, named `<prefix>: <name>`; converted files must also pass assertCleanConversion. */
export function conversionCaseTests(prefix: string, cases: ConversionCase[]): void {
  for (const c of cases) {
    test(`${prefix}: ${c.name}`, () => {
      const workspace = c.files ? memoryWorkspace(c.files) : undefined;
      const result = convert(c.dockerfile, { workspace });
      if (c.refusal !== undefined) {
        assert.equal(result.ok, false, 'refused');
        if (!result.ok) assert.equal(result.reason, c.refusal);
        return;
      }
      assert.ok(result.ok, result.ok ? '' : result.reason);
      assert.equal(result.text, c.expected);
      assert.equal(result.language, c.language);
      assert.equal(result.runtimeImage, c.runtimeImage);
      assertCleanConversion(c.dockerfile, result.text, { workspace, today: FACTS_DATE });
    });
  }
}
