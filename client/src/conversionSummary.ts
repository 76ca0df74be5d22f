/** Plain text about a proposed conversion, for its notification; no vscode, unit-tested. */

/**
 * One line on what the conversion changes besides moving the shipped stage to the
 * distroless image: the build stage's image, and instructions left out of the runtime.
 */
export function otherChanges(original: string, converted: string, runtimeImage: string, dropped: number): string {
  const builder = builderChange(original, converted, runtimeImage);
  const parts: string[] = [];
  if (builder) parts.push(`the build stage moves from ${builder.from} to ${builder.to}`);
  if (dropped > 0) parts.push(`${dropped} instruction${dropped === 1 ? '' : 's'} stay${dropped === 1 ? 's' : ''} out of the runtime image (listed in a comment)`);
  return parts.join('; ');
}

/** The build stage's image before and after, when the conversion changes it (`node:latest` to `node:24`). */
export function builderChange(original: string, converted: string, runtimeImage: string): { from: string; to: string } | undefined {
  const images = (text: string) => [...text.matchAll(/^\s*FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => m[1]!);
  const before = images(original);
  const builder = images(converted).find((image) => image !== runtimeImage);
  return builder && before.length > 0 && !before.includes(builder) ? { from: before[0]!, to: builder } : undefined;
}

/** The diff's title: the runtime image, and the build stage's new image when it changes. */
export function diffTitle(name: string, original: string, converted: string, runtimeImage: string): string {
  const builder = builderChange(original, converted, runtimeImage);
  return `${name} ↔ distroless (${runtimeImage})${builder ? `, build stage ${builder.from} → ${builder.to}` : ''}`;
}
