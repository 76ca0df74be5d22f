/**
 * Every diagnostic message opens with a headline of at most HEADLINE_MAX characters
 * (what is wrong and what to do) and explains it on the lines after: the Problems
 * panel and the CLI's text output show only the headline. The rule tables check
 * each rule's own cases (test/support/ruleTable.ts); this checks real Dockerfiles
 * and the suppression checks.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lint } from '../../server/src/engine/testing';
import { clip, closest, detailOf, explained, HEADLINE_MAX, headlineOf } from '../../server/src/engine/testing';
import { CORPUS_SKIP, corpusFiles } from '../support/corpus';
import { FACTS_DATE } from '../support/ruleTable';

test('headlines on the corpus are at most 100 characters and explained below', { skip: CORPUS_SKIP }, () => {
  const long: string[] = [];
  let count = 0;
  for (const file of corpusFiles()) {
    for (const d of lint(file.text, { today: FACTS_DATE }).diagnoses) {
      count++;
      const headline = headlineOf(d.message);
      if (headline.length > HEADLINE_MAX) long.push(`${file.name} ${d.ruleId}: ${headline}`);
      assert.notEqual(detailOf(d.message), '', `${file.name} ${d.ruleId} has no explanation after its headline`);
    }
  }
  assert.ok(count > 100, `the corpus yields diagnostics (${count})`);
  assert.deepEqual(long, []);
});

test('suppression problems: headline, "did you mean" for a misspelled id, the known ids in the detail', () => {
  const { diagnoses } = lint('# distroless-ignore runs-as-rot\nFROM gcr.io/distroless/static-debian13:nonroot\n# distroless-ignore\nCMD ["/app"]\n# distroless-ignore-file no-such-rule-anywhere\n');
  const messages = diagnoses.filter((d) => d.ruleId === 'invalid-suppression').map((d) => headlineOf(d.message));
  assert.deepEqual(messages, [
    'Unknown rule id "runs-as-rot": did you mean "runs-as-root"?',
    'This suppression names no rule, so it silences nothing: add a rule id after it',
    'Unknown rule id "no-such-rule-anywhere" in this suppression: it silences nothing',
  ]);
  for (const d of diagnoses) assert.ok(headlineOf(d.message).length <= HEADLINE_MAX);
  assert.match(detailOf(diagnoses[0].message), /Known ids: .*runs-as-root/);
});

test('message helpers', () => {
  assert.equal(explained('Head', 'why one.', ' why two. '), 'Head\nWhy one. why two.');
  assert.equal(explained('Head'), 'Head');
  assert.equal(explained('Head', 'gcr.io/x is old.'), 'Head\ngcr.io/x is old.');
  assert.equal(clip('abcdef', 4), 'abc…');
  assert.equal(clip('abc', 4), 'abc');
  assert.equal(closest('runs-as-rot', ['runs-as-root', 'debug-image-shipped']), 'runs-as-root');
  assert.equal(closest('completely-different', ['runs-as-root']), undefined);
});
