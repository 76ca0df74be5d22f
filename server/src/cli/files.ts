/** Finding Dockerfiles named on the command line, and reading them with clear errors. */
import * as fs from 'fs';
import * as path from 'path';

const SKIP_DIRS = new Set(['node_modules', '.git', 'vendor', 'dist', 'out', '.venv', 'venv', '__pycache__', 'target']);

/** The names the extension associates with the dockerfile language. */
export function isDockerfileName(name: string): boolean {
  return /^(Dockerfile|Containerfile)$/i.test(name) || /\.dockerfile$/i.test(name) || /^(Dockerfile|Containerfile)\.[^/]+$/i.test(name);
}

export class InputError extends Error {}

/** Expands files and folders (recursively) into Dockerfile paths, in a stable order. */
export function collectDockerfiles(inputs: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    const full = path.resolve(cwd, input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw new InputError(`${input}: no such file or folder. Pass a Dockerfile or a folder that holds one.`);
    }
    if (stat.isDirectory()) {
      const found = walk(full);
      if (found.length === 0) throw new InputError(`${input}: no Dockerfile found in this folder (looked for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*).`);
      out.push(...found);
    } else {
      out.push(full);
    }
  }
  return [...new Set(out)];
}

function walk(dir: string): string[] {
  const found: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) found.push(...walk(full));
    } else if (entry.isFile() && isDockerfileName(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

/** Reads a Dockerfile as text, refusing what is clearly not one. */
export function readDockerfile(file: string, display: string): string {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code ?? String(error);
    throw new InputError(`${display}: cannot read the file (${why}). Check the path and its permissions.`);
  }
  if (buffer.includes(0)) throw new InputError(`${display}: this is a binary file, not a Dockerfile. Pass a Dockerfile's path.`);
  return buffer.toString('utf8').replace(/^\uFEFF/, '');
}
