/**
 * Read-only access to a container's files through the engine's archive API
 * (`HEAD`/`GET /containers/{id}/archive`), the API behind `docker cp`. No exec,
 * no shell, nothing started next to the target, so it works on shell-less
 * containers, on stopped ones, and on Podman's Docker-compatible API. Nothing
 * here writes to the container.
 *
 * Directory listings here read the tar stream's headers and skip file contents
 * (bounded): directoryListing.ts lists running containers without the tar and
 * falls back to this. A file's contents are streamed out of the tar as they arrive.
 */
import * as path from 'path';
import { Readable } from 'stream';
import type { IncomingMessage } from 'http';
import Docker from 'dockerode';
import { DockerError, engineMessage, statusCodeOf, TargetNotFoundError } from './errors';
import { checkContainerRef } from './references';

export type ContainerFileType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo' | 'socket' | 'other';

export interface ContainerFileEntry {
  name: string;
  type: ContainerFileType;
  /** Permission bits with setuid/setgid/sticky (e.g. 0o4755). */
  mode: number;
  uid: number;
  gid: number;
  /** Owner names as the engine recorded them (may be empty). */
  user: string;
  group: string;
  size: number;
  mtime: Date;
  /** For symlinks and hard links, as stored. */
  linkTarget?: string;
}

export interface ContainerPathStat {
  name: string;
  type: ContainerFileType;
  mode: number;
  size: number;
  mtime: Date;
  /** For a symlink: the absolute path it resolves to inside the container, as the engine reports it. */
  linkTarget?: string;
}

export class PathNotFoundError extends DockerError {
  constructor(
    readonly container: string,
    readonly filePath: string,
  ) {
    super('path-not-found', `No such file or directory in container "${container}": ${filePath}`);
    this.name = 'PathNotFoundError';
  }
}

/** Absolute, normalised, POSIX; refuses NUL (the engine would reject it anyway, with a worse message). */
/**
 * File names are bytes; most are UTF-8 and some are not (Latin-1 from an old system).
 * A name that is not valid UTF-8 keeps its bytes: ASCII as it is, every other byte as
 * one code point of U+10FF80-U+10FFFF (the end of a private-use plane no real name
 * uses), so the name can be shown, put in a URI, and turned back into the same bytes
 * when the engine is asked for that path (encodeFileName).
 */
const BYTE_BASE = 0x10ff00;

export function decodeFileName(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  if (!text.includes('\ufffd') || Buffer.from(text, 'utf8').equals(Buffer.from(bytes))) return text;
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : String.fromCodePoint(BYTE_BASE + b);
  return out;
}

/** A byte of a name that is not UTF-8, as decodeFileName writes it. */
const NOT_UTF8_BYTE = /[\u{10ff80}-\u{10ffff}]/u;

/** The bytes of a name decodeFileName made (UTF-8 for every other character). */
export function encodeFileName(name: string): Buffer {
  const parts: Buffer[] = [];
  let plain = '';
  for (const c of name) {
    const cp = c.codePointAt(0) as number;
    if (cp >= BYTE_BASE + 0x80 && cp <= BYTE_BASE + 0xff) {
      parts.push(Buffer.from(plain, 'utf8'), Buffer.from([cp - BYTE_BASE]));
      plain = '';
    } else plain += c;
  }
  parts.push(Buffer.from(plain, 'utf8'));
  return Buffer.concat(parts);
}

/** `path=<bytes>` percent-encoded byte for byte, for a query the engine decodes to the same bytes. */
function archiveQuery(archivePath: string): string {
  let out = 'path=';
  for (const b of encodeFileName(archivePath)) out += /[A-Za-z0-9\-_.~/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/**
 * GET or HEAD /containers/{id}/archive with the path's own bytes (dockerode would send
 * the UTF-8 of the JavaScript string, which is not the name when it was not UTF-8).
 */
function archiveRequest(docker: Docker, container: string, archivePath: string, method: 'GET' | 'HEAD', signal?: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // The modem drops the path's last character when no options follow: '&' is that character.
    (docker.modem as unknown as { dial(options: object, callback: (err: unknown, data: unknown) => void): void }).dial(
      {
        path: `/containers/${encodeURIComponent(container)}/archive?${archiveQuery(archivePath)}&`,
        method,
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 400: 'client error, bad parameters', 404: 'no such container', 500: 'server error' },
        options: {},
      },
      (err, data) => (err ? reject(err) : resolve(data)),
    );
  });
}

