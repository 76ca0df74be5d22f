/**
 * Image facts from a registry (opt-in: `distroless.imageFacts.registryLookups`,
 * `--registry-lookups`): the Distribution API's manifest and the image config blob it
 * names, never a layer. Anonymous only: no credentials are read or sent, a registry
 * that wants them is a failed lookup. HTTPS everywhere, plain HTTP only to loopback
 * hosts (what Docker allows without configuration, for a local registry).
 *
 * Where requests go: to the registry's own host and port; a redirect or a token realm
 * elsewhere only to a host its publisher documents (REDIRECT_HOSTS; HTTPS on the default
 * port) or the user's configuration names (RegistryOptions.redirectHosts).
 * Every hop is checked before it is sent. At most `concurrency` lookups per registry
 * run at once; the rest wait their turn (their timeout starts when they are sent).
 */
import { createHash } from 'crypto';
import { parseImageReference } from '../../shared/imageReference';
import type { RegistryImage } from '../../engine';

export class RegistryLookupError extends Error {}

export interface RegistryOptions {
  /** Per HTTP request. */
  timeoutMs?: number;
  /** Counts every HTTP request made, for tests and logs. */
  onRequest?: (url: string) => void;
  /**
   * More hosts any registry may redirect or send for a token to (`distroless.imageFacts.redirectHosts`,
   * `--registry-redirect-host`): `cdn.example.com` or `*.example.com` on the default port,
   * `host:port` on that port only; over HTTPS, or plain HTTP when the host is a loopback address.
   */
  redirectHosts?: readonly string[];
  /** Lookups at once per registry host (default 6, what browsers open per host). */
  concurrency?: number;
}

/**
 * Hosts a registry sends its token realm or blob downloads to, from its publisher's
 * firewall allowlist: Docker Hub, https://docs.docker.com/desktop/setup/allow-list/
 * (auth.docker.io, production.cloudflare.docker.com, the R2 bucket); MCR,
 * https://github.com/microsoft/containerregistry/blob/main/docs/client-firewall-rules.md
 * (*.data.mcr.microsoft.com); GHCR, GitHub's packages allowlist
 * (pkg-containers.githubusercontent.com). Any other host needs the user's configuration.
 */
const REDIRECT_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'registry-1.docker.io': ['auth.docker.io', 'production.cloudflare.docker.com', 'production.cloudfront.docker.com', 'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com'],
  'mcr.microsoft.com': ['*.data.mcr.microsoft.com'],
  'ghcr.io': ['pkg-containers.githubusercontent.com'],
};

const MAX_REDIRECTS = 5;

function hostMatches(hostname: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? hostname.endsWith(p.slice(1)) && hostname.length > p.length - 1 : hostname === p;
}

/** Whether `url` is on a configured `host[:port]` (no port: the scheme's default port only). */
function namedHostMatches(url: URL, entry: string): boolean {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry.trim().toLowerCase());
  if (!m) return false;
  const port = m[2] === undefined ? '' : String(Number(m[2]));
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const urlPort = url.port || defaultPort;
  return hostMatches(url.hostname.toLowerCase(), m[1]) && (port === '' ? url.port === '' : port === urlPort);
}

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];
export const USER_AGENT = 'distroless-image-facts';
/** Manifests and configs are small; anything bigger is not what we asked for. */
const MAX_BYTES = 4 * 1024 * 1024;

/** Docker Hub's API host; its references say docker.io. */
export function registryHost(domain: string): string {
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}

/** 127.0.0.0/8, ::1 and localhost, with or without a port: where plain HTTP is allowed. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters; undefined for other schemes. */
export function parseBearerChallenge(header: string | null): Record<string, string> | undefined {
  const match = header ? /^\s*Bearer\s+(.*)$/i.exec(header) : null;
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const m of match[1].matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) params[m[1].toLowerCase()] = (m[2] ?? m[3]).replace(/\\(.)/g, '$1');
  return params.realm ? params : undefined;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
}

