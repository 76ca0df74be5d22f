/**
 * The real-world corpus: conversion never throws, and every file it converts is
 * idempotent, lint-clean and adds no syntax error. Refusals must say something.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { convert } from '../../../server/src/engine/testing';
import { FACTS_DATE } from '../../support/ruleTable';
import { assertCleanConversion } from './support';

const CORPUS = path.resolve(__dirname, '../../../../../shared/corpus/dockerfiles');

test('corpus: convert never throws; converted files are clean', (t) => {
  if (!fs.existsSync(CORPUS)) {
    if (process.env.CI === 'true') assert.fail(`corpus missing at ${CORPUS}`);
    t.skip(`corpus not found at ${CORPUS}`);
    return;
  }
  const files = fs.readdirSync(CORPUS).sort();
  assert.ok(files.length > 100, 'the corpus is there');
  const counts = { converted: 0, unchanged: 0, refused: 0 };
  for (const file of files) {
    const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
    const result = convert(text, {});
    if (!result.ok) {
      counts.refused++;
      assert.ok(result.reason.length > 20, `${file}: a refusal says why`);
      continue;
    }
    if (!result.changed) {
      counts.unchanged++;
      assert.equal(result.text, text);
      continue;
    }
    counts.converted++;
    try {
      assertCleanConversion(text, result.text, { today: FACTS_DATE });
    } catch (error) {
      assert.fail(`${file}: ${(error as Error).message}\n--- converted:\n${result.text}`);
    }
  }
  t.diagnostic(`corpus: ${JSON.stringify(counts)}`);
  // The corpus holds many single-stage app Dockerfiles: a converter that refuses them all is broken.
  assert.ok(counts.converted >= 20, `at least 20 corpus files convert (got ${counts.converted})`);
});
