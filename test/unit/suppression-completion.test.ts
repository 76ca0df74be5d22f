/** Completion of the suppression comment and of rule ids inside it (server/src/lsp/suppressionCompletion.ts). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { suppressionCompletion } from '../../server/src/lsp/suppressionCompletion';
import { RULES } from '../../server/src/engine/testing';

function at(text: string): { text: string; position: { line: number; character: number } } {
  const offset = text.indexOf('|');
  const clean = text.replace('|', '');
  const before = clean.slice(0, offset).split('\n');
  return { text: clean, position: { line: before.length - 1, character: before[before.length - 1].length } };
}

test('after "# distroless-ignore " every rule id, replacing the word being typed', () => {
  const { text, position } = at('FROM scratch\n# distroless-ignore run|\nCMD ["/app"]\n');
  const items = suppressionCompletion(text, position);
  assert.ok(items);
  assert.deepEqual(items.map((i) => i.label), RULES.map((r) => r.id));
  const runsAsRoot = items.find((i) => i.label === 'runs-as-root');
  assert.deepEqual(runsAsRoot?.textEdit, { range: { start: { line: 1, character: 20 }, end: { line: 1, character: 23 } }, newText: 'runs-as-root' });
  assert.match(String((runsAsRoot?.documentation as { value: string }).value), /effective user is root/);
});

test('ids already named are not offered again; the file form too', () => {
  const { text, position } = at('# distroless-ignore-file runs-as-root, debug-image-shipped |\nFROM scratch\n');
  const labels = suppressionCompletion(text, position)?.map((i) => i.label) ?? [];
  assert.equal(labels.includes('runs-as-root'), false);
  assert.equal(labels.includes('debug-image-shipped'), false);
  assert.equal(labels.length, RULES.length - 2);
});

test('"# dis" completes to the two comment forms', () => {
  const { text, position } = at('  # dis|\n');
  assert.deepEqual(suppressionCompletion(text, position)?.map((i) => i.textEdit), [
    { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } }, newText: 'distroless-ignore ' },
    { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } }, newText: 'distroless-ignore-file ' },
  ]);
});

test('elsewhere: nothing, so the Dockerfile completion answers', () => {
  for (const input of ['FROM scr|', '# a comment |', 'RUN echo "# distroless-ignore |"', '# distroless-ignorex |', '# do|']) {
    const { text, position } = at(input);
    assert.equal(suppressionCompletion(text, position), undefined, input);
  }
});