/** The manifest of an index that serves `platform` (`linux/arm64`, `linux/arm/v7`); arm64's v8 variant may be left out. */
export function pickPlatform(manifests: readonly Descriptor[], platform: string): Descriptor | undefined {
  const [os, arch, variant] = platform.toLowerCase().split('/');
  const candidates = manifests.filter((m) => m.platform?.os?.toLowerCase() === os && m.platform?.architecture?.toLowerCase() === arch);
  if (variant) return candidates.find((m) => m.platform?.variant?.toLowerCase() === variant) ?? (arch === 'arm64' && variant === 'v8' ? candidates.find((m) => !m.platform?.variant) : undefined);
  return candidates.find((m) => !m.platform?.variant || (arch === 'arm64' && m.platform.variant === 'v8')) ?? candidates[0];
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/** The body, or undefined once it passes `limit` bytes (a body without content-length is read no further). */
async function readLimited(response: Response, limit: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** One client per provider: remembers which scheme each loopback registry speaks, and anonymous tokens. */
export class RegistryClient {
  private readonly schemes = new Map<string, 'https' | 'http'>();
  private readonly tokens = new Map<string, { token: string; until: number }>();

  constructor(private readonly options: RegistryOptions = {}) {}

  /**
   * The platform manifest's digest for `reference` (an index resolved to `platform`),
   * then `cached(digest)` or the config blob. Throws RegistryLookupError (or a network
   * error) on anything it cannot use.
   */
  async lookUp(reference: string, platform: string, cached?: (digest: string, platform?: string) => RegistryImage | undefined): Promise<{ image: RegistryImage; fromCache: boolean; topDigest?: string }> {
    const parsed = parseImageReference(reference);
    if ('problem' in parsed) throw new RegistryLookupError(`not a valid reference: ${parsed.problem}`);
    const host = registryHost(parsed.parts.domain);
    await this.turn(host);
    try {
      return await this.lookUpNow(host, parsed.parts, platform, cached);
    } finally {
      this.done(host);
    }
  }

  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  /** Waits until fewer than `concurrency` lookups run against `host`; a finished lookup hands its place to the next in line. */
  private async turn(host: string): Promise<void> {
    const limit = Math.max(1, this.options.concurrency ?? 6);
    const running = this.running.get(host) ?? 0;
    if (running < limit) {
      this.running.set(host, running + 1);
      return;
    }
    await new Promise<void>((resolve) => {
      const queue = this.waiting.get(host) ?? [];
      queue.push(resolve);
      this.waiting.set(host, queue);
    });
  }

  private done(host: string): void {
    const next = this.waiting.get(host)?.shift();
    if (next) return next();
    const running = (this.running.get(host) ?? 1) - 1;
    if (running > 0) this.running.set(host, running);
    else {
      this.running.delete(host);
      this.waiting.delete(host);
    }
  }

  private async lookUpNow(host: string, parts: { path: string; tag?: string; digest?: string }, platform: string, cached?: (digest: string, platform?: string) => RegistryImage | undefined): Promise<{ image: RegistryImage; fromCache: boolean; topDigest?: string }> {
    const { path, tag, digest } = parts;
    const scope = `repository:${path}:pull`;
    // Docker Hub counts every manifest GET as a pull against the user's own (anonymous:
    // small, per IP) quota, and a HEAD as none: ask what the tag points at with a HEAD,
    // and GET nothing when that digest was read before (cached under it, index or not).
    const top = digest ?? await this.headDigest(host, scope, `/v2/${path}/manifests/${tag ?? 'latest'}`, [...INDEX_TYPES, ...MANIFEST_TYPES]);
    const known = top ? cached?.(top, platform) : undefined;
    if (known) return { image: known, fromCache: true, topDigest: top };
    let manifest = await this.getJson(host, scope, `/v2/${path}/manifests/${digest ?? tag ?? 'latest'}`, [...INDEX_TYPES, ...MANIFEST_TYPES]);
    const topDigest = manifest.digest;
    if (digest && manifest.digest !== digest) throw new RegistryLookupError(`the manifest's digest is ${manifest.digest}, not ${digest}`);
    const listed = (manifest.json as { manifests?: unknown }).manifests;
    if (Array.isArray(listed)) {
      const chosen = pickPlatform(listed as Descriptor[], platform);
      if (!chosen?.digest) throw new RegistryLookupError(`no manifest for ${platform} in its index`);
      manifest = await this.getJson(host, scope, `/v2/${path}/manifests/${chosen.digest}`, MANIFEST_TYPES);
      if (manifest.digest !== chosen.digest) throw new RegistryLookupError(`the manifest's digest is ${manifest.digest}, not ${chosen.digest}`);
    }
    const hit = cached?.(manifest.digest);
    if (hit) return { image: hit, fromCache: true, topDigest };
    const configDigest = (manifest.json as { config?: { digest?: unknown } }).config?.digest;
    if (typeof configDigest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(configDigest)) {
      throw new RegistryLookupError(`unsupported manifest (${manifest.mediaType || 'no media type'}): no image config`);
    }
    const blob = await this.getJson(host, scope, `/v2/${path}/blobs/${configDigest}`, ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json', 'application/json']);
    if (blob.digest !== configDigest) throw new RegistryLookupError(`the config blob's digest is ${blob.digest}, not ${configDigest}`);
    const json = blob.json as { os?: unknown; architecture?: unknown; variant?: unknown; config?: Record<string, unknown> };
    const config = json.config ?? {};
    const image: RegistryImage = {
      id: configDigest,
      registry: host,
      manifestDigest: manifest.digest,
      user: typeof config.User === 'string' ? config.User : '',
      entrypoint: stringArray(config.Entrypoint),
      cmd: stringArray(config.Cmd),
      env: stringArray(config.Env) ?? [],
      workingDir: typeof config.WorkingDir === 'string' ? config.WorkingDir : '',
      os: typeof json.os === 'string' ? json.os : '',
      architecture: typeof json.architecture === 'string' ? json.architecture : '',
      variant: typeof json.variant === 'string' && json.variant ? json.variant : undefined,
      labels: config.Labels && typeof config.Labels === 'object' ? (config.Labels as Record<string, string>) : {},
    };
    return { image, fromCache: false, topDigest };
  }

  /** The digest a HEAD of `path` names (Docker-Content-Digest), or undefined when the registry does not say. */
  private async headDigest(host: string, scope: string, path: string, accept: string[]): Promise<string | undefined> {
    const response = await this.authorized(host, scope, path, accept, 'HEAD');
    await response.body?.cancel();
    if (response.status !== 200) return undefined;
    const digest = response.headers.get('docker-content-digest') ?? '';
    return /^sha256:[a-f0-9]{64}$/.test(digest) ? digest : undefined;
  }

  /** A request with an anonymous token when the registry asks for one (401 with a Bearer challenge). */
  private async authorized(host: string, scope: string, path: string, accept: string[], method: 'GET' | 'HEAD'): Promise<Response> {
    const response = await this.get(host, path, accept, this.token(host, scope), method);
    if (response.status !== 401) return response;
    const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
    await response.body?.cancel();
    if (!challenge) throw new RegistryLookupError(`${host} asks for credentials (anonymous lookups only)`);
    return this.get(host, path, accept, await this.fetchToken(host, scope, challenge), method);
  }

  /** A manifest or blob as JSON, with the digest of the bytes received (not the one the server claims). */
  private async getJson(host: string, scope: string, path: string, accept: string[]): Promise<{ json: unknown; digest: string; mediaType: string }> {
    const response = await this.authorized(host, scope, path, accept, 'GET');
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new RegistryLookupError(`${host} answered ${response.status} for ${path}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_BYTES) {
      await response.body?.cancel();
      throw new RegistryLookupError(`${path} is ${declared} bytes, more than a manifest or config`);
    }
    const bytes = await readLimited(response, MAX_BYTES);
    if (!bytes) throw new RegistryLookupError(`${path} is more than ${MAX_BYTES} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new RegistryLookupError(`${path} is not JSON`);
    }
    const mediaType = (json as { mediaType?: unknown }).mediaType;
    return { json, digest: sha256(bytes), mediaType: typeof mediaType === 'string' ? mediaType : (response.headers.get('content-type') ?? '') };
  }

  private async get(host: string, path: string, accept: string[], token: string | undefined, method: 'GET' | 'HEAD' = 'GET'): Promise<Response> {
    const headers: Record<string, string> = { accept: accept.join(', ') };
    if (token) headers.authorization = `Bearer ${token}`;
    const known = this.schemes.get(host);
    if (known || !isLoopbackHost(host)) return this.fetch(`${known ?? 'https'}://${host}${path}`, headers, method, host);
    // A loopback registry: HTTPS first, then plain HTTP, as Docker does for it.
    try {
      const response = await this.fetch(`https://${host}${path}`, { ...headers }, method, host);
      this.schemes.set(host, 'https');
      return response;
    } catch (error) {
      if ((error as Error).name === 'TimeoutError' || error instanceof RegistryLookupError) throw error;
      const response = await this.fetch(`http://${host}${path}`, headers, method, host);
      this.schemes.set(host, 'http');
      return response;
    }
  }

  /**
   * Why `url` may not be asked on behalf of `registry`, or undefined when it may: the
   * registry's own host and port (plain HTTP only there, and only on loopback), or over
   * HTTPS on the default port a host its publisher documents or the configuration names.
   */
  private refusal(registry: string, url: URL): string | undefined {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'which is not HTTP';
    if (url.host === registry) return url.protocol === 'https:' || isLoopbackHost(registry) ? undefined : 'which is not HTTPS';
    const documented = url.port === '' && (REDIRECT_HOSTS[registry] ?? []).some((pattern) => hostMatches(url.hostname.toLowerCase(), pattern));
    const configured = (this.options.redirectHosts ?? []).some((entry) => namedHostMatches(url, entry));
    const elsewhere = documented || configured ? '' : `another host or port than ${registry} that no configuration names`;
    // Plain HTTP, as for a registry, only to a loopback host, and only one the configuration names.
    if (url.protocol !== 'https:' && !(configured && isLoopbackHost(url.host))) return `which is not HTTPS${elsewhere ? ` and ${elsewhere}` : ''}`;
    return elsewhere ? `which is ${elsewhere}` : undefined;
  }

  private async fetch(url: string, headers: Record<string, string>, method: 'GET' | 'HEAD' = 'GET', registry = new URL(url).host): Promise<Response> {
    // Named, so a registry's operator (and the tests, in its log) can tell these requests apart.
    headers['user-agent'] = USER_AGENT;
    let next = new URL(url);
    for (let hop = 0; ; hop++) {
      const refused = this.refusal(registry, next);
      if (refused) throw new RegistryLookupError(hop === 0 ? `${registry}: not asking ${next.origin}, ${refused}` : `${registry} redirected to ${next.origin}, ${refused}`);
      this.options.onRequest?.(next.toString());
      // Redirects are followed here, one hop at a time, each checked before it is sent.
      const response = await fetch(next, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
      const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
      if (location === null) return response;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new RegistryLookupError(`${registry} redirected more than ${MAX_REDIRECTS} times`);
      const target = new URL(location, next);
      // Credentials stay with the host that issued them.
      if (target.host !== next.host) delete headers.authorization;
      next = target;
    }
  }

  private token(host: string, scope: string): string | undefined {
    const entry = this.tokens.get(`${host} ${scope}`);
    return entry && entry.until > Date.now() ? entry.token : undefined;
  }

  private async fetchToken(host: string, scope: string, challenge: Record<string, string>): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(challenge.realm);
    } catch {
      throw new RegistryLookupError(`${host}'s token realm is not a URL`);
    }
    const refused = this.refusal(host, realm);
    if (refused) throw new RegistryLookupError(`${host}'s token realm is ${realm.origin}, ${refused}`);
    if (challenge.service) realm.searchParams.set('service', challenge.service);
    realm.searchParams.set('scope', scope);
    const response = await this.fetch(realm.toString(), { accept: 'application/json' }, 'GET', host);
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new RegistryLookupError(`${realm.host} gave no anonymous token (${response.status})`);
    }
    const bytes = await readLimited(response, MAX_BYTES);
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(bytes ?? new Uint8Array())) as typeof body;
    } catch {
      throw new RegistryLookupError(`${realm.host} gave no token`);
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new RegistryLookupError(`${realm.host} gave no token`);
    // Docker Hub's anonymous tokens last 300 s; a little less, so one never expires mid-lookup.
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    this.tokens.set(`${host} ${scope}`, { token, until: Date.now() + (seconds - 10) * 1000 });
    return token;
  }
}
