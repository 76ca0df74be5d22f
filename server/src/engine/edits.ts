/** Applying TextEdits to text, shared by fix-all, the CLI and tests. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range, TextEdit } from 'vscode-languageserver-types';

export function applyEdits(text: string, edits: TextEdit[]): string {
  const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  return TextDocument.applyEdits(document, edits);
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** True when two ranges share any character, or both insert at the same point. */
export function rangesOverlap(a: Range, b: Range): boolean {
  if (before(a.end, b.start) || before(b.end, a.start)) return false;
  const aEmpty = a.start.line === a.end.line && a.start.character === a.end.character;
  const bEmpty = b.start.line === b.end.line && b.start.character === b.end.character;
  // Touching end-to-start is fine unless one of them is an insertion at that very point.
  const touch = (x: Range, y: Range) => x.end.line === y.start.line && x.end.character === y.start.character;
  if ((touch(a, b) || touch(b, a)) && !aEmpty && !bEmpty) return false;
  return true;
}
