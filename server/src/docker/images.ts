/**
 * Local images on the engine: their config (inspect) and their file list (the
 * exported archive, read header by header; no container is started). Every call is
 * bounded in time: a slow engine must never hold up the language server or the CLI.
 */
import type Docker from 'dockerode';
import { readImageArchive, ImageTree } from './imageArchive';
import { InvalidReferenceError } from './errors';
import { parseImageReference } from '../shared/imageReference';

export class EngineTimeoutError extends Error {}

export interface LocalImageConfig {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  os: string;
  architecture: string;
  variant?: string;
  size: number;
  user: string;
  entrypoint?: string[];
  cmd?: string[];
  env: string[];
  workingDir: string;
  labels: Record<string, string>;
}

async function withTimeout<T>(what: string, timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(abort.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(new EngineTimeoutError(`${what}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** docker-modem's error for a redirect beyond its maxRedirects (set to 0 in connection.ts). */
export function isRefusedRedirect(error: unknown): boolean {
  return error instanceof Error && /^Max redirects exceeded/.test(error.message);
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/**
 * The image's config, or undefined when the engine has no image by that reference.
 * Throws InvalidReferenceError (code `invalid-reference`) for a reference Docker
 * would refuse, before asking the engine: the engine answers a path that is not
 * clean (`cgr.dev//x`) with a redirect, not a 400.
 */
export async function inspectLocalImage(docker: Docker, reference: string, timeoutMs = 3000): Promise<LocalImageConfig | undefined> {
  const parsed = parseImageReference(reference);
  if ('problem' in parsed) throw new InvalidReferenceError('image', reference, parsed.problem);
  let info: Docker.ImageInspectInfo;
  try {
    info = await withTimeout(`inspect ${reference}`, timeoutMs, (abortSignal) =>
      (docker.getImage(reference).inspect as (o: { abortSignal: AbortSignal }) => Promise<Docker.ImageInspectInfo>)({ abortSignal }));
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: no such image; 400: a reference the engine rejects (an unresolved variable's leftovers).
    if (status === 404 || status === 400) return undefined;
    // The engine never redirects a valid inspect: a redirect is a path it would not
    // serve, so no image by that name. docker-modem reports one it refused to follow
    // (connection.ts) without a status.
    if ((status !== undefined && status >= 300 && status < 400) || isRefusedRedirect(error)) return undefined;
    throw error;
  }
  const config = (info.Config ?? {}) as Partial<Docker.ImageInspectInfo['Config']>;
  return {
    id: info.Id,
    repoTags: info.RepoTags ?? [],
    repoDigests: info.RepoDigests ?? [],
    os: info.Os ?? '',
    architecture: info.Architecture ?? '',
    variant: (info as { Variant?: string }).Variant || undefined,
    size: info.Size ?? 0,
    user: typeof config.User === 'string' ? config.User : '',
    entrypoint: stringArray(config.Entrypoint),
    cmd: stringArray(config.Cmd),
    env: stringArray(config.Env) ?? [],
    workingDir: typeof config.WorkingDir === 'string' ? config.WorkingDir : '',
    labels: (config.Labels && typeof config.Labels === 'object' ? config.Labels : {}) as Record<string, string>,
  };
}

export interface ReadTreeOptions {
  /**
   * Give up when the engine sends nothing for this long. Generous: Docker's classic
   * store writes the whole archive to a temporary directory before the first byte
   * (12 s for a 500 MB image on a busy 2-core machine).
   */
  idleTimeoutMs?: number;
  /** Give up after this long in all. */
  totalTimeoutMs?: number;
  /** Files (normalized paths, e.g. `etc/passwd`) whose contents to keep. */
  wanted?: ReadonlySet<string>;
}

/** The merged file list of a local image, from `GET /images/{id}/get`. */
export async function readLocalImageTree(docker: Docker, id: string, options: ReadTreeOptions = {}): Promise<ImageTree> {
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const totalMs = options.totalTimeoutMs ?? 300_000;
  const stream = (await withTimeout(`export ${id}`, idleMs, () => docker.getImage(id).get())) as NodeJS.ReadableStream & { destroy(error?: Error): void };
  let idle: NodeJS.Timeout | undefined;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    stream.destroy(error);
  };
  const kick = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => fail(new EngineTimeoutError(`export ${id}: nothing received for ${idleMs} ms`)), idleMs);
  };
  const total = setTimeout(() => fail(new EngineTimeoutError(`export ${id}: not finished within ${totalMs} ms`)), totalMs);
  async function* chunks(): AsyncIterable<Buffer> {
    kick();
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      kick();
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  }
  try {
    return await readImageArchive(chunks(), options.wanted);
  } catch (error) {
    throw failure ?? error;
  } finally {
    if (idle) clearTimeout(idle);
    clearTimeout(total);
    stream.destroy();
  }
}
