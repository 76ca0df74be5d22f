/**
 * The job summary's diff (unifiedDiff.ts) is a real unified diff: `git apply` turns
 * the original into the converted text, for the corpus's convertible files and for
 * edits at the start, middle and end with hunks near and far apart.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { convert } from '../../../server/src/engine/testing';
import { unifiedDiff } from '../../../server/src/cli/unifiedDiff';
import { CORPUS_SKIP, corpusFiles } from '../../support/corpus';

function applies(before: string, after: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-diff-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), before);
  const diff = unifiedDiff(before, after, 'Dockerfile');
  assert.ok(diff, 'a diff');
  fs.writeFileSync(path.join(dir, 'change.diff'), diff);
  execFileSync('git', ['apply', 'change.diff'], { cwd: dir, stdio: 'pipe' });
  assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), after);
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `LABEL line${i + 1}=x`).join('\n') + '\n';

test('equal texts: no diff', () => {
  assert.equal(unifiedDiff('FROM a\n', 'FROM a\n', 'Dockerfile'), '');
});

test('exact hunks: a changed line with context, removals before additions', () => {
  assert.equal(unifiedDiff('FROM a\nRUN x\nCMD ["b"]\n', 'FROM a\nRUN y\nCMD ["b"]\n', 'Dockerfile'), '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n FROM a\n-RUN x\n+RUN y\n CMD ["b"]\n');
});

test('git apply reproduces the new text: start, middle, end, near and far hunks', () => {
  const base = lines(30);
  const cases = [
    base.replace('line1=', 'first='),
    base.replace('line30=x\n', 'line30=x\nUSER 65532\n'),
    base.replace('line10=x\n', '').replace('line12=', 'twelve='),
    base.replace('line2=', 'two=').replace('line25=', 'twentyfive='),
    `FROM scratch\n${base}`,
    '',
    base.replace(/\n$/, ''),
    base.replace(/\n/g, '\r\n'),
  ];
  for (const after of cases) applies(base, after);
});

test('both corpora: git apply of the diff gives the converted Dockerfile', { skip: CORPUS_SKIP }, () => {
  let applied = 0;
  for (const file of corpusFiles()) {
    const result = convert(file.text);
    if (!result.ok || !result.changed) continue;
    applies(file.text, result.text);
    applied++;
  }
  assert.ok(applied > 30, `files converted (${applied})`);
});
