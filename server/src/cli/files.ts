/** Finding Dockerfiles named on the command line, and reading them with clear errors. */
import * as fs from 'fs';
import * as path from 'path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { describeErrno } from '../host/atomicWrite';

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
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new InputError(`${input}: the path is a loop of symbolic links, so there is no file at its end. Fix the links, or pass the Dockerfile itself.`);
      if (code === 'EACCES') throw new InputError(`${input}: cannot look at it (permission denied). Check the permissions of the path's folders.`);
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
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    const { cause, advice } = describeErrno((error as NodeJS.ErrnoException).code, 'read');
    throw new InputError(`${dir}: cannot list the folder (${cause}). ${advice}`);
  }
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

/** A Dockerfile's text and what is needed to write it back with every other byte as it was. */
export interface DockerfileSource {
  /** The text without a byte-order mark. */
  text: string;
  /** The file started with a UTF-8 byte-order mark. */
  bom: boolean;
  /** Set when the bytes are not valid UTF-8: the first line (1-based) with a byte that is not. */
  invalidUtf8Line?: number;
}

/** What a path is, in words, when it is not a regular file. */
function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function readError(display: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return new InputError(`${display}: the path is a loop of symbolic links, so there is no file at its end. Fix the links, or pass the Dockerfile itself.`);
  const { cause, advice } = describeErrno(code, 'read');
  return new InputError(`${display}: cannot read the file (${cause}). ${advice}`);
}

/**
 * Reads a Dockerfile, refusing what is clearly not one. Only regular files are read:
 * a named pipe or a device could block forever, so it is refused before it is opened
 * for reading (and opened without blocking, in case it was swapped in between).
 */
export function readDockerfileSource(file: string, display: string): DockerfileSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw readError(display, error);
  }
  if (!stat.isFile()) throw new InputError(`${display}: this is ${kindOf(stat)}, not a file; only regular files are read. Pass a Dockerfile's path.`);
  let buffer: Buffer;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) throw new InputError(`${display}: this is ${kindOf(opened)}, not a file; only regular files are read. Pass a Dockerfile's path.`);
    buffer = fs.readFileSync(fd);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw readError(display, error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return decodeDockerfile(buffer, display);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Refuses binary and empty input, the two ways a wrong path shows up as "no findings". */
export function decodeDockerfile(buffer: Buffer, display: string): DockerfileSource {
  if (buffer.includes(0)) throw new InputError(`${display}: this is a binary file, not a Dockerfile. Pass a Dockerfile's path.`);
  const bom = buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  const body = bom ? buffer.subarray(3) : buffer;
  let text: string;
  let invalidUtf8Line: number | undefined;
  try {
    text = strictUtf8.decode(body);
  } catch {
    text = body.toString('utf8');
    invalidUtf8Line = firstInvalidUtf8Line(body);
  }
  if (text.trim() === '') throw new InputError(`${display}: the file is empty. A Dockerfile needs at least a FROM instruction; pass the right file.`);
  return { text, bom, invalidUtf8Line };
}

function firstInvalidUtf8Line(body: Buffer): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === 0x0a) {
      try {
        strictUtf8.decode(body.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

/**
 * Throws unless the file can be rewritten with every byte outside the edits kept:
 * text decoded from bytes that are not UTF-8 would come back changed (U+FFFD).
 */
export function assertEditable(source: DockerfileSource, display: string, what: string): void {
  if (source.invalidUtf8Line === undefined) return;
  throw new InputError(
    `${display}: not ${what}: the file is not valid UTF-8 (line ${source.invalidUtf8Line}), and writing it back would change bytes no edit touches. ` +
      'Convert it to UTF-8 first (e.g. iconv -f latin1 -t utf-8), then run again.',
  );
}

/** The bytes to write back: the byte-order mark kept, the text as UTF-8. */
export function encodeDockerfile(source: DockerfileSource, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return source.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}
