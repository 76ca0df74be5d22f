/**
 * Table-driven rule tests: a Dockerfile in, the exact diagnostics out (id, range,
 * severity), and the exact text after each fix; a fix applied twice changes nothing
 * and leaves no diagnostic of its rule at the same place.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lint, LintOptions, applyEdits, findRule, HEADLINE_MAX, headlineOf } from '../../server/src/engine/testing';
import type { WorkspaceFiles } from '../../server/src/engine/testing';

/** The date the image facts were read; end-of-life answers depend on it. */
export const FACTS_DATE = new Date('2026-11-22T12:00:00Z');

export interface ExpectedDiagnostic {
  /** `line:col-line:col`, 0-based as in LSP. */
  range: string;
  severity?: string;
  /** A fragment the message must contain. */
  message?: string;
  /** Exact text after the first (preferred) fix; undefined means no fix is offered. */
  fixed?: string;
  /** Whether that fix is applied by fix-all (and fix-on-save); checked when given. */
  fixAll?: boolean;
}

export interface RuleCase {
  name: string;
  dockerfile: string;
  expect: ExpectedDiagnostic[];
  options?: LintOptions;
  /** Files beside the Dockerfile, by relative path. */
  files?: Record<string, string>;
}

export function memoryWorkspace(files: Record<string, string>): WorkspaceFiles {
  return {
    readFile: (p) => files[p.replace(/^\.\//, '')],
    findFiles: (pattern, limit) => Object.keys(files).filter((f) => pattern.test(f.split('/').pop() ?? '')).slice(0, limit),
  };
}

export function formatRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function ruleTable(ruleId: string, cases: RuleCase[]): void {
  const rule = findRule(ruleId);
  assert.ok(rule, `rule ${ruleId} is registered`);
  for (const c of cases) {
    test(`${ruleId}: ${c.name}`, () => {
      const options: LintOptions = { today: FACTS_DATE, rules: [rule], ...c.options, ...(c.files ? { workspace: memoryWorkspace(c.files) } : {}) };
      const { diagnoses } = lint(c.dockerfile, options);
      const own = diagnoses.filter((d) => d.ruleId === ruleId);
      assert.deepEqual(own.map((d) => formatRange(d.range)), c.expect.map((e) => e.range), 'diagnostic ranges');
      own.forEach((d, i) => {
        const e = c.expect[i];
        assert.equal(d.severity, e.severity ?? rule.defaultSeverity, 'severity');
        const headline = headlineOf(d.message);
        assert.ok(headline.length <= HEADLINE_MAX, `headline of ${headline.length} characters (at most ${HEADLINE_MAX}): ${JSON.stringify(headline)}`);
        assert.ok(d.message.length > headline.length, 'the message explains its headline on the lines after it');
        if (e.message) assert.ok(d.message.includes(e.message), `message ${JSON.stringify(d.message)} should contain ${JSON.stringify(e.message)}`);
        const fix = d.fixes.find((f) => f.preferred) ?? d.fixes[0];
        if (e.fixed === undefined) {
          assert.equal(fix, undefined, `no fix expected, got ${fix?.title}`);
          return;
        }
        assert.ok(fix, 'a fix is offered');
        if (e.fixAll !== undefined) assert.equal(fix.fixAll !== false, e.fixAll, `fix "${fix.title}" is ${e.fixAll ? '' : 'not '}in fix-all`);
        const fixed = applyEdits(c.dockerfile, fix.edits);
        assert.equal(fixed, e.fixed, 'text after the fix');
        const again = lint(fixed, options).diagnoses.filter((x) => x.ruleId === ruleId && formatRange(x.range) === formatRange(d.range) && x.fixes.length > 0);
        assert.equal(again.length, 0, 'the fixed diagnostic is gone, so applying it twice changes nothing');
      });
    });
  }
}