export function normalizeContainerPath(p: string): string {
  if (p.includes('\0')) throw new Error('a container path cannot contain NUL');
  return path.posix.normalize('/' + p).replace(/(.)\/+$/, '$1');
}

// Go's os.FileMode bits, which the engine puts in X-Docker-Container-Path-Stat.
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_DEVICE = 2 ** 26;
const GO_PIPE = 2 ** 25;
const GO_SOCKET = 2 ** 24;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_CHARDEV = 2 ** 21;
const GO_STICKY = 2 ** 20;

/** Decodes a Go os.FileMode into our type and Unix permission bits. */
export function fromGoFileMode(mode: number): { type: ContainerFileType; mode: number } {
  const has = (bit: number) => Math.floor(mode / bit) % 2 === 1;
  const type: ContainerFileType = has(GO_DIR)
    ? 'directory'
    : has(GO_SYMLINK)
      ? 'symlink'
      : has(GO_DEVICE)
        ? has(GO_CHARDEV) ? 'char-device' : 'block-device'
        : has(GO_PIPE)
          ? 'fifo'
          : has(GO_SOCKET)
            ? 'socket'
            : 'file';
  const perm = (mode % 0o1000) + (has(GO_SETUID) ? 0o4000 : 0) + (has(GO_SETGID) ? 0o2000 : 0) + (has(GO_STICKY) ? 0o1000 : 0);
  return { type, mode: perm };
}

async function notFoundOr(docker: Docker, err: unknown, container: string, filePath: string): Promise<Error> {
  if (statusCodeOf(err) === 404) {
    // 404 means "no such container" or "no such path" (dockerode labels both "no such container").
    const exists = await docker
      .getContainer(container)
      .inspect()
      .then(() => true)
      .catch((e: unknown) => statusCodeOf(e) !== 404);
    return exists ? new PathNotFoundError(container, filePath) : new TargetNotFoundError(container);
  }
  return new DockerError('sidecar-failed', `Could not read ${filePath} in container "${container}": ${engineMessage(err)}`, { cause: err });
}

/** What the engine knows about one path (HEAD /containers/{id}/archive). Throws PathNotFoundError, TargetNotFoundError. */
export async function statContainerPath(docker: Docker, container: string, filePath: string): Promise<ContainerPathStat> {
  container = checkContainerRef(container);
  const p = normalizeContainerPath(filePath);
  let res: IncomingMessage;
  try {
    res = (await archiveRequest(docker, container, p, 'HEAD')) as IncomingMessage;
  } catch (err) {
    throw await notFoundOr(docker, err, container, p);
  }
  res.resume?.();
  const header = res.headers?.['x-docker-container-path-stat'];
  if (typeof header !== 'string') throw new DockerError('sidecar-failed', `The engine did not describe ${p} in "${container}" (no X-Docker-Container-Path-Stat header).`);
  const raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { name: string; size: number; mode: number; mtime: string; linkTarget?: string };
  const { type, mode } = fromGoFileMode(raw.mode);
  return { name: raw.name, type, mode, size: raw.size, mtime: new Date(raw.mtime), linkTarget: raw.linkTarget || undefined };
}

/** Names and PAX records are read into memory; anything larger is not a tar we trust. */
const MAX_TAR_METADATA_BYTES = 1024 * 1024;

/**
 * How many bytes of file contents a directory listing lets go by. The engine's archive
 * API has no "names only": it sends every file under the directory, contents and all,
 * in name order, and a listing reads past the contents to reach the next header. Past
 * this many bytes the listing stops and says so (`incomplete`) instead of streaming a
 * 10 GB file to read the names after it.
 */
export const MAX_LISTING_CONTENT_BYTES = 64 * 1024 * 1024;

/**
 * A listing, why it stops early when it does, and which way it came: `helper` (stat
 * from a helper container, no contents moved; directoryListing.ts) or `archive`.
 */
