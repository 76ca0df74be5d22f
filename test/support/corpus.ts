/**
 * The shared corpus lives beside the repository (../shared/corpus), not in it. Tests
 * run from out/test/..., from the repo root or from elsewhere: walk up until found.
 */
import * as fs from 'fs';
import * as path from 'path';

function findUp(start: string, relative: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function corpusDir(): string {
  const found = findUp(process.cwd(), path.join('shared', 'corpus', 'dockerfiles')) ?? findUp(__dirname, path.join('shared', 'corpus', 'dockerfiles'));
  if (!found) throw new Error('shared/corpus/dockerfiles not found above the working directory or the test folder');
  return found;
}

export function corpusFiles(): Array<{ name: string; text: string }> {
  const dir = corpusDir();
  return fs.readdirSync(dir).sort().map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

/** The repository root (the folder with package.json), for files tests write back, like snapshots. */
export function repoRoot(): string {
  const found = findUp(__dirname, 'package.json');
  if (!found) throw new Error('package.json not found above the test folder');
  return path.dirname(found);
}
