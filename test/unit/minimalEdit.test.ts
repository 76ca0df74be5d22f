import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { minimalEdit } from '../../server/src/lsp/diagnostics';
import { applyEdits } from '../../server/src/engine/testing';

const pairs: Array<[string, string]> = [
  ['a\nb\nc\n', 'a\nB\nc\n'],
  ['a\nb\nc\n', 'a\nb\nc\nd\n'],
  ['a\nb\nc', 'a\nb\nc\nd'],
  ['a\nb\nc', 'a\nb'],
  ['a\nb\nc', 'x'],
  ['', 'FROM scratch\n'],
  ['FROM scratch\n', ''],
  ['a\nb\n', 'z\na\nb\n'],
  ['a\r\nb\r\n', 'a\r\nc\r\n'],
  ['same\nlines\nsame\n', 'same\nsame\n'],
];

for (const [before, after] of pairs) {
  test(`minimal edit turns ${JSON.stringify(before)} into ${JSON.stringify(after)}`, () => {
    const edit = minimalEdit(before, after);
    assert.ok(edit);
    assert.equal(applyEdits(before, [edit]), after);
  });
}

test('no edit when nothing changed', () => {
  assert.equal(minimalEdit('a\n', 'a\n'), undefined);
});
