/**
 * Robustness on real Dockerfiles: no rule throws, every offered fix applies and
 * leaves a file that parses as well as before, and fix-all terminates.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { validate } from 'dockerfile-utils';
import { buildModel } from '../../server/src/engine/testing';
import { RULES } from '../../server/src/engine/testing';
import { applyEdits } from '../../server/src/engine/testing';
import { analyze, fixAll } from '../../server/src/engine/testing';
import { lint } from '../../server/src/engine/testing';
import type { Finding } from '../../server/src/engine/testing';
import { CORPUS_SKIP, corpusFiles } from '../support/corpus';
import { FACTS_DATE, formatRange } from '../support/ruleTable';

const files = corpusFiles();

/** Syntax errors by kind, positions left out since a fix moves them. */
function syntaxErrors(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of validate(text)) {
    if (d.severity !== 1) continue;
    const key = `${d.code}: ${d.message}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

function newErrors(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([k, n]) => n > (before.get(k) ?? 0)).map(([k]) => k);
}

function fromCount(text: string): number {
  return buildModel(text).dockerfile.getFROMs().length;
}

test('the corpus is there', { skip: CORPUS_SKIP }, () => {
  assert.ok(files.length >= 100, `found ${files.length} corpus files`);
});

for (const file of files) {
  test(`corpus ${file.name}: rules run, fixes apply cleanly, fix-all terminates`, () => {
    const model = buildModel(file.text);
    const errorsBefore = syntaxErrors(file.text);
    const froms = model.dockerfile.getFROMs().length;
    for (const rule of RULES) {
      let findings: Finding[];
      try {
        findings = rule.check({ model, today: FACTS_DATE, ruleIds: RULES.map((r) => r.id) });
      } catch (error) {
        assert.fail(`${rule.id} threw on ${file.name}: ${error instanceof Error ? error.stack : String(error)}`);
      }
      for (const finding of findings) {
        for (const fix of finding.fixes ?? []) {
          const fixed = applyEdits(file.text, fix.edits);
          assert.notEqual(fixed, file.text, `${rule.id} "${fix.title}" changes the file`);
          assert.deepEqual(newErrors(errorsBefore, syntaxErrors(fixed)), [], `${rule.id} "${fix.title}" adds no syntax error`);
          // The conversion adds a runtime stage; no fix may lose one.
          assert.ok(fromCount(fixed) >= froms, `${rule.id} "${fix.title}" keeps every FROM`);
          // The same fix must not be offered again at the same place: applying twice changes nothing.
          const again = lint(fixed, { today: FACTS_DATE, rules: [rule] }).diagnoses
            .filter((d) => formatRange(d.range) === formatRange(finding.range) && d.fixes.some((f) => f.title === fix.title));
          assert.deepEqual(again.map((d) => d.message), [], `${rule.id} "${fix.title}" is idempotent`);
        }
      }
    }
    const all = fixAll(analyze(file.text, { today: FACTS_DATE }));
    assert.deepEqual(newErrors(errorsBefore, syntaxErrors(all.text)), [], 'fix-all adds no syntax error');
    assert.equal(fromCount(all.text), froms, 'fix-all keeps every FROM');
    assert.equal(fixAll(analyze(all.text, { today: FACTS_DATE })).text, all.text, 'fix-all of a fixed file changes nothing');
  });
}
