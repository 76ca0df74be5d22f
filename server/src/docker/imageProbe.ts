/**
 * A few facts about a local image's files without exporting it: a container is
 * created from the image (never started: nothing in the image runs, no network, no
 * process), the archive API is asked about named paths (HEAD: a stat), small files are
 * read (GET, bounded), and the container is removed. The cost is the engine's create
 * (a snapshot of the image's layers, no copy) and one request per path, whatever the
 * image's size; an export moves every byte of every layer.
 *
 * Where the time goes (measured on Docker 20.10, docs/benchmarks.md): the engine serves
 * a stopped container's archive requests one at a time, each mounting and unmounting
 * the container's filesystem, so a stat costs a mount (3–5 ms on a loaded machine)
 * whatever the concurrency. Two things cut that: fewer requests (paths asked only for
 * their existence stop at the first found; a symlink's target already asked about is not
 * asked again; a file the export did not give is read with one GET, whose answer carries
 * the stat), and the
 * filesystem kept mounted while the stats run, by a container export opened and read
 * only as far as /etc/passwd (the engine's mounts are counted, so each request's mount is
 * then a count; the export holds no container lock, and it is closed before the container
 * is removed). A GET or an export runs the engine's tar helper (50–150 ms loaded), a stat
 * does not: one export serves both the mount and the file.
 */
import type Docker from 'dockerode';
import type { IncomingMessage } from 'http';
import type { Readable } from 'stream';
import { randomBytes } from 'crypto';
import { fromGoFileMode, normalizeContainerPath, parseTar, readContainerFileStream, type ContainerFileType } from './files';
import { statusCodeOf } from './errors';

/** The label and name prefix of the containers made here, so a leftover one is recognisable as ours. */
export const PROBE_LABEL = 'io.distroless.image-probe';
export const PROBE_NAME_PREFIX = 'distroless-image-probe-';

/** What a path is, after following symlinks (as the kernel does when it opens it). */
export type ProbedPath =
  | { exists: false }
  /** `final` is the node the path leads to; undefined when a symlink on the way dangles (or was not followed: `anyOf`). */
  | { exists: true; final?: { type: ContainerFileType; mode: number } };

/** What to ask of an image (host/imageFacts/observe.ts pathsToProbe says what the facts need). */
export interface ProbeWanted {
  /** Paths to stat, following symlinks to the node they lead to. */
  paths: readonly string[];
  /** Regular files to read whole (at most maxFileBytes). */
  files: readonly string[];
  /**
   * Paths asked only whether they exist, in groups: the first group with a path that
   * exists ends the search (later groups are not asked), and within a group the first
   * path is asked alone before the others. A path not asked is left out of `paths`.
   */
  anyOf?: readonly (readonly string[])[];
}

export interface ImageProbe {
  paths: Map<string, ProbedPath>;
  /** Contents of the regular files asked for, when at most `maxFileBytes`. */
  contents: Map<string, Buffer>;
  /** HTTP requests made (stats for the benchmark and the log). */
  requests: number;
  /** Whether the container's filesystem stayed mounted during the stats (an open export); false when the engine refused it. */
  heldMounted: boolean;
  /** Milliseconds spent creating the container, on the stats and reads (`hold`: opening the export), and removing it (the log, the benchmark). */
  timings: { create: number; hold: number; requests: number; remove: number };
}

export interface ProbeOptions {
  /** Largest file read whole; a larger one is left out (as the export reader does). */
  maxFileBytes?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Give up (and remove the container) after this long. */
  timeoutMs?: number;
  /** Keep the filesystem mounted with an unread export while the stats run (default true; false for the benchmark's comparison). */
  holdMount?: boolean;
}

export class ProbeTimeoutError extends Error {}

interface Stat {
  type: ContainerFileType;
  mode: number;
  linkTarget?: string;
}

function statHeader(res: { headers?: Record<string, unknown> }, p: string): Stat {
  const header = res.headers?.['x-docker-container-path-stat'];
  if (typeof header !== 'string') throw new Error(`the engine did not describe ${p} (no X-Docker-Container-Path-Stat header)`);
  const raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { mode: number; linkTarget?: string };
  return { ...fromGoFileMode(raw.mode), linkTarget: raw.linkTarget || undefined };
}

