/**
 * Facts read from the base image itself (on the user's own engine), merged over the
 * built-in table: the best source wins per fact (local image, then table, then
 * unknown), and each fact remembers where it came from so hover and messages can say.
 * Pure: the host reads images (server/src/host/imageFacts) and passes plain data in.
 */
import { classifyImage, ImageInfo, ImageUser, Libc, ROOT, Runtime } from './imageFacts';

/** What an image's config says, whoever read it (the local engine or a registry). */
export interface ImageConfigFacts {
  /** Image ID (the config digest), e.g. `sha256:3f2a…`. */
  id: string;
  /** Config.User as the image sets it; empty when unset (root). */
  user: string;
  entrypoint?: string[];
  cmd?: string[];
  /** Config.Env, `NAME=value` each. */
  env: string[];
  workingDir: string;
  os: string;
  architecture: string;
  variant?: string;
  labels: Record<string, string>;
}

/** What the host read from one local image: its config and what its file system holds. */
export interface ObservedImage extends ImageConfigFacts {
  /** Shells present (symlinks followed): `/bin/sh`, `/busybox/sh`, `/bin/bash`, `/bin/ash`. */
  shells: string[];
  /** Runtimes found on the image's PATH, by program name (`node`, `python3`, `java`), with the path found. */
  runtimes: Record<string, string>;
  /** Entries of /etc/passwd, when the image has one. */
  users?: ImageUser[];
  /** From the dynamic loaders present: musl's ld-musl-*, glibc's ld-linux*; none when neither. */
  libc: Exclude<Libc, 'unknown'>;
  /** /etc/ssl/certs/ca-certificates.crt is present. */
  caBundle: boolean;
}

/**
 * What a registry says about an image without its layers (opt-in network lookups):
 * the platform's image manifest and the image config it names. No file facts (shell,
 * runtimes on PATH, libc, CA bundle, /etc/passwd): those live in the layers.
 */
export interface RegistryImage extends ImageConfigFacts {
  /** The registry host asked, e.g. `registry-1.docker.io`, `cgr.dev`. */
  registry: string;
  /** Digest of the platform's image manifest (what `name@sha256:…` pins). */
  manifestDigest: string;
}

/** Why no local image could be read; each says something different to the user. */
export type AbsenceReason = 'not-found' | 'no-engine' | 'off' | 'error' | 'invalid-reference';

export type ImageObservation =
  | { state: 'observed'; image: ObservedImage }
  /** Not on this machine, but its config was read from its registry (turned on by the user). */
  | { state: 'registry'; image: RegistryImage }
  | { state: 'absent'; reason: AbsenceReason; detail?: string };

/** Observations by image reference, as the Dockerfile resolves it (after ARG substitution). */
export type ObservedImages = Readonly<Record<string, ImageObservation>>;

export type FactSource =
  | { kind: 'image'; id: string }
  /** `id`: the config digest read from the registry. */
  | { kind: 'registry'; id: string }
  /** `doc`: the publisher's documentation the table row rests on. */
  | { kind: 'table'; doc?: string }
  /** `key`: the entry of the configuration file's `images:` that declares it. */
  | { kind: 'declared'; key: string }
  | { kind: 'unknown' };

export type FactName = 'shell' | 'user' | 'entrypoint' | 'runtime' | 'libc' | 'caBundle';

export interface ImageProvenance {
  reference: string;
  /** What the host said about the local image; undefined when the caller passed nothing. */
  observation?: ImageObservation;
  sources: Record<FactName, FactSource>;
}

/** Shells Docker's shell form (`/bin/sh -c`) needs, and the busybox one distroless :debug images carry. */
export const SHELL_PATHS = ['/bin/sh', '/busybox/sh', '/bin/bash', '/bin/ash'] as const;
/** Programs looked up on the image's PATH, and the runtime each stands for. */
export const RUNTIME_PROGRAMS: Readonly<Record<string, Runtime>> = { node: 'node', python3: 'python', python: 'python', java: 'java', dotnet: 'dotnet' };

const provenance = new WeakMap<ImageInfo, ImageProvenance>();

/** Where each fact of an image came from; undefined for infos not built by imageFactsFor. */
export function provenanceOf(info: ImageInfo): ImageProvenance | undefined {
  return provenance.get(info);
}

const TABLE_FAMILIES = new Set<ImageInfo['family']>(['distroless', 'chainguard', 'dhi', 'dotnet-chiseled', 'scratch', 'general', 'windows']);

/**
 * The key a reference is observed under: the reference as resolved, plus the platform
 * FROM asks for (`--platform=linux/arm64`), since a local image of another platform is
 * not the one the build uses.
 */
