/**
 * A few facts about a local image's files without exporting it: a container is
 * created from the image (never started: nothing in the image runs, no network, no
 * process), the archive API is asked about named paths (HEAD: a stat), small files are
 * read (GET, bounded), and the container is removed. The cost is the engine's create
 * (a snapshot of the image's layers, no copy) and one request per path, whatever the
 * image's size; an export moves every byte of every layer.
 */
import type Docker from 'dockerode';
import { randomBytes } from 'crypto';
import { fromGoFileMode, normalizeContainerPath, readContainerFileStream, type ContainerFileType } from './files';
import { statusCodeOf } from './errors';

/** The label and name prefix of the containers made here, so a leftover one is recognisable as ours. */
export const PROBE_LABEL = 'io.distroless.image-probe';
export const PROBE_NAME_PREFIX = 'distroless-image-probe-';

/** What a path is, after following symlinks (as the kernel does when it opens it). */
export type ProbedPath =
  | { exists: false }
  /** `final` is the node the path leads to; undefined when a symlink on the way dangles. */
  | { exists: true; final?: { type: ContainerFileType; mode: number } };

export interface ImageProbe {
  paths: Map<string, ProbedPath>;
  /** Contents of the regular files asked for, when at most `maxFileBytes`. */
  contents: Map<string, Buffer>;
  /** HTTP requests made (stats for the benchmark and the log). */
  requests: number;
}

export interface ProbeOptions {
  /** Largest file read whole; a larger one is left out (as the export reader does). */
  maxFileBytes?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Give up (and remove the container) after this long. */
  timeoutMs?: number;
}

export class ProbeTimeoutError extends Error {}

async function stat(container: Docker.Container, p: string): Promise<{ type: ContainerFileType; mode: number; linkTarget?: string } | undefined> {
  let res: NodeJS.ReadableStream & { headers?: Record<string, unknown>; resume?: () => void };
  try {
    res = (await container.infoArchive({ path: p })) as typeof res;
  } catch (error) {
    // 404: no such path (the container exists: we made it). Anything else is the engine's failure.
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
  res.resume?.();
  const header = res.headers?.['x-docker-container-path-stat'];
  if (typeof header !== 'string') throw new Error(`the engine did not describe ${p} (no X-Docker-Container-Path-Stat header)`);
  const raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { mode: number; linkTarget?: string };
  return { ...fromGoFileMode(raw.mode), linkTarget: raw.linkTarget || undefined };
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
 * Stats `paths` and reads `files` (absolute paths) of image `imageId` through a
 * created, never-started container, removed before this returns (also on failure).
 */
export async function probeImage(docker: Docker, imageId: string, paths: readonly string[], files: readonly string[], options: ProbeOptions = {}): Promise<ImageProbe> {
  const maxBytes = options.maxFileBytes ?? 1 << 20;
  const probe: ImageProbe = { paths: new Map(), contents: new Map(), requests: 0 };
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
  let timer: NodeJS.Timeout | undefined;
  try {
    const readFile = async (file: string): Promise<void> => {
      probe.requests += 2;
      let opened;
      try {
        opened = await readContainerFileStream(docker, created.id, file);
      } catch {
        return; // absent, or not a regular file: no contents, as with the export reader
      }
      if (opened.size > maxBytes) {
        opened.stream.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of opened.stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes) break;
        chunks.push(Buffer.from(chunk));
      }
      opened.stream.destroy();
      if (total <= maxBytes) probe.contents.set(normalizeContainerPath(file), Buffer.concat(chunks));
    };
    const statAll = () => bounded([...new Set(paths.map(normalizeContainerPath))], options.concurrency ?? 16, async (p) => {
      probe.requests++;
      const first = await stat(created, p);
      if (!first) return void probe.paths.set(p, { exists: false });
      if (first.type !== 'symlink') return void probe.paths.set(p, { exists: true, final: { type: first.type, mode: first.mode } });
      // The engine resolves the whole chain into linkTarget; its stat is the node itself, or nothing if it dangles.
      probe.requests++;
      const final = first.linkTarget ? await stat(created, normalizeContainerPath(first.linkTarget)) : undefined;
      probe.paths.set(p, { exists: true, final: final && final.type !== 'symlink' ? { type: final.type, mode: final.mode } : undefined });
    });
    const work = () => Promise.all([statAll(), ...files.map(readFile)]);
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
    await created.remove({ force: true, v: true }).catch(() => undefined);
  }
}
