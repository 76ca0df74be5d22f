/** Plain text about a proposed conversion, for its notification; no vscode, unit-tested. */

/**
 * One line on what the conversion changes besides moving the shipped stage to the
 * distroless image: the build stage's image, and instructions left out of the runtime.
 */
export function otherChanges(original: string, converted: string, runtimeImage: string, dropped: number): string {
  const images = (text: string) => [...text.matchAll(/^\s*FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => m[1]!);
  const before = images(original);
  const builder = images(converted).find((image) => image !== runtimeImage);
  const parts: string[] = [];
  if (builder && before.length > 0 && !before.includes(builder)) parts.push(`the build stage moves from ${before[0]} to ${builder}`);
  if (dropped > 0) parts.push(`${dropped} instruction${dropped === 1 ? '' : 's'} stay${dropped === 1 ? 's' : ''} out of the runtime image (listed in a comment)`);
  return parts.join('; ');
}