export function imageKey(reference: string, platform?: string): string {
  return platform ? `${reference} --platform=${platform}` : reference;
}

export function parseImageKey(key: string): { reference: string; platform?: string } {
  const at = key.indexOf(' --platform=');
  return at < 0 ? { reference: key } : { reference: key.slice(0, at), platform: key.slice(at + ' --platform='.length) };
}

/**
 * Facts the project declares for an image neither the engine nor the registry can show
 * (a private base): the configuration file's `images:` entry, by reference (`corp/base:1`)
 * or by name for every tag (`corp/base`).
 */
export interface DeclaredImage {
  shell?: boolean;
  /** `uid[:gid]`, or `root`. */
  user?: string;
  libc?: Exclude<Libc, 'unknown'>;
}

export interface FactsOptions {
  images?: ObservedImages;
  distrolessRegistry?: string;
  declaredImages?: Readonly<Record<string, DeclaredImage>>;
}

/** The declaration for a reference: its exact entry, else the entry of its name without tag or digest. */
function declarationFor(reference: string, declared: FactsOptions['declaredImages']): { key: string; facts: DeclaredImage } | undefined {
  if (!declared) return undefined;
  if (Object.prototype.hasOwnProperty.call(declared, reference)) return { key: reference, facts: declared[reference] };
  const name = reference.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  return Object.prototype.hasOwnProperty.call(declared, name) ? { key: name, facts: declared[name] } : undefined;
}

/** `65532:65532`, `1000`, `root`: the user a declaration names; undefined for a name without uid. */
export function declaredUser(user: string): ImageUser | undefined {
  if (user === 'root') return ROOT;
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  return m ? { name: m[1], uid: Number(m[1]), gid: Number(m[2] ?? m[1]) } : undefined;
}

/** What the image itself did not tell (not read locally), the declaration states: it wins over the table and the registry. */
function withDeclared(info: ImageInfo, reference: string, options: FactsOptions, observation: ImageObservation | undefined, sources: Record<FactName, FactSource>): ImageInfo {
  const found = declarationFor(reference, options.declaredImages);
  if (!found || observation?.state === 'observed') return info;
  const from: FactSource = { kind: 'declared', key: found.key };
  const words = `declared in the configuration file (images: "${found.key}")`;
  const merged: ImageInfo = { ...info, sources: { ...info.sources } };
  if (found.facts.shell !== undefined) {
    merged.shell = found.facts.shell ? 'yes' : 'no';
    merged.shellless = !found.facts.shell;
    merged.sources.shell = words;
    sources.shell = from;
  }
  const user = found.facts.user !== undefined ? declaredUser(found.facts.user) : undefined;
  if (user) {
    merged.defaultUser = user;
    merged.sources.user = words;
    sources.user = from;
  }
  if (found.facts.libc !== undefined) {
    merged.libc = found.facts.libc;
    sources.libc = from;
  }
  if (merged.os === 'unknown') merged.os = 'linux';
  provenance.set(merged, { reference, observation, sources });
  return merged;
}

/**
 * The facts for one resolved image reference: the built-in table, overridden fact by
 * fact by what was read from the local image when `options.images` has it.
 */
