import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type Docker from 'dockerode';
import { EngineAttempt, EngineUnreachableError } from './errors';

/** Where an endpoint came from; decides how we describe it and how `docker run` reaches it. */
export type EndpointSource = 'DOCKER_HOST' | 'context' | 'default' | 'podman';

export interface EngineEndpoint {
  /** URL form, e.g. `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`, `ssh://me@box`. */
  url: string;
  source: EndpointSource;
  /** Docker context name when `source === 'context'`. */
  contextName?: string;
  /** Human description used in errors: url plus where it came from. */
  description: string;
  /** What dockerode needs to reach it. */
  options: Docker.DockerOptions;
  /**
   * Arguments the docker CLI needs to reach the same engine from a plain shell
   * (empty when the CLI's own defaults or the user's environment already lead there).
   */
  cliArgs: string[];
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * An engine address from an editor setting: it wins over DOCKER_HOST and contexts
   * and is named as `origin` (the setting's name) in descriptions and errors.
   */
  host?: { address: string; origin: string };
  /** Home directory; defaults to os.homedir(). Tests pass a temp dir. */
  homedir?: string;
}

/**
 * Endpoints to try, in the docker CLI's order of precedence: DOCKER_HOST, then
 * DOCKER_CONTEXT, then `currentContext` in config.json. When one of those is set
 * it is the only candidate: silently falling back to another engine would debug
 * a container on the wrong machine. Only without any configuration do we probe
 * the well-known sockets (Docker, Docker Desktop, rootless Docker, Podman).
 */
export function resolveEngineCandidates(opts: ResolveOptions = {}): EngineEndpoint[] {
  const env = opts.env ?? process.env;
  const home = opts.homedir ?? os.homedir();
  const fromSetting = opts.host?.address.trim();
  if (fromSetting) {
    // TLS variables apply as they would to DOCKER_HOST: the address stands in for it. The
    // docker CLI (verify's builds) is not given the setting by its environment: it gets --host.
    const endpoint = endpointFromHost(fromSetting, env, home, opts.host!.origin, 'DOCKER_HOST');
    return [{ ...endpoint, cliArgs: ['--host', fromSetting] }];
  }
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    return [endpointFromHost(dockerHost, env, home, 'DOCKER_HOST', 'DOCKER_HOST')];
  }
  const configDir = env.DOCKER_CONFIG?.trim() || path.join(home, '.docker');
  const envContext = env.DOCKER_CONTEXT?.trim();
  const contextName = envContext || readCurrentContext(configDir);
  if (contextName && contextName !== 'default') {
    const origin = envContext ? 'DOCKER_CONTEXT' : `currentContext in ${path.join(configDir, 'config.json')}`;
    return [endpointFromContext(contextName, configDir, env, home, origin)];
  }
  return defaultSocketCandidates(env, home);
}

function readCurrentContext(configDir: string): string | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(configDir, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(raw) as { currentContext?: unknown };
    return typeof parsed.currentContext === 'string' && parsed.currentContext ? parsed.currentContext : undefined;
  } catch {
    // The docker CLI refuses a broken config.json too; surfacing that here would
    // hide the real question (is there an engine?), so fall back to the defaults.
    return undefined;
  }
}

/** Thrown inside resolution; turned into a failed attempt so the user sees it in the one error. */
export class EndpointConfigError extends Error {
  constructor(
    readonly endpoint: string,
    message: string,
  ) {
    super(message);
  }
}

function endpointFromContext(name: string, configDir: string, env: NodeJS.ProcessEnv, home: string, origin: string): EngineEndpoint {
  // The CLI stores contexts under the SHA-256 of their name (cli/context/store).
  const digest = crypto.createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(configDir, 'contexts', 'meta', digest, 'meta.json');
  let meta: { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  } catch (err) {
    throw new EndpointConfigError(`context "${name}" (from ${origin})`, `cannot read ${metaFile}: ${(err as Error).message}`);
  }
  const host = meta.Endpoints?.docker?.Host;
  if (!host) {
    throw new EndpointConfigError(`context "${name}" (from ${origin})`, `${metaFile} has no Endpoints.docker.Host`);
  }
  const tlsDir = path.join(configDir, 'contexts', 'tls', digest, 'docker');
  const tls = readTlsFiles(tlsDir);
  const endpoint = endpointFromHost(host, env, home, `context "${name}" (from ${origin})`, 'context', {
    tls: tls ? { ...tls, verify: !meta.Endpoints?.docker?.SkipTLSVerify } : undefined,
  });
  endpoint.contextName = name;
  // The CLI reaches a context by name; the user's shell may not have DOCKER_CONTEXT.
  endpoint.cliArgs = ['--context', name];
  return endpoint;
}

interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

function readTlsFiles(dir: string): TlsMaterial | undefined {
  const read = (file: string) => {
    try {
      return fs.readFileSync(path.join(dir, file));
    } catch {
      return undefined;
    }
  };
  const material = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  return material.ca || material.cert || material.key ? material : undefined;
}

function endpointFromHost(
  host: string,
  env: NodeJS.ProcessEnv,
  home: string,
  origin: string,
  source: EndpointSource,
  extra: { tls?: TlsMaterial & { verify: boolean } } = {},
): EngineEndpoint {
  const described = `${host} (${origin})`;
  // Every key is set explicitly: docker-modem merges its own reading of
  // process.env underneath our options, and a stray `host` would win over `socketPath`.
  const base: Docker.DockerOptions = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined };
  if (host.startsWith('unix://') || host.startsWith('npipe://')) {
    const socketPath = host.replace(/^(unix|npipe):\/\//, '');
    if (!socketPath) throw new EndpointConfigError(described, 'no socket path after the scheme');
    return { url: host, source, description: described, options: { ...base, socketPath }, cliArgs: [] };
  }
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch {
    throw new EndpointConfigError(described, 'not a valid engine address (expected unix://, tcp://host:port or ssh://user@host)');
  }
  if (url.protocol === 'ssh:') {
    return {
      url: host,
      source,
      description: described,
      options: {
        ...base,
        protocol: 'ssh',
        host: url.hostname,
        port: url.port || 22,
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: { agent: env.SSH_AUTH_SOCK },
      },
      cliArgs: [],
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EndpointConfigError(described, `unsupported scheme ${url.protocol}`);
  }
  // Same rules as the docker CLI: DOCKER_TLS_VERIFY turns on verified TLS with
  // the certificates in DOCKER_CERT_PATH (default ~/.docker); DOCKER_TLS alone is
  // TLS without verifying the server.
  let tls = extra.tls;
  if (!tls && source === 'DOCKER_HOST') {
    const verify = isSet(env.DOCKER_TLS_VERIFY);
    if (verify || isSet(env.DOCKER_TLS) || url.protocol === 'https:') {
      const certDir = env.DOCKER_CERT_PATH?.trim() || path.join(home, '.docker');
      const material = readTlsFiles(certDir);
      if (verify && !material?.ca) {
        throw new EndpointConfigError(described, `DOCKER_TLS_VERIFY is set but ${path.join(certDir, 'ca.pem')} cannot be read`);
      }
      tls = { ...material, verify };
    }
  }
  const port = url.port || (tls ? '2376' : '2375');
  const options: Docker.DockerOptions = { ...base, host: url.hostname, port, protocol: tls ? 'https' : 'http' };
  if (tls) {
    options.ca = tls.ca;
    options.cert = tls.cert;
    options.key = tls.key;
    if (!tls.verify) {
      // docker-modem passes no rejectUnauthorized through, so unverified TLS needs its own agent.
      (options as { agent?: https.Agent }).agent = new https.Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: false });
    }
  }
  const pathPrefix = url.pathname && url.pathname !== '/' ? url.pathname : undefined;
  if (pathPrefix) (options as { pathPrefix?: string }).pathPrefix = pathPrefix;
  return { url: host, source, description: described, options, cliArgs: [] };
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function defaultSocketCandidates(env: NodeJS.ProcessEnv, home: string): EngineEndpoint[] {
  const runtimeDir = env.XDG_RUNTIME_DIR?.trim() || (typeof process.getuid === 'function' ? `/run/user/${process.getuid()}` : undefined);
  const sockets: Array<{ socketPath: string; source: EndpointSource; label: string; cliDefault: boolean }> = [
    { socketPath: '/var/run/docker.sock', source: 'default', label: 'default Docker socket', cliDefault: true },
    { socketPath: path.join(home, '.docker', 'run', 'docker.sock'), source: 'default', label: 'Docker Desktop socket', cliDefault: false },
    { socketPath: path.join(home, '.docker', 'desktop', 'docker.sock'), source: 'default', label: 'Docker Desktop socket', cliDefault: false },
  ];
  if (runtimeDir) {
    sockets.push({ socketPath: path.join(runtimeDir, 'docker.sock'), source: 'default', label: 'rootless Docker socket', cliDefault: false });
    sockets.push({ socketPath: path.join(runtimeDir, 'podman', 'podman.sock'), source: 'podman', label: 'Podman user socket', cliDefault: false });
  }
  sockets.push({ socketPath: '/run/podman/podman.sock', source: 'podman', label: 'Podman system socket', cliDefault: false });
  return sockets.map((s) => {
    const url = `unix://${s.socketPath}`;
    return {
      url,
      source: s.source,
      description: `${url} (${s.label})`,
      options: { socketPath: s.socketPath, host: undefined, port: undefined, protocol: undefined },
      cliArgs: s.cliDefault ? [] : ['--host', url],
    };
  });
}

