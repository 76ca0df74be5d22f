/** Finding Dockerfiles named on the command line, and reading them with clear errors. */
import * as fs from 'fs';
import * as path from 'path';
import { globSync, isDynamicPattern } from 'tinyglobby';

const SKIP_DIRS = new Set(['node_modules', '.git', 'vendor', 'dist', 'out', '.venv', 'venv', '__pycache__', 'target']);

import { isDockerfileName } from '../protocol';

export { isDockerfileName };

export class InputError extends Error {}

/**
 * Expands files, folders (recursively) and glob patterns into Dockerfile paths, in a
 * stable order. A path that exists is taken as a path even if it contains glob
 * characters; otherwise a pattern is matched relative to `cwd`, so patterns the shell
 * did not expand (quoted, or on Windows) work the same.
 */
export function collectDockerfiles(inputs: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    const full = path.resolve(cwd, input);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(full);
    } catch {
      stat = undefined;
    }
    if (!stat) {
      if (!isDynamicPattern(input)) throw new InputError(`${input}: no such file or folder. Pass a Dockerfile, a folder that holds one, or a glob pattern.`);
      out.push(...expandGlob(input, cwd));
    } else if (stat.isDirectory()) {
      out.push(...walkFolder(full, input));
    } else {
      out.push(full);
    }
  }
  return [...new Set(out)];
}

function walkFolder(full: string, input: string): string[] {
  const found = walk(full);
  if (found.length === 0) throw new InputError(`${input}: no Dockerfile found in this folder (looked for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*). Pass a folder that holds one, or the file itself.`);
  return found;
}

/** Files matched are linted whatever their name (the pattern chose them); folders matched are searched. */
function expandGlob(pattern: string, cwd: string): string[] {
  // Backslash escapes glob characters on POSIX; on Windows it can only be a separator.
  const matches = globSync(process.platform === 'win32' ? pattern.replace(/\\/g, '/') : pattern, {
    cwd,
    absolute: true,
    onlyFiles: false,
    dot: false,
    ignore: [...SKIP_DIRS].map((d) => `**/${d}/**`),
    expandDirectories: false,
  }).sort();
  const out: string[] = [];
  for (const match of matches) {
    const full = path.resolve(match);
    let isDirectory = false;
    try {
      isDirectory = fs.statSync(full).isDirectory();
    } catch {
      continue;
    }
    if (isDirectory) out.push(...walk(full));
    else out.push(full);
  }
  if (out.length === 0) throw new InputError(`${pattern}: the pattern matches no Dockerfile (relative to ${cwd}). Check the pattern, and quote it so the shell does not expand it.`);
  return out;
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
  return checkDockerfileText(buffer, display);
}

/** Refuses binary and empty input, the two ways a wrong path shows up as "no findings". */
export function checkDockerfileText(buffer: Buffer, display: string): string {
  if (buffer.includes(0)) throw new InputError(`${display}: this is a binary file, not a Dockerfile. Pass a Dockerfile's path.`);
  const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new InputError(`${display}: the file is empty. A Dockerfile needs at least a FROM instruction; pass the right file.`);
  return text;
}