export function imageFactsFor(reference: string, options: FactsOptions, platform?: string): ImageInfo {
  const table = classifyImage(reference, options.distrolessRegistry);
  const known = TABLE_FAMILIES.has(table.family);
  const tableSource = (doc?: string): FactSource => (known ? { kind: 'table', doc } : { kind: 'unknown' });
  const observation = options.images?.[imageKey(reference, platform)];
  const sources: Record<FactName, FactSource> = {
    shell: table.shell === 'unknown' ? { kind: 'unknown' } : tableSource(table.sources.shell),
    user: table.defaultUser ? tableSource(table.sources.user) : { kind: 'unknown' },
    entrypoint: tableSource(),
    runtime: tableSource(),
    libc: table.libc === 'unknown' ? { kind: 'unknown' } : tableSource(),
    caBundle: table.caBundle !== undefined ? tableSource() : { kind: 'unknown' },
  };
  if (observation?.state === 'registry' && table.family !== 'scratch' && observation.image.os !== 'windows') {
    return withDeclared(fromRegistryConfig(reference, table, observation, sources), reference, options, observation, sources);
  }
  // scratch is empty by definition; a Windows image's shell is cmd.exe, not a file we look for.
  if (observation?.state !== 'observed' || table.family === 'scratch' || observation.image.os === 'windows') {
    provenance.set(table, { reference, observation, sources });
    return withDeclared(table, reference, options, observation, sources);
  }
  const image = observation.image;
  const from: FactSource = { kind: 'image', id: image.id };
  const hasSh = image.shells.includes('/bin/sh');
  const anyShell = image.shells.length > 0;
  const runtime = observedRuntime(image) ?? table.runtime;
  const defaultUser = observedUser(image);
  const described = `local image ${image.id}`;
  const merged: ImageInfo = {
    ...table,
    os: 'linux',
    shell: hasSh ? 'yes' : 'no',
    shellless: !hasSh,
    // A shell only outside /bin (busybox under /busybox, as distroless :debug) is there for debugging.
    debug: table.debug || (anyShell && !hasSh),
    defaultUser,
    entrypoint: image.entrypoint ?? [],
    runtime,
    runtimeVersion: observedRuntimeVersion(image, runtime) ?? (runtime === table.runtime ? table.runtimeVersion : undefined),
    libc: image.libc,
    staticOnly: table.staticOnly || image.libc === 'none',
    caBundle: image.caBundle,
    sources: { shell: described, user: defaultUser ? described : `${described}: user "${image.user}" is not in its /etc/passwd` },
  };
  for (const key of Object.keys(sources) as FactName[]) sources[key] = from;
  if (!defaultUser) sources.user = { kind: 'unknown' };
  provenance.set(merged, { reference, observation, sources });
  return merged;
}

/**
 * Only what an image config says is taken from the registry: user (a uid, or a name
 * the table gives the same uid for: no /etc/passwd was read), entrypoint, and the
 * runtime its entrypoint or environment names. Shell, libc and CA bundle stay the
 * table's, or unknown: only the files would tell.
 */
function fromRegistryConfig(reference: string, table: ImageInfo, observation: { state: 'registry'; image: RegistryImage }, sources: Record<FactName, FactSource>): ImageInfo {
  const image = observation.image;
  const from: FactSource = { kind: 'registry', id: image.id };
  const described = `the registry's image config ${image.id}`;
  const [userPart] = image.user.trim().split(':');
  const configUser = /^\d+$/.test(userPart ?? '') || !userPart ? observedUser({ user: image.user, users: [] }) : undefined;
  let defaultUser = configUser;
  let userSource: FactSource = from;
  if (!defaultUser && userPart && table.defaultUser?.name === userPart && sources.user.kind === 'table') {
    // A name the table knows for this image: the table's uid for it (its source stays the table).
    defaultUser = table.defaultUser;
    userSource = sources.user;
  }
  const viaConfig = runtimeFromConfig(image);
  const runtime = viaConfig ?? table.runtime;
  const merged: ImageInfo = {
    ...table,
    os: 'linux',
    defaultUser,
    entrypoint: image.entrypoint ?? [],
    runtime,
    runtimeVersion: versionFromEnv(image, runtime) ?? (runtime === table.runtime ? table.runtimeVersion : undefined),
    sources: { shell: table.sources.shell, user: defaultUser ? (userSource === from ? described : table.sources.user) : `${described}: user "${image.user}" cannot be resolved without the image's /etc/passwd` },
  };
  sources.user = defaultUser ? userSource : { kind: 'unknown' };
  sources.entrypoint = from;
  if (viaConfig) sources.runtime = from;
  provenance.set(merged, { reference, observation, sources });
  return merged;
}

/** The image's default user: Config.User, named through its own /etc/passwd. Undefined when a name is not there. */
export function observedUser(image: Pick<ObservedImage, 'user' | 'users'>): ImageUser | undefined {
  const [userPart, groupPart] = image.user.trim().split(':');
  if (!userPart) return ROOT;
  const users = image.users ?? [];
  if (/^\d+$/.test(userPart)) {
    const uid = Number(userPart);
    const named = users.find((u) => u.uid === uid);
    const gid = groupPart && /^\d+$/.test(groupPart) ? Number(groupPart) : named?.gid ?? uid;
    return { name: named?.name ?? userPart, uid, gid };
  }
  const named = users.find((u) => u.name === userPart);
  if (!named) return undefined;
  return { ...named, gid: groupPart && /^\d+$/.test(groupPart) ? Number(groupPart) : named.gid };
}

/** The runtime the entrypoint's program is (`/nodejs/bin/node`, `python3.13`). */
function runtimeOfEntrypoint(image: { entrypoint?: string[] }): Runtime | undefined {
  const first = image.entrypoint?.[0];
  if (!first) return undefined;
  const program = first.split('/').pop() ?? '';
  return RUNTIME_PROGRAMS[program.replace(/\d+(\.\d+)*$/, '')];
}

