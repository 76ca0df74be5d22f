/** Where tests find the repository: compiled tests run from out/test/..., so walk up. */
import * as fs from 'fs';
import * as path from 'path';

export function findUp(start: string, relative: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The repository root. Marked by esbuild.mjs rather than package.json, because tsc
 * copies package.json into out/ (the CLI imports its version from it).
 */
export const REPO_ROOT: string = (() => {
  const found = findUp(__dirname, 'esbuild.mjs');
  if (!found) throw new Error('esbuild.mjs not found above the test folder');
  return path.dirname(found);
})();

export function repoRoot(): string {
  return REPO_ROOT;
}