export type ContainerDirectoryListing = ContainerFileEntry[] & { incomplete?: string; via?: 'helper' | 'archive' };

/**
 * The entries directly inside a directory (symlinks to directories followed),
 * sorted by name, from the archive API's tar headers. Throws PathNotFoundError,
 * TargetNotFoundError, or a DockerError when the path is not a directory. Stops after
 * `contentLimit` bytes of file contents went by (see MAX_LISTING_CONTENT_BYTES), with
 * `incomplete` set. listContainerDirectory (directoryListing.ts) comes here only
 * when no helper can list.
 */
export async function listDirectoryFromArchive(docker: Docker, container: string, dirPath: string, signal?: AbortSignal, contentLimit = MAX_LISTING_CONTENT_BYTES): Promise<ContainerDirectoryListing> {
  container = checkContainerRef(container);
  const p = normalizeContainerPath(dirPath);
  // "<dir>/." archives the directory's contents as "./name", following a symlinked directory.
  const notADirectory = () => new DockerError('sidecar-failed', `${p} in "${container}" is not a directory.`);
  let stream: Readable;
  try {
    stream = await openArchive(docker, container, p === '/' ? '/.' : `${p}/.`, p, signal);
  } catch (err) {
    if (/not a directory/i.test((err as Error).message)) throw notADirectory();
    throw err;
  }
  const entries: ContainerDirectoryListing = [];
  let sawSelf = false;
  let passed = 0;
  await parseTar(stream, (header) => {
    const name = header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    if (name === '' || name === '.') {
      sawSelf = true;
      if (header.type !== 'directory') throw notADirectory();
      return 'skip';
    }
    if (!name.includes('/')) entries.push(toEntry(header, name));
    if (header.type === 'file' && header.size > 0) {
      passed += header.size;
      if (passed > contentLimit) {
        const top = name.split('/')[0];
        entries.incomplete = `listing of ${p} stopped at ${top} after ${passed} bytes of file contents (${name} is ${header.size} bytes): the engine sends contents along with the names, so entries after it in name order are not shown`;
        return 'stop';
      }
    }
    return 'skip';
  });
  if (!sawSelf && entries.length === 0) {
    const stat = await statContainerPath(docker, container, p);
    if (stat.type !== 'directory') throw notADirectory();
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One entry as `ls -l` would describe the path itself (not followed), from its tar header. */
export async function describeContainerPath(docker: Docker, container: string, filePath: string): Promise<ContainerFileEntry> {
  container = checkContainerRef(container);
  const p = normalizeContainerPath(filePath);
  const stream = await openArchive(docker, container, p, p);
  let first: ContainerFileEntry | undefined;
  await parseTar(stream, (header) => {
    first ??= toEntry(header, p === '/' ? '/' : path.posix.basename(p));
    return 'stop';
  });
  if (!first) throw new PathNotFoundError(container, p);
  return first;
}

export interface ContainerFileStream {
  /** Size from the tar header, before any byte arrives. */
  size: number;
  stream: Readable;
}

/**
 * A regular file's contents, streamed (symlinks followed). Throws
 * PathNotFoundError, TargetNotFoundError, or a DockerError for a directory or
 * a special file.
 */
export async function readContainerFileStream(docker: Docker, container: string, filePath: string, signal?: AbortSignal): Promise<ContainerFileStream> {
  container = checkContainerRef(container);
  let p = normalizeContainerPath(filePath);
  const stat = await statContainerPath(docker, container, p);
  if (stat.type === 'symlink' && stat.linkTarget) p = normalizeContainerPath(stat.linkTarget);
  // The engine answers an empty archive for a single file whose name is not UTF-8; its
  // directory's archive holds it, after the siblings before it in name order.
  const wanted = NOT_UTF8_BYTE.test(p) ? path.posix.basename(p) : undefined;
  const archive = await openArchive(docker, container, wanted === undefined ? p : `${path.posix.dirname(p)}/.`, filePath, signal);
  let passed = 0;
  return new Promise<ContainerFileStream>((resolve, reject) => {
    let settled = false;
    const out = new Readable({ read: () => archive.resume() });
    parseTar(archive, (header) => {
      if (settled) return 'stop';
      if (wanted !== undefined && header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '') !== wanted) {
        if (header.type === 'file') passed += header.size;
        if (passed <= MAX_LISTING_CONTENT_BYTES) return 'skip';
        settled = true;
        reject(new DockerError('sidecar-failed', `${filePath} in "${container}" has a name that is not UTF-8, so it is read from its directory's archive, and more than ${MAX_LISTING_CONTENT_BYTES} bytes of other files come before it.`));
        return 'stop';
      }
      settled = true;
      if (header.type !== 'file') {
        reject(new DockerError('sidecar-failed', `${filePath} in "${container}" is a ${header.type === 'directory' ? 'directory' : header.type}, not a regular file.`));
        return 'stop';
      }
      resolve({ size: header.size, stream: out });
      return {
        data: (chunk) => {
          if (!out.push(chunk)) archive.pause();
        },
        end: () => out.push(null),
      };
    }).then(
      () => {
        if (!settled) reject(new PathNotFoundError(container, filePath));
      },
      (err: unknown) => {
        if (!settled) reject(err);
        else out.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
    out.on('close', () => archive.destroy());
  });
}

async function openArchive(docker: Docker, container: string, archivePath: string, shownPath: string, signal?: AbortSignal): Promise<Readable> {
  try {
    return (await archiveRequest(docker, container, archivePath, 'GET', signal)) as Readable;
  } catch (err) {
    throw await notFoundOr(docker, err, container, shownPath);
  }
}

function toEntry(h: TarHeader, name: string): ContainerFileEntry {
  return {
    name,
    type: h.type,
    mode: h.mode & 0o7777,
    uid: h.uid,
    gid: h.gid,
    user: h.uname,
    group: h.gname,
    size: h.type === 'file' ? h.size : 0,
    mtime: new Date(h.mtime * 1000),
    linkTarget: h.type === 'symlink' || h.type === 'hardlink' ? h.linkname : undefined,
  };
}

// ---- a streaming tar reader: ustar, GNU long names, PAX records ----

export interface TarHeader {
  name: string;
  type: ContainerFileType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  uname: string;
  gname: string;
}

/** 'skip' the entry's data, 'stop' reading, or take its data chunk by chunk. */
export type TarVisit = 'skip' | 'stop' | { data(chunk: Buffer): void; end(): void };

const TYPES: Record<string, ContainerFileType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
};

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return decodeFileName(raw.subarray(0, nul < 0 ? raw.length : nul));
}

function numeric(block: Buffer, offset: number, length: number): number {
  const raw = block.subarray(offset, offset + length);
  if (raw[0]! & 0x80) {
    // GNU base-256 for values that do not fit in octal (files over 8 GiB).
    let value = raw[0]! & 0x7f;
    for (let i = 1; i < raw.length; i++) value = value * 256 + raw[i]!;
    return value;
  }
  const text = field(block, offset, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const len = Number(data.subarray(i, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) break;
    // Go's archive/tar writes a name's bytes as they are, valid UTF-8 or not.
    const record = decodeFileName(data.subarray(space + 1, i + len - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

/**
 * Reads a tar stream, calling `visit` once per entry. Resolves when the archive
 * ends or `visit` says stop (the source is destroyed then).
 */
export function parseTar(source: Readable, visit: (header: TarHeader) => TarVisit): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    // Bytes of the current entry's data still to come, and of padding after it.
    let remaining = 0;
    let padding = 0;
    let sink: Exclude<TarVisit, 'skip' | 'stop'> | undefined;
    let meta: 'pax' | 'longname' | 'longlink' | undefined;
    let metaChunks: Buffer[] = [];
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    let longLink: string | undefined;
    let done = false;

    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      if (!err && sink && remaining > 0) err = new Error('the archive ended in the middle of a file');
      source.removeListener('data', onData);
      if (err) reject(err);
      else resolve();
    };
    const stop = () => {
      finish();
      source.destroy();
    };

    const onData = (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      try {
        while (!done) {
          if (remaining > 0) {
            if (buffered.length === 0) return;
            const take = Math.min(remaining, buffered.length);
            const piece = buffered.subarray(0, take);
            buffered = buffered.subarray(take);
            remaining -= take;
            if (meta) metaChunks.push(Buffer.from(piece));
            else sink?.data(Buffer.from(piece));
            if (remaining === 0) endEntry();
            continue;
          }
          if (padding > 0) {
            const take = Math.min(padding, buffered.length);
            buffered = buffered.subarray(take);
            padding -= take;
            if (padding > 0) return;
            continue;
          }
          if (buffered.length < 512) return;
          const block = buffered.subarray(0, 512);
          buffered = buffered.subarray(512);
          if (block.every((b) => b === 0)) {
            // End-of-archive marker; the engine may keep the connection open a moment.
            stop();
            return;
          }
          startEntry(Buffer.from(block));
        }
      } catch (err) {
        finish(err);
        source.destroy();
      }
    };

    const startEntry = (block: Buffer) => {
      const typeflag = String.fromCharCode(block[156]!);
      const size = numeric(block, 124, 12);
      padding = 0;
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        meta = typeflag === 'L' ? 'longname' : typeflag === 'K' ? 'longlink' : 'pax';
        if (typeflag === 'g') meta = 'pax';
        // Kept in memory: a name or a PAX record set, never megabytes.
        if (size > MAX_TAR_METADATA_BYTES) throw new Error(`a tar metadata entry of ${size} bytes (more than ${MAX_TAR_METADATA_BYTES})`);
        metaChunks = [];
        remaining = size;
        padding = (512 - (size % 512)) % 512;
        if (remaining === 0) endEntry();
        return;
      }
      const magic = field(block, 257, 6);
      // POSIX ustar splits long names into prefix + name; old GNU ("ustar  ") has no prefix field.
      const prefix = magic === 'ustar' ? field(block, 345, 155) : '';
      const name = longName ?? pax.path ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
      const header: TarHeader = {
        name,
        type: TYPES[typeflag] ?? 'other',
        mode: numeric(block, 100, 8),
        uid: pax.uid !== undefined ? Number(pax.uid) : numeric(block, 108, 8),
        gid: pax.gid !== undefined ? Number(pax.gid) : numeric(block, 116, 8),
        size: pax.size !== undefined ? Number(pax.size) : size,
        mtime: pax.mtime !== undefined ? Number(pax.mtime) : numeric(block, 136, 12),
        linkname: longLink ?? pax.linkpath ?? field(block, 157, 100),
        uname: pax.uname ?? field(block, 265, 32),
        gname: pax.gname ?? field(block, 297, 32),
      };
      pax = {};
      longName = undefined;
      longLink = undefined;
      meta = undefined;
      const dataSize = header.type === 'file' ? header.size : typeflag === '1' || typeflag === '2' || typeflag === '5' ? 0 : header.size;
      remaining = dataSize;
      padding = (512 - (dataSize % 512)) % 512;
      const v = visit(header);
      if (v === 'stop') {
        stop();
        return;
      }
      sink = v === 'skip' ? undefined : v;
      if (remaining === 0) endEntry();
    };

    const endEntry = () => {
      if (meta) {
        const data = Buffer.concat(metaChunks);
        if (meta === 'pax') pax = { ...pax, ...parsePax(data) };
        else if (meta === 'longname') longName = field(data, 0, data.length);
        else longLink = field(data, 0, data.length);
        meta = undefined;
        return;
      }
      const s = sink;
      sink = undefined;
      s?.end();
    };

    source.on('data', onData);
    source.once('end', () => finish());
    source.once('close', () => finish());
    source.once('error', (err) => finish(err));
  });
}

/** `drwxr-xr-x`-style mode string, as ls prints it. */
export function modeString(type: ContainerFileType, mode: number): string {
  const kind = { directory: 'd', symlink: 'l', 'char-device': 'c', 'block-device': 'b', fifo: 'p', socket: 's' } as Record<string, string>;
  const rwx = (bits: number, special: boolean, specialChar: string) =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? specialChar : specialChar.toUpperCase()) : bits & 1 ? 'x' : '-');
  return (
    (kind[type] ?? '-') +
    rwx((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') +
    rwx((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') +
    rwx(mode & 7, (mode & 0o1000) !== 0, 't')
  );
}
