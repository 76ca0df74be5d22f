/**
 * lint() given the tree already parsed (the CLI parses each file once to find its base
 * images, then lints that tree) finds exactly what lint() of the text alone finds, on
 * every corpus file, and a tree linted twice gives the same answer both times.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildModel, lint, type Diagnosis } from '../../server/src/engine/testing';
import { corpusFiles } from '../support/corpus';
import { FACTS_DATE } from '../support/ruleTable';

/** What a report shows of a finding; fixes are left pending (reading them would plan conversions). */
function shown(diagnoses: Diagnosis[]): string[] {
  return diagnoses.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${d.ruleId} ${d.message}`);
}

const files = corpusFiles();

test('the corpus is there', () => {
  assert.ok(files.length > 100, `expected the shared corpus, found ${files.length} files`);
});

for (const file of files) {
  test(`corpus ${file.name}: lint of a parsed tree finds what lint of the text finds`, () => {
    const options = { today: FACTS_DATE };
    const expected = shown(lint(file.text, options).diagnoses);
    const parsed = buildModel(file.text).dockerfile;
    assert.deepEqual(shown(lint(file.text, options, parsed).diagnoses), expected);
    assert.deepEqual(shown(lint(file.text, options, parsed).diagnoses), expected, 'the same tree linted again');
  });
}
