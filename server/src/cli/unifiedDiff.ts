/**
 * A unified diff of two texts by lines (longest common subsequence), with three lines
 * of context: how the GitHub Action's job summary shows a converted Dockerfile.
 * Dockerfiles are short; the table is lines × lines, so larger inputs are refused.
 */
const CONTEXT = 3;
const MAX_LINES = 3000;

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

function operations(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // common[i][j]: the longest common subsequence of a[i..] and b[j..].
  const common: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', line: a[i], a: i++, b: j++ });
    // Removals before additions, as diff(1) writes a changed line.
    else if (i < n && (j === m || common[i + 1][j] >= common[i][j + 1])) ops.push({ kind: '-', line: a[i], a: i++, b: j });
    else ops.push({ kind: '+', line: b[j], a: i, b: j++ });
  }
  return ops;
}

/** Lines with their ends (`\n`, `\r\n`, or none on an unterminated last line), so those differences show too. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A diff line: the line as it was, or git's marker after one that has no line end. */
function diffLine(kind: string, line: string): string {
  return line.endsWith('\n') ? `${kind}${line}` : `${kind}${line}\n\\ No newline at end of file\n`;
}

/** The diff with `--- a/<name>` / `+++ b/<name>` headers; '' when the texts are equal, undefined when too long to compare. */
export function unifiedDiff(before: string, after: string, name: string): string | undefined {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length > MAX_LINES || b.length > MAX_LINES) return undefined;
  const ops = operations(a, b);
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return '';
  const out = [`--- a/${name}\n`, `+++ b/${name}\n`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - CONTEXT);
    let end = Math.min(ops.length, changed[k] + CONTEXT + 1);
    while (k + 1 < changed.length && changed[k + 1] - CONTEXT <= end) end = Math.min(ops.length, changed[++k] + CONTEXT + 1);
    k++;
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((op) => op.kind !== '+').length;
    const bCount = hunk.filter((op) => op.kind !== '-').length;
    const aStart = hunk[0].a + (aCount > 0 ? 1 : 0);
    const bStart = hunk[0].b + (bCount > 0 ? 1 : 0);
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@\n`, ...hunk.map((op) => diffLine(op.kind, op.line)));
  }
  return out.join('');
}