async function stat(container: Docker.Container, p: string): Promise<Stat | undefined> {
  let res: NodeJS.ReadableStream & { headers?: Record<string, unknown>; resume?: () => void };
  try {
    res = (await container.infoArchive({ path: p })) as typeof res;
  } catch (error) {
    // 404: no such path (the container exists: we made it). Anything else is the engine's failure.
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
  res.resume?.();
  return statHeader(res, p);
}

/** Runs `work` over `items`, at most `limit` at once. */
async function bounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

/**
 * Opens an export of the container: the engine mounts the filesystem for the export
 * and keeps it mounted while the export waits on us, so the archive requests meanwhile
 * find it mounted. Undefined when the engine would not (the stats then mount each time).
 */
async function openExport(container: Docker.Container): Promise<Readable | undefined> {
  try {
    const stream = (await container.export()) as unknown as Readable;
    stream.on('error', () => undefined);
    return stream;
  } catch {
    return undefined;
  }
}

/** How many bytes of other files' contents the export may pass before the files asked for (a real /bin before /etc). */
const EXPORT_SCAN_BYTES = 16 * 1024 * 1024;

/** Whether the export, which walks each directory in name order, has gone past where `file` would be. */
function walkedPast(entry: string, file: string): boolean {
  const a = entry.split('/');
  const b = file.split('/');
  for (let i = 0; i < a.length; i++) {
    if (i >= b.length) return true;
    if (a[i] !== b[i]) return a[i] > b[i];
  }
  return false;
}

export type ExportRead = Map<string, Buffer | 'absent' | 'ask'>;

/**
 * Reads `files` (normalized, absolute) from the start of the export, then pauses it (the
 * filesystem stays mounted). Root's entries come in name order, so /etc comes after
 * /bin, /boot and /dev; a file is absent once the walk has passed its place. A file that
 * is a link, or not reached within EXPORT_SCAN_BYTES, is answered `ask`: read it with a
 * GET. Never rejects.
 */
export function readFromExport(stream: Readable, files: readonly string[], maxBytes: number): Promise<ExportRead> {
  const results: ExportRead = new Map();
  const wanted = files.map((f) => f.replace(/^\/+/, ''));
  return new Promise<ExportRead>((resolve) => {
    let passed = 0;
    let settled = false;
    const settle = (rest: 'absent' | 'ask') => {
      if (settled) return;
      settled = true;
      for (const f of wanted) if (!results.has(`/${f}`)) results.set(`/${f}`, rest);
      stream.pause();
      resolve(results);
    };
    const settleWhenDone = () => {
      if (wanted.every((f) => results.has(`/${f}`))) settle('absent');
    };
    parseTar(stream, (header) => {
      if (settled) return 'skip';
      const name = header.name.replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
      let visit: ReturnType<Parameters<typeof parseTar>[1]> = 'skip';
      for (const f of wanted) {
        if (results.has(`/${f}`)) continue;
        if (name === f) {
          if (header.type !== 'file') results.set(`/${f}`, 'ask');
          else if (header.size > maxBytes) results.set(`/${f}`, 'absent');
          else {
            const chunks: Buffer[] = [];
            visit = { data: (chunk) => void chunks.push(chunk), end: () => { results.set(`/${f}`, Buffer.concat(chunks)); settleWhenDone(); } };
          }
        } else if (header.type === 'symlink' && f.startsWith(`${name}/`)) {
          results.set(`/${f}`, 'ask'); // a folder on the way is a link (/etc -> …): the engine follows it for a GET
        } else if (walkedPast(name, f)) results.set(`/${f}`, 'absent');
      }
      if (header.type === 'file' && visit === 'skip') passed += header.size;
      if (visit === 'skip') settleWhenDone();
      if (passed > EXPORT_SCAN_BYTES) settle('ask');
      return visit;
    }).then(() => settle('absent'), () => settle('ask'));
  });
}

/**
 * Stats what `wanted` names and reads its files, in image `imageId`, through a created,
 * never-started container, removed before this returns (also on failure).
 */
export async function probeImage(docker: Docker, imageId: string, wanted: ProbeWanted, options: ProbeOptions = {}): Promise<ImageProbe> {
  const maxBytes = options.maxFileBytes ?? 1 << 20;
  const limit = options.concurrency ?? 8;
  const probe: ImageProbe = { paths: new Map(), contents: new Map(), requests: 0, heldMounted: false, timings: { create: 0, hold: 0, requests: 0, remove: 0 } };
  let clock = Date.now();
  const lap = (phase: keyof ImageProbe['timings']) => {
    const now = Date.now();
    probe.timings[phase] = now - clock;
    clock = now;
  };
  const created = await docker.createContainer({
    Image: imageId,
    name: `${PROBE_NAME_PREFIX}${randomBytes(6).toString('hex')}`,
    // Never started; an image with neither ENTRYPOINT nor CMD (FROM scratch) still needs one to be created.
    Entrypoint: ['/distroless-image-probe-never-runs'],
    Cmd: [],
    Labels: { [PROBE_LABEL]: 'facts' },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', AutoRemove: false },
  });
  probe.requests++;
  lap('create');
  let timer: NodeJS.Timeout | undefined;
  let release: (() => void) | undefined;
  try {
    // One request per path, however many callers ask (a symlink's target may be a path asked too).
    const stats = new Map<string, Promise<Stat | undefined>>();
    const statOnce = (p: string): Promise<Stat | undefined> => {
      let pending = stats.get(p);
      if (!pending) {
        probe.requests++;
        pending = stat(created, p);
        stats.set(p, pending);
      }
      return pending;
    };
    const statFollowing = async (p: string): Promise<void> => {
      const first = await statOnce(p);
      if (!first) return void probe.paths.set(p, { exists: false });
      if (first.type !== 'symlink') return void probe.paths.set(p, { exists: true, final: { type: first.type, mode: first.mode } });
      // The engine resolves the whole chain into linkTarget; its stat is the node itself, or nothing if it dangles.
      const final = first.linkTarget ? await statOnce(normalizeContainerPath(first.linkTarget)) : undefined;
      probe.paths.set(p, { exists: true, final: final && final.type !== 'symlink' ? { type: final.type, mode: final.mode } : undefined });
    };
    const statExists = async (p: string): Promise<boolean> => {
      const found = await statOnce(p);
      probe.paths.set(p, found ? { exists: true } : { exists: false });
      return found !== undefined;
    };
    const searchAnyOf = async (): Promise<void> => {
      for (const group of wanted.anyOf ?? []) {
        const paths = [...new Set(group.map(normalizeContainerPath))];
        if (paths.length === 0) continue;
        if (await statExists(paths[0])) return;
        let found = false;
        await bounded(paths.slice(1), limit, async (p) => void ((await statExists(p)) && (found = true)));
        if (found) return;
      }
    };
    // One GET: its answer carries the stat, so a regular file costs one request; a symlink is read where it leads.
    const readFile = async (file: string): Promise<void> => {
      const p = normalizeContainerPath(file);
      probe.requests++;
      let res: IncomingMessage;
      try {
        res = (await created.getArchive({ path: p })) as unknown as IncomingMessage;
      } catch (error) {
        if (statusCodeOf(error) === 404) return; // absent: no contents, as with the export reader
        throw error;
      }
      const found = statHeader(res, p);
      if (found.type === 'symlink') {
        res.destroy();
        probe.requests += 2;
        let opened;
        try {
          opened = await readContainerFileStream(docker, created.id, p);
        } catch {
          return; // dangling, or not a regular file
        }
        const body = await readBounded(opened.stream as Readable, opened.size, maxBytes);
        if (body) probe.contents.set(p, body);
        return;
      }
      let body: Buffer | undefined;
      await parseTar(res, (header) => {
        if (header.type !== 'file' || header.size > maxBytes) return 'stop';
        const chunks: Buffer[] = [];
        return { data: (chunk) => void chunks.push(Buffer.from(chunk)), end: () => void (body = Buffer.concat(chunks)) };
      });
      res.destroy();
      if (body && body.length <= maxBytes) probe.contents.set(p, body);
    };
    const work = async () => {
      // One export does two things: it holds the filesystem mounted, and /etc/passwd comes
      // early in it. Opened before the stats, not beside them: while it mounts, their mounts
      // and its own wait on each other. A GET (what a file costs otherwise) would run the
      // engine's tar helper again and hold the container's lock meanwhile.
      let fromExport: Promise<ExportRead> | undefined;
      if (options.holdMount ?? true) {
        const stream = await openExport(created);
        if (stream) {
          release = () => stream.destroy();
          probe.heldMounted = true;
          probe.requests++;
          fromExport = readFromExport(stream, wanted.files.map(normalizeContainerPath), maxBytes);
        }
        lap('hold');
      }
      const readFiles = async () => {
        const read = fromExport ? await fromExport : undefined;
        const rest = wanted.files.map(normalizeContainerPath).filter((f) => {
          const found = read?.get(f);
          if (Buffer.isBuffer(found)) probe.contents.set(f, found);
          return found === undefined || found === 'ask';
        });
        await bounded(rest, limit, readFile);
      };
      const paths = [...new Set(wanted.paths.map(normalizeContainerPath))];
      await Promise.all([bounded(paths, limit, statFollowing), searchAnyOf(), readFiles()]);
      lap('requests');
    };
    const timeoutMs = options.timeoutMs ?? 30_000;
    await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProbeTimeoutError(`reading ${imageId} through a container: not finished within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return probe;
  } finally {
    if (timer) clearTimeout(timer);
    release?.();
    await removeProbe(created);
    lap('remove');
  }
}

/**
 * Removes the probe's container. Right after the export is closed the engine may still
 * hold its mount for a moment, and a removal then can fail ("device or resource busy"):
 * it is tried again a few times rather than leave the container behind.
 */
async function removeProbe(container: Docker.Container): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await container.remove({ force: true, v: true });
      return;
    } catch (error) {
      if (statusCodeOf(error) === 404) return;
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  }
}

async function readBounded(stream: Readable, size: number, maxBytes: number): Promise<Buffer | undefined> {
  if (size > maxBytes) {
    stream.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) break;
    chunks.push(Buffer.from(chunk));
  }
  stream.destroy();
  return total <= maxBytes ? Buffer.concat(chunks) : undefined;
}
