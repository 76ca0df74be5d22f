/**
 * docs/rules.md is checked against the engine: a section per rule whose heading gives
 * the anchor diagnostics link to, and every example raises exactly the rules its
 * `<!-- expect: ... -->` marker lists.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { lint } from '../../server/src/engine/testing';
import { RULES } from '../../server/src/engine/testing';
import { ruleDocUrl } from '../../server/src/engine/testing';
import { repoRoot } from '../support/corpus';
import { FACTS_DATE } from '../support/ruleTable';

const DOC = fs.readFileSync(path.join(repoRoot(), 'docs', 'rules.md'), 'utf8');

/** GitHub's anchor for a heading: lower-case, punctuation dropped, spaces to dashes. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

interface Example {
  line: number;
  expect: string[];
  dockerfile: string;
  section: string;
}

function examples(): Example[] {
  const out: Example[] = [];
  const lines = DOC.split('\n');
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.+)$/.exec(lines[i]);
    if (heading) section = anchor(heading[1]);
    if (lines[i].trim() !== '```dockerfile') continue;
    const marker = /^<!-- expect: (.*) -->$/.exec(lines[i - 1]?.trim() ?? '');
    assert.ok(marker, `docs/rules.md:${i + 1}: a dockerfile block needs an <!-- expect: ... --> marker on the line above`);
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `docs/rules.md:${i + 1}: unterminated block`);
    const expect = marker[1].trim() === 'none' ? [] : marker[1].split(',').map((s) => s.trim()).sort();
    out.push({ line: i + 1, expect, dockerfile: `${lines.slice(i + 1, end).join('\n')}\n`, section });
    i = end;
  }
  return out;
}

test('every rule has a section whose anchor the diagnostics link to', () => {
  const anchors = new Set([...DOC.matchAll(/^## (.+)$/gm)].map((m) => anchor(m[1])));
  for (const id of RULES.map((r) => r.id)) {
    assert.ok(anchors.has(id), `docs/rules.md has "## ${id}"`);
    assert.ok(ruleDocUrl(id).endsWith(`docs/rules.md#${id}`));
  }
});

test('every section has a failing example that raises its own rule and a fixed one that does not', () => {
  const all = examples();
  for (const id of RULES.map((r) => r.id)) {
    const own = all.filter((e) => e.section === id);
    assert.ok(own.some((e) => e.expect.includes(id)), `${id}: an example raising it`);
    assert.ok(own.some((e) => !e.expect.includes(id)), `${id}: a fixed example`);
  }
});

for (const example of examples()) {
  test(`docs/rules.md:${example.line} (${example.section}) raises exactly ${example.expect.join(', ') || 'nothing'}`, () => {
    const { diagnoses } = lint(example.dockerfile, { today: FACTS_DATE });
    assert.deepEqual([...new Set(diagnoses.map((d) => d.ruleId))].sort(), example.expect);
  });
}