export interface ConnectOptions extends ResolveOptions {
  /** How long each candidate gets to answer /_ping. */
  pingTimeoutMs?: number;
}

export interface Connection {
  docker: Docker;
  endpoint: EngineEndpoint;
}

/**
 * Connects to the first candidate that answers /_ping, or throws one
 * EngineUnreachableError listing every endpoint tried and why it failed.
 */
export async function connectEngine(opts: ConnectOptions = {}): Promise<Connection> {
  const attempts: EngineAttempt[] = [];
  let candidates: EngineEndpoint[];
  try {
    candidates = resolveEngineCandidates(opts);
  } catch (err) {
    if (err instanceof EndpointConfigError) throw new EngineUnreachableError([{ endpoint: err.endpoint, reason: err.message }], engineAdvice(opts));
    throw err;
  }
  const timeoutMs = opts.pingTimeoutMs ?? 5000;
  for (const endpoint of candidates) {
    const socketPath = endpoint.options.socketPath;
    if (typeof socketPath === 'string' && !fs.existsSync(socketPath)) {
      attempts.push({ endpoint: endpoint.description, reason: 'no such socket' });
      continue;
    }
    // Loaded on the first connection, not with this module: the extension activates
    // (and the CLI starts) without running dockerode's and ssh2's start-up code.
    const DockerClient = require('dockerode') as typeof import('dockerode');
    refuseRedirects();
    const docker = new DockerClient(endpoint.options);
    const failure = await ping(docker, timeoutMs);
    if (failure === undefined) return { docker, endpoint };
    attempts.push({ endpoint: endpoint.description, reason: failure });
  }
  throw new EngineUnreachableError(attempts, engineAdvice(opts));
}

/** What to do when no engine answered, for where the address came from. */
function engineAdvice(opts: ResolveOptions): string | undefined {
  if (opts.host?.address.trim()) return `Start the engine at that address, or change ${opts.host.origin} (empty: DOCKER_HOST, the Docker context or the usual sockets).`;
  return undefined;
}

/**
 * docker-modem follows an HTTP redirect from the engine by opening a new request to
 * the Location as a URL: over a Unix socket that is a DNS lookup of a host named after
 * the path ("getaddrinfo ENOTFOUND images"), raised on a request nobody listens to,
 * which kills the process. The engine API never redirects a request we mean to make
 * (Go's mux redirects only unclean paths such as `/images/cgr.dev//x/json`), so no
 * redirect is followed: with a maximum of 0, the redirect becomes an error of the
 * original request, which its caller handles. Same module as dockerode's modem loads.
 */
function refuseRedirects(): void {
  (require('docker-modem/lib/http') as { maxRedirects: number }).maxRedirects = 0;
}

async function ping(docker: Docker, timeoutMs: number): Promise<string | undefined> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      // The typings omit ping's options, but docker-modem honours abortSignal.
      (docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, { abortSignal: abort.signal }),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EACCES') return 'permission denied (is your user in the docker group?)';
    if (e.code === 'ECONNREFUSED') return 'connection refused (engine not running?)';
    if (e.code === 'ENOENT') return 'no such socket';
    return e.message || String(err);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
