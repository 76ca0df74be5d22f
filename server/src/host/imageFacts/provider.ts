/**
 * Facts about base images from the user's own engine, for the language server and
 * the CLI. Engine discovery is the sidecar's (distroless.docker.host, DOCKER_HOST,
 * Docker context, the usual Docker and Podman sockets). Nothing here ever throws at
 * its caller or blocks it: an engine that is missing is remembered as missing for a
 * while (no retry on every keystroke), a slow one is timed out, and every answer is
 * an ImageObservation the engine merges over its built-in table. When the user turns
 * registry lookups on, an image the engine does not have is looked up in its registry
 * (manifest and config only, registry.ts), under the same rules.
 */
import type Docker from 'dockerode';
import { EngineTimeoutError, inspectLocalImage, readLocalImageTree } from '../../docker/images';
import { parseImageKey, type ImageObservation, type ObservedImage, type RegistryImage } from '../../engine';
import { ImageFactsDiskCache, RegistryFactsDiskCache, defaultCacheDir } from './cache';
import { RegistryClient } from './registry';
import { hostPlatform } from '../platform';
import { observeImage, pathsToProbe, probedFiles, WANTED_FILES } from './observe';
import { probeImage } from '../../docker/imageProbe';

export interface LocalImageFactsOptions {
  /** Environment the engine is found from (DOCKER_HOST, DOCKER_CONTEXT, HOME…). */
  env?: NodeJS.ProcessEnv;
  /** The `distroless.docker.host` setting: stands in for DOCKER_HOST. */
  dockerHost?: string;
  /** Where facts are kept by image ID; null keeps them in memory only. Default: the OS cache directory. */
  cacheDir?: string | null;
  pingTimeoutMs?: number;
  inspectTimeoutMs?: number;
  readIdleTimeoutMs?: number;
  /** After the engine did not answer, how long to answer "no engine" without asking again. */
  retryAfterMs?: number;
  /** How old an answer may be before the reference is inspected again (a tag can move). */
  refreshAfterMs?: number;
  /**
   * How an image's files are read: `auto` (default) through a created, never-started
   * container (a stat per path, small reads) for an image of PROBE_ABOVE_BYTES or more,
   * else by export; `always` / `never` force one way (tests, the benchmark).
   */
  probe?: 'auto' | 'always' | 'never';
  /** Ask the local engine (`distroless.inspectLocalImages`); default true. */
  localEngine?: boolean;
  /** Ask the image's registry for its manifest and config when the engine has no such image; default false (network). */
  registryLookups?: boolean;
  /** Per registry request. */
  registryTimeoutMs?: number;
  /** Hosts (`host[:port]`) the user allows a registry's redirects and token realms to go to (RegistryOptions.redirectHosts). */
  registryRedirectHosts?: readonly string[];
  /** How long a registry's answer (or failure) stands before it is asked again. */
  registryRefreshAfterMs?: number;
  /** The platform of an index to read when FROM names none; default the build's (hostPlatform). */
  platform?: string;
  log?: (message: string) => void;
  now?: () => number;
}

/**
 * Below this size an export is the cheaper read (a 2 MB image: 0.03 s against about 0.9 s
 * for creating a container and 50 stats); above it the probe's cost stays while the
 * export's grows with every byte (node:22, 536 MB: 0.8 s against 28 s on the test machine).
 */
export const PROBE_ABOVE_BYTES = 50_000_000;

interface Entry {
  observation: ImageObservation;
  checkedAt: number;
}

export interface ImageFactsStats {
  /** Engine connections attempted. */
  connects: number;
  inspects: number;
  /** Images whose files were read from the engine (the expensive part). */
  reads: number;
  /** Of those, the ones read through a created container (the rest were exported). */
  probes: number;
  diskHits: number;
  bytesRead: number;
  /** Lookups that went to a registry (a manifest request at least). */
  registryLookups: number;
  /** HTTP requests to registries and their token services. */
  registryRequests: number;
}

/**
 * Whether lint would see a difference: only facts read from an image change findings;
 * every kind of absence (not looked up yet, not found, no engine) leaves the table.
 */