/** From a config alone: the entrypoint's program, else the one runtime whose version the environment states. */
function runtimeFromConfig(image: RegistryImage): Runtime | undefined {
  const viaEntrypoint = runtimeOfEntrypoint(image);
  if (viaEntrypoint) return viaEntrypoint;
  const stated = (Object.keys(VERSION_ENV) as Runtime[]).filter((r) => image.env.some((e) => e.startsWith(`${VERSION_ENV[r]!.name}=`)));
  return stated.length === 1 ? stated[0] : undefined;
}

function observedRuntime(image: ObservedImage): Runtime | undefined {
  // The entrypoint names the runtime the image is for; otherwise the first one on PATH.
  const viaEntrypoint = runtimeOfEntrypoint(image);
  if (viaEntrypoint) return viaEntrypoint;
  for (const program of Object.keys(RUNTIME_PROGRAMS)) if (image.runtimes[program]) return RUNTIME_PROGRAMS[program];
  return undefined;
}

const VERSION_ENV: Partial<Record<Runtime, { name: string; pattern: RegExp }>> = {
  node: { name: 'NODE_VERSION', pattern: /^v?(\d+)/ },
  python: { name: 'PYTHON_VERSION', pattern: /^(\d+\.\d+)/ },
  java: { name: 'JAVA_VERSION', pattern: /^(?:jdk-?)?(\d+)/ },
  go: { name: 'GOLANG_VERSION', pattern: /^(\d+\.\d+)/ },
  dotnet: { name: 'DOTNET_VERSION', pattern: /^(\d+\.\d+)/ },
};

/** The version the official images state in their environment (NODE_VERSION=22.11.0, …), or in the interpreter's name. */
function versionFromEnv(image: { env: string[] }, runtime: Runtime): string | undefined {
  const spec = VERSION_ENV[runtime];
  if (!spec) return undefined;
  const entry = image.env.find((e) => e.startsWith(`${spec.name}=`));
  return entry ? spec.pattern.exec(entry.slice(spec.name.length + 1))?.[1] : undefined;
}

function observedRuntimeVersion(image: ObservedImage, runtime: Runtime): string | undefined {
  const version = versionFromEnv(image, runtime);
  if (version) return version;
  if (runtime === 'python') {
    const path = image.entrypoint?.[0] ?? image.runtimes.python3 ?? '';
    return /python(\d+\.\d+)$/.exec(path)?.[1];
  }
  return undefined;
}

/** A short form of an image ID for messages: `sha256:3f2a9c1e4b5d`. */
export function shortImageId(id: string): string {
  const [algorithm, hex] = id.includes(':') ? id.split(':', 2) : ['sha256', id];
  return `${algorithm}:${hex.slice(0, 12)}`;
}

/** Where a fact comes from, in the words hover and messages use. */
export function describeSource(source: FactSource, observation?: ImageObservation): string {
  if (source.kind === 'image') return `read from the local image ${shortImageId(source.id)}`;
  if (source.kind === 'registry') return `from the registry's image config (${shortImageId(source.id)})`;
  if (source.kind === 'table') {
    const url = source.doc ? /\((https?:[^)\s]+)\)/.exec(source.doc)?.[1] : undefined;
    return url ? `from the built-in table (source: ${url})` : 'from the built-in table';
  }
  if (source.kind === 'declared') return `declared in the configuration file (images: "${source.key}")`;
  return `unknown: ${absenceWords(observation)}`;
}

/** Why the local image could not tell us, for "unknown: …". */
export function absenceWords(observation?: ImageObservation): string {
  if (!observation) return 'not read from a local image yet';
  if (observation.state === 'observed') return 'the local image does not say';
  if (observation.state === 'registry') return 'only the image config was read from the registry, not its files';
  switch (observation.reason) {
    case 'not-found':
      return 'not on this machine';
    case 'no-engine':
      return 'no Docker engine reachable';
    case 'off':
      return 'reading local images is turned off';
    case 'error':
      return `the local image could not be read${observation.detail ? ` (${observation.detail})` : ''}`;
    case 'invalid-reference':
      return `not a valid reference${observation.detail ? ` (${observation.detail})` : ''}`;
  }
}

/**
 * Markdown for a hover on a FROM image: each fact the product believes, and where
 * it comes from.
 */
