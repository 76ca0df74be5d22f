/**
 * The shared corpus lives beside the repository (../shared/corpus), not in it. Tests
 * run from out/test/..., from the repo root or from elsewhere: walk up until found.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findUp } from './paths';


export function corpusDir(): string {
  const found = findUp(process.cwd(), path.join('shared', 'corpus', 'dockerfiles')) ?? findUp(__dirname, path.join('shared', 'corpus', 'dockerfiles'));
  if (!found) throw new Error('shared/corpus/dockerfiles not found above the working directory or the test folder');
  return found;
}

export function corpusFiles(): Array<{ name: string; text: string }> {
  const dir = corpusDir();
  return fs.readdirSync(dir).sort().map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

export { repoRoot } from './paths';
