/**
 * The shared corpus lives beside the repository (../shared/corpus), not in it. Tests
 * run from out/test/..., from the repo root or from elsewhere: walk up until found.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findUp } from './paths';


function findCorpus(): string | undefined {
  return findUp(process.cwd(), path.join('shared', 'corpus', 'dockerfiles')) ?? findUp(__dirname, path.join('shared', 'corpus', 'dockerfiles'));
}

/**
 * The reason corpus tests skip, or false when they run. A clone without the corpus
 * beside it (someone's laptop) skips them with this reason; with CI=true they run
 * and fail on the empty corpus, so CI never passes without having read it.
 */
export const CORPUS_SKIP: string | false = findCorpus() || process.env.CI === 'true'
  ? false
  : 'the shared corpus (../shared/corpus/dockerfiles) is not beside this checkout; these tests read real Dockerfiles from there';

export function corpusDir(): string {
  const found = findCorpus();
  if (!found) throw new Error('shared/corpus/dockerfiles not found above the working directory or the test folder');
  return found;
}

export interface CorpusFile {
  name: string;
  text: string;
  /** The folder the Dockerfile sits in with the files beside it (realworld only). */
  folder?: string;
}

/** Both corpora: the flat dockerfiles/ and realworld/ (Dockerfiles at their repository paths, files beside them). */
export function corpusFiles(): CorpusFile[] {
  // Missing corpus: no files, so that test files load; CORPUS_SKIP decides skip or fail.
  if (!findCorpus()) return [];
  const dir = corpusDir();
  const flat = fs.readdirSync(dir).sort().map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
  return [...flat, ...realworldFiles()];
}

function isDockerfileName(name: string): boolean {
  return /^(?:Dockerfile|Containerfile)(?:[.-].*)?$|\.(?:Dockerfile|dockerfile|Containerfile)$/.test(name);
}

export function realworldFiles(): CorpusFile[] {
  if (!findCorpus()) return [];
  const root = path.join(path.dirname(corpusDir()), 'realworld');
  if (!fs.existsSync(root)) return [];
  const out: CorpusFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && isDockerfileName(entry.name)) {
        out.push({ name: `realworld/${path.relative(root, full).split(path.sep).join('/')}`, text: fs.readFileSync(full, 'utf8'), folder: dir });
      }
    }
  };
  walk(root);
  return out;
}

/** One Dockerfile of the real-world corpus by its path under realworld/ (as the snapshot names it, without the prefix). */
export function realworldFile(relative: string): string {
  return fs.readFileSync(path.join(path.dirname(corpusDir()), 'realworld', relative), 'utf8');
}

export { repoRoot } from './paths';
