/**
 * Which rules fire where on every corpus file, compared with a committed snapshot so
 * that a change in behaviour shows up in review. Regenerate with
 * `npm run snapshot:update` (UPDATE_SNAPSHOT=1) and review the diff.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { lint } from '../../server/src/engine/testing';
import { CORPUS_SKIP, corpusFiles, repoRoot } from '../support/corpus';
import { FACTS_DATE } from '../support/ruleTable';
import { diskWorkspace } from '../../server/src/host/workspaceFiles';
import type { Fix } from '../../server/src/engine/testing';

function fixMark(fixes: Fix[]): string {
  if (fixes.length === 0) return '';
  return fixes.some((f) => f.fixAll !== false) ? ' (fix)' : ' (quick fix)';
}

const SNAPSHOT = path.join(repoRoot(), 'test', 'unit', 'corpus-snapshot.json');

test('rules fired on the corpus match the committed snapshot', { skip: CORPUS_SKIP }, () => {
  const actual: Record<string, string[]> = {};
  for (const file of corpusFiles()) {
    // Realworld files are linted with the files beside them, as the editor and the CLI do.
    const { diagnoses, failures } = lint(file.text, { today: FACTS_DATE, workspace: file.folder ? diskWorkspace(file.folder) : undefined });
    assert.deepEqual(failures.map((f) => f.ruleId), [], `no rule fails on ${file.name}`);
    // "(fix)": fix-all applies it; "(quick fix)": offered only for the user to pick.
    actual[file.name] = diagnoses.map((d) => `${d.ruleId}@${d.range.start.line + 1} ${d.severity}${fixMark(d.fixes)}`);
  }
  if (process.env.UPDATE_SNAPSHOT === '1') {
    fs.writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
    return;
  }
  assert.ok(fs.existsSync(SNAPSHOT), `${SNAPSHOT} is missing: run npm run snapshot:update`);
  const expected = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as Record<string, string[]>;
  assert.deepEqual(actual, expected);
});
