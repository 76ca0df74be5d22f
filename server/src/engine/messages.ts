/**
 * How a diagnostic message is laid out. The first line is the headline: what is wrong
 * and what to do, at most HEADLINE_MAX characters. It is the whole message editors and
 * the CLI's text output show (lsp/diagnostics.ts, cli/report.ts), one line as lists
 * need. The lines after it are the why and the details: the hover at the diagnostic
 * and the JSON/SARIF reports (`details`) carry them.
 */
export const HEADLINE_MAX = 100;

/** A message from its headline and the sentences that explain it. */
export function explained(headline: string, ...details: string[]): string {
  const rest = details.map((d) => d.trim()).filter((d) => d !== '').join(' ');
  if (rest === '') return headline;
  // Rules build details from parts; a plain leading word is capitalised, an image reference is not.
  const detail = /^[a-z]+\s/.test(rest) ? rest.charAt(0).toUpperCase() + rest.slice(1) : rest;
  return `${headline}\n${detail}`;
}

/** The first line of a message. */
export function headlineOf(message: string): string {
  const newline = message.indexOf('\n');
  return newline < 0 ? message : message.slice(0, newline);
}

/** The explanation after the headline ('' when there is none). */
export function detailOf(message: string): string {
  const newline = message.indexOf('\n');
  return newline < 0 ? '' : message.slice(newline + 1);
}

/**
 * Shortens a name interpolated into a headline (an image reference, a command line)
 * so that the headline stays within HEADLINE_MAX; the detail carries it whole.
 */
export function clip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Closest candidate by edit distance, for "did you mean"; undefined when none is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** An image reference without its registry, path and digest (`python:3.12`, `static-debian13:nonroot`), clipped, for headlines. */
export function shortImage(reference: string, max = 30): string {
  const name = reference.replace(/@[^@]*$/, '');
  return clip(name.split('/').pop() ?? name, max);
}
