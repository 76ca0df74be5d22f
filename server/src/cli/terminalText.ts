/**
 * Text that did not come from us (file names, a container's user names, link targets,
 * Dockerfile text quoted in a message), made safe for a terminal: control characters
 * (escape sequences that recolour, move the cursor or retitle the window; line breaks
 * that would forge rows of their own), C1 controls and bidirectional overrides are
 * shown as escapes (`\x1b`, `\n`, `\u202e`) instead of acting.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** Names also: a backslash, and the bytes of a name that is not UTF-8 (docker/files.ts decodeFileName). */
const UNSAFE_IN_NAMES = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u{10ff80}-\u{10ffff}]/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.codePointAt(0) as number;
  const byte = code >= 0x10ff80 ? code - 0x10ff00 : code;
  return byte <= 0xff ? `\\x${byte.toString(16).padStart(2, '0')}` : `\\u${byte.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with its unsafe characters escaped. `names`: a backslash is doubled too, as
 * `ls -b` does, so a name that contains a real `\n` cannot be told from one with a line
 * break, and a byte of a name that is not UTF-8 shows as `\xe9`.
 */
export function terminalText(text: string, options: { names?: boolean } = {}): string {
  return text.replace(options.names ? UNSAFE_IN_NAMES : UNSAFE, escapeOne);
}