function sameFacts(a: ImageObservation | undefined, b: ImageObservation): boolean {
  const id = (o: ImageObservation | undefined) => (o?.state === 'observed' || o?.state === 'registry' ? `${o.state} ${o.image.id}` : undefined);
  return id(a) === id(b);
}

function platformMatches(image: ObservedImage, platform: string): boolean {
  const [os, arch, variant] = platform.toLowerCase().split('/');
  if (os && image.os && os !== image.os.toLowerCase()) return false;
  if (arch && image.architecture && arch !== image.architecture.toLowerCase()) return false;
  if (variant && image.variant && variant !== image.variant.toLowerCase()) return false;
  return true;
}

export class LocalImageFacts {
  readonly stats: ImageFactsStats = { connects: 0, inspects: 0, reads: 0, probes: 0, diskHits: 0, bytesRead: 0, registryLookups: 0, registryRequests: 0 };
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly disk: ImageFactsDiskCache | undefined;
  private readonly registryDisk: RegistryFactsDiskCache | undefined;
  private readonly registry: RegistryClient | undefined;
  private readonly registryEntries = new Map<string, { image?: RegistryImage; checkedAt: number }>();
  private readonly defaultPlatform: string;
  private docker: Promise<Docker | undefined> | undefined;
  private engineDownUntil = 0;
  private engineDown: string | undefined;
  /** Archive reads one at a time: two big images at once would double the load on a shared machine. */
  private reading: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: LocalImageFactsOptions = {}) {
    const cacheDir = options.cacheDir === undefined ? defaultCacheDir(options.env ?? process.env) : options.cacheDir;
    this.disk = cacheDir ? new ImageFactsDiskCache(cacheDir) : undefined;
    this.registryDisk = cacheDir && options.registryLookups ? new RegistryFactsDiskCache(cacheDir) : undefined;
    this.registry = options.registryLookups ? new RegistryClient({ timeoutMs: options.registryTimeoutMs, redirectHosts: options.registryRedirectHosts, onRequest: () => void this.stats.registryRequests++ }) : undefined;
    this.defaultPlatform = options.platform ?? hostPlatform() ?? 'linux/amd64';
    this.now = options.now ?? Date.now;
  }

  /** What is known now, without waiting; undefined when the reference was never looked up. */
  peek(key: string): ImageObservation | undefined {
    return this.entries.get(key)?.observation;
  }

  /** Every observation known now, for LintOptions.images. */
  snapshot(): Record<string, ImageObservation> {
    const out: Record<string, ImageObservation> = {};
    for (const [key, entry] of this.entries) out[key] = entry.observation;
    return out;
  }

  /** True when some key has never been looked up, or is due to be looked up again. */
  wants(keys: readonly string[]): boolean {
    return keys.some((key) => this.due(key));
  }

  /**
   * Looks up the keys that are unknown or due (see refreshAfterMs). Resolves with the
   * keys whose facts changed (an image read, or another image ID than before); an
   * absence changes nothing lint sees. Never rejects.
   */
  async load(keys: readonly string[]): Promise<string[]> {
    const changed: string[] = [];
    await Promise.all(keys.map(async (key) => {
      let pending = this.inflight.get(key);
      if (!pending) {
        if (!this.due(key)) return;
        pending = this.lookUp(key).catch((error: unknown) => this.failed(key, error)).finally(() => this.inflight.delete(key));
        this.inflight.set(key, pending);
      }
      if (await pending) changed.push(key);
    }));
    return changed;
  }

  /** Forget that the engine was unreachable (settings changed, the user asked to retry). */
  reset(): void {
    this.engineDownUntil = 0;
    this.docker = undefined;
    this.entries.clear();
    this.registryEntries.clear();
  }

  private due(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return true;
    const refresh = this.options.refreshAfterMs ?? 30_000;
    if (entry.observation.state === 'absent' && entry.observation.reason === 'no-engine') return this.now() >= this.engineDownUntil;
    return this.now() - entry.checkedAt >= refresh;
  }

  private set(key: string, observation: ImageObservation): boolean {
    const before = this.entries.get(key)?.observation;
    this.entries.set(key, { observation, checkedAt: this.now() });
    return !sameFacts(before, observation);
  }

  private connect(): Promise<Docker | undefined> {
    if (this.docker) return this.docker;
    if (this.now() < this.engineDownUntil) return Promise.resolve(undefined);
    const env = this.options.dockerHost ? { ...(this.options.env ?? process.env), DOCKER_HOST: this.options.dockerHost } : this.options.env;
    this.stats.connects++;
    // Loaded on first use: dockerode and its SSH client would otherwise double the
    // language server's start-up for users who never open a Dockerfile.
    const attempt = import('../../docker/connection').then(({ connectEngine }) => connectEngine({ env, pingTimeoutMs: this.options.pingTimeoutMs ?? 1500 })).then(
      (c) => c.docker,
      (error: unknown) => {
        // Not instanceof: in the bundles the connection code is a bundle of its own (esbuild.mjs).
        this.markDown(error instanceof Error ? error.message : String(error));
        return undefined;
      },
    );
    this.docker = attempt;
    return attempt;
  }

  private markDown(reason: string): void {
    this.engineDown = reason;
    this.engineDownUntil = this.now() + (this.options.retryAfterMs ?? 60_000);
    this.docker = undefined;
    this.options.log?.(`Local image facts: no Docker engine (${reason}); using the built-in table, next try in ${Math.round((this.options.retryAfterMs ?? 60_000) / 1000)} s.`);
  }

  private async lookUp(key: string): Promise<boolean> {
    const local = this.options.localEngine === false ? { state: 'absent', reason: 'off' } as const : await this.lookUpLocal(key);
    if (!this.registry || local.state !== 'absent' || local.reason === 'invalid-reference') return this.set(key, local);
    const remote = await this.lookUpRegistry(key);
    return this.set(key, remote ? { state: 'registry', image: remote } : local);
  }

  private async lookUpLocal(key: string): Promise<ImageObservation> {
    const { reference, platform } = parseImageKey(key);
    const docker = await this.connect();
    if (!docker) return { state: 'absent', reason: 'no-engine', detail: this.engineDown };
    let config;
    try {
      this.stats.inspects++;
      config = await inspectLocalImage(docker, reference, this.options.inspectTimeoutMs ?? 3000);
    } catch (error) {
      // Not instanceof: the Docker code may sit in another bundle (esbuild.mjs).
      const invalid = error as { code?: unknown; why?: unknown };
      if (invalid.code === 'invalid-reference') return { state: 'absent', reason: 'invalid-reference', detail: typeof invalid.why === 'string' ? invalid.why : undefined };
      return this.engineFailed(reference, error);
    }
    if (!config) return { state: 'absent', reason: 'not-found' };
    const found = config;
    try {
      const current = this.entries.get(key)?.observation;
      const known = current?.state === 'observed' && current.image.id === found.id ? current.image : undefined;
      let image = known ?? this.fromDisk(found.id);
      if (!image) image = await this.read(docker, found.id, () => found);
      if (platform && !platformMatches(image, platform)) {
        const has = `${image.os}/${image.architecture}${image.variant ? `/${image.variant}` : ''}`;
        return { state: 'absent', reason: 'not-found', detail: `the local image is ${has}, the build asks for ${platform}` };
      }
      return { state: 'observed', image };
    } catch (error) {
      // A slow export is a big image on a busy engine, not a missing engine: this image waits for its next refresh.
      if (error instanceof EngineTimeoutError) {
        this.options.log?.(`Local image facts: ${reference}: ${error.message}`);
        return { state: 'absent', reason: 'error', detail: error.message };
      }
      return this.engineFailed(reference, error);
    }
  }

  /**
   * The registry's word on an image that is not on the engine: asked again only after
   * registryRefreshAfterMs (a failure too), so an open editor does not ask the network
   * at every refresh. Any failure is one log line and no answer: the table stands.
   */
  private async lookUpRegistry(key: string): Promise<RegistryImage | undefined> {
    const previous = this.registryEntries.get(key);
    if (previous && this.now() - previous.checkedAt < (this.options.registryRefreshAfterMs ?? 600_000)) return previous.image;
    const { reference, platform } = parseImageKey(key);
    let image: RegistryImage | undefined;
    try {
      this.stats.registryLookups++;
      const started = this.now();
      const wanted = platform ?? this.defaultPlatform;
      const found = await this.registry!.lookUp(reference, wanted, (digest, forPlatform) => this.registryDisk?.get(digest, forPlatform));
      image = found.image;
      if (found.topDigest && found.topDigest !== image.manifestDigest) this.registryDisk?.put(image, { digest: found.topDigest, platform: wanted });
      if (found.fromCache) this.stats.diskHits++;
      else {
        this.registryDisk?.put(image);
        this.options.log?.(`Registry image facts: read the image config of ${reference} from ${image.registry} (${image.id.slice(0, 19)}) in ${this.now() - started} ms.`);
      }
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      const why = e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
      this.options.log?.(`Registry image facts: ${reference}: ${e.name === 'TimeoutError' ? 'no answer in time' : why === e.message ? why : `${e.message} (${why})`}; using the built-in table.`);
    }
    this.registryEntries.set(key, { image, checkedAt: this.now() });
    return image;
  }

  /** Whatever went wrong where nothing else caught it: the table stands, one log line, never a rejection. */
  private failed(key: string, error: unknown): boolean {
    const message = error instanceof Error ? error.message : String(error);
    this.options.log?.(`Local image facts: looking up ${parseImageKey(key).reference} failed: ${message}`);
    return this.set(key, { state: 'absent', reason: 'error', detail: message });
  }

  private fromDisk(id: string): ObservedImage | undefined {
    const image = this.disk?.get(id);
    if (image) this.stats.diskHits++;
    return image;
  }

  private engineFailed(reference: string, error: unknown): ImageObservation {
    const e = error as NodeJS.ErrnoException;
    if (error instanceof EngineTimeoutError || e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'ECONNRESET' || e.code === 'EPIPE') {
      // The engine went away or hangs: answer "no engine" for a while rather than ask on every keystroke.
      this.markDown(e.message || String(error));
      return { state: 'absent', reason: 'no-engine', detail: e.message };
    }
    this.options.log?.(`Local image facts: reading ${reference} failed: ${e.message || String(error)}`);
    return { state: 'absent', reason: 'error', detail: e.message || String(error) };
  }

  private read(docker: Docker, id: string, config: () => Parameters<typeof observeImage>[0]): Promise<ObservedImage> {
    const run = async (): Promise<ObservedImage> => {
      // Another key may have read the same image while this one waited.
      const cached = this.disk?.get(id);
      if (cached) return cached;
      this.stats.reads++;
      const started = this.now();
      // First through a created, never-started container: a stat per path the facts need,
      // whatever the image's size. An engine that cannot (no archive API, a create it
      // refuses) gets the export, which moves the whole image.
      const mode = this.options.probe ?? 'auto';
      if (config().os !== 'windows' && (mode === 'always' || (mode === 'auto' && config().size >= PROBE_ABOVE_BYTES))) {
        try {
          const wanted = pathsToProbe(config());
          const probe = await probeImage(docker, id, wanted, { timeoutMs: this.options.readIdleTimeoutMs ?? 60_000 });
          this.stats.probes++;
          const image = observeImage(config(), probedFiles(config(), probe));
          this.disk?.put(image);
          const t = probe.timings;
          this.options.log?.(`Local image facts: read ${id.slice(0, 19)} through a created container (${probe.requests} requests${probe.heldMounted ? ', its filesystem held mounted' : ''}) in ${this.now() - started} ms (create ${t.create}, mount ${t.hold}, requests ${t.requests}, remove ${t.remove}).`);
          return image;
        } catch (error) {
          this.options.log?.(`Local image facts: reading ${id.slice(0, 19)} through a created container failed (${error instanceof Error ? error.message : String(error)}); exporting it instead.`);
        }
      }
      const tree = await readLocalImageTree(docker, id, { idleTimeoutMs: this.options.readIdleTimeoutMs, wanted: WANTED_FILES });
      this.stats.bytesRead += tree.bytes;
      const image = observeImage(config(), tree);
      this.disk?.put(image);
      this.options.log?.(`Local image facts: read ${id.slice(0, 19)} (${(tree.bytes / 1e6).toFixed(1)} MB, ${tree.nodes.size} files) in ${this.now() - started} ms.`);
      return image;
    };
    const next = this.reading.then(run, run);
    this.reading = next.catch(() => undefined);
    return next;
  }
}