export function describeImage(info: ImageInfo, otherwise?: ImageObservation): string {
  const p = provenanceOf(info);
  const sources = p?.sources;
  // What lint was given wins when it read the image; otherwise the host's latest word on why not.
  const seen = p?.observation?.state === 'observed' || p?.observation?.state === 'registry' ? p.observation : otherwise ?? p?.observation;
  // An error's detail may quote what a registry or an engine said.
  const observation = seen?.state === 'absent' && seen.detail ? { ...seen, detail: markdownText(seen.detail) } : seen;
  const src = (fact: FactName) => (sources ? describeSource(sources[fact], observation) : 'from the built-in table');
  const lines: string[] = [];
  const title = p?.reference ?? info.ref.text;
  lines.push(`**${markdownText(title)}**`);
  if (observation?.state === 'observed') {
    const image = observation.image;
    lines.push(`Local image ${shortImageId(image.id)} (${markdownText(`${image.os}/${image.architecture}${image.variant ? `/${image.variant}` : ''}`)}).`);
  } else if (observation?.state === 'registry') {
    const image = observation.image;
    lines.push(`Not read from a local image. Image config ${shortImageId(image.id)} read from the registry ${markdownText(image.registry)} (manifest ${shortImageId(image.manifestDigest)}, ${markdownText(`${image.os}/${image.architecture}${image.variant ? `/${image.variant}` : ''}`)}); its files were not read.`);
  } else {
    lines.push(`Not read from a local image: ${absenceWords(observation)}.`);
  }
  lines.push('');
  const shells = observation?.state === 'observed' && sources?.shell.kind === 'image' ? observation.image.shells : [];
  const shellText = info.shell === 'unknown'
    ? 'shell'
    : info.shellless
      ? shells.length > 0 ? `no /bin/sh (only ${markdownText(shells.join(', '))})` : 'no shell'
      : shells.length > 0 ? `shell: ${markdownText(shells.join(', '))}` : 'has a shell';
  lines.push(`- ${shellText}: ${info.shell === 'unknown' ? describeSource({ kind: 'unknown' }, observation) : src('shell')}`);
  const user = info.defaultUser;
  const userText = user ? (user.uid === 0 ? 'runs as root (uid 0)' : `runs as ${user.uid}${user.name !== String(user.uid) ? ` (${markdownText(user.name)})` : ''}`) : 'default user';
  lines.push(`- ${userText}: ${user ? src('user') : describeSource({ kind: 'unknown' }, observation)}`);
  if (sources?.entrypoint.kind !== 'unknown') {
    const ep = info.entrypoint && info.entrypoint.length > 0 ? `entrypoint ${markdownText(JSON.stringify(info.entrypoint))}` : 'no entrypoint';
    lines.push(`- ${ep}: ${src('entrypoint')}`);
  }
  if (info.runtime !== 'none' || sources?.runtime.kind === 'image') {
    const rt = info.runtime === 'none' ? 'no language runtime on PATH' : `runtime ${markdownText(`${info.runtime}${info.runtimeVersion ? ` ${info.runtimeVersion}` : ''}`)}`;
    lines.push(`- ${rt}: ${src('runtime')}`);
  }
  const libcText = info.libc === 'unknown' ? 'libc' : info.libc === 'none' ? 'no libc' : info.libc;
  lines.push(`- ${libcText}: ${info.libc === 'unknown' ? describeSource({ kind: 'unknown' }, observation) : src('libc')}`);
  if (info.caBundle !== undefined) lines.push(`- ${info.caBundle ? 'has' : 'no'} CA certificate bundle: ${src('caBundle')}`);
  if (info.shell === 'unknown' && !info.defaultUser) {
    const name = title.replace(/[`\\]/g, '');
    const lookups = observation?.state === 'registry' ? '' : ', turn on registry lookups (`distroless.imageFacts.registryLookups`, CLI `--registry-lookups`)';
    lines.push('', `Unknown image: the rules that need its shell or user stay quiet. To make it known, pull it (\`docker pull ${name}\`)${lookups}, or declare it in .distroless.yaml: \`images: { "${name}": { shell: false, user: "65532:65532", libc: glibc } }\`.`);
  }
  return lines.join('\n');
}

/**
 * Text for Markdown that did not come from us (a registry's or an image's config, the
 * Dockerfile's reference, error details): the characters that open a link, an image,
 * HTML, code or emphasis are escaped, and control characters (a line break would start
 * a block of its own) become spaces.
 */
export function markdownText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/[\\`*_[\]<>!&|~#{}]/g, '\\$&');
}

/** The users of the image's own /etc/passwd, when it was read from a local image. */
export function observedUsers(info: ImageInfo): readonly ImageUser[] | undefined {
  const observation = provenanceOf(info)?.observation;
  return observation?.state === 'observed' ? observation.image.users : undefined;
}
