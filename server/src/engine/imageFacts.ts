/**
 * Facts about base images: the one classifier the rules and the converter read.
 * The facts themselves, each with the publisher's documentation it rests on, are in
 * imageFacts.data.ts. Nothing else in the engine may hard-code an image name.
 *
 * Facts are three-valued: known yes, known no, or unknown. An image the table does
 * not know is unknown (neither harmless nor suspect): error-severity findings rest
 * only on known facts. Facts read from a local image on the Docker engine override
 * the table (`withLocalFacts`).
 */
import { splitImageReference } from '../shared/imageReference';
import {
  CHAINGUARD_IMAGES, CHAINGUARD_REGISTRY, DHI_ALPINE_IMAGES, DHI_IMAGES, DHI_REGISTRY, DHI_SOURCES, DHI_STATIC_GLIBC, DISTROLESS_NAMES, DISTROLESS_PYTHON_BY_DISTRO, DOCKER_HUB_MIRRORS,
  DOTNET_APP, DOTNET_DISTROLESS_TAG, DOTNET_FIRST_APP_USER, DOTNET_PREFIX, DOTNET_PRODUCTS, END_OF_LIFE,
  NOBODY, NONROOT, OFFICIAL_IMAGES, OTHER_GENERAL_IMAGES, REDHAT_UBI_PREFIXES, ROOT, SOURCES, WINDOWS_IMAGES,
  WINDOWS_TAG, WINDOWS_USERS, type DistrolessName, type GeneralImage, type GeneralKind, type ImageUser, type Libc, type Runtime,
} from './imageFacts.data';

export { ROOT, NONROOT, NOBODY, DOTNET_APP, C_COMPILER_PACKAGES, GO_CGO_OFF_WITHOUT_CC_SINCE, GO_STRIP_IMPLIES_DWARF_SINCE } from './imageFacts.data';
export type { GeneralKind, ImageUser, Libc, Runtime } from './imageFacts.data';

export type ImageFamily = 'distroless' | 'chainguard' | 'dhi' | 'dotnet-chiseled' | 'scratch' | 'general' | 'windows' | 'unknown';
/** A three-valued fact: known yes, known no, or not known. */
export type Tri = 'yes' | 'no' | 'unknown';
export type ImageOs = 'linux' | 'windows' | 'unknown';


export interface ImageRef {
  /** The reference as written after variable resolution. */
  text: string;
  /** Registry host, or undefined for Docker Hub. */
  registry?: string;
  /** Path without registry, e.g. `distroless/static-debian13` or `library/node` written as `node`. */
  path: string;
  tag?: string;
  digest?: string;
}

export interface DistrolessInfo {
  /** e.g. `static`, `nodejs22`, `python3`. */
  name: string;
  /** e.g. `debian13`; undefined when the name floats to the current release. */
  distro?: string;
  /** `latest`, `nonroot`, `debug` or `debug-nonroot` (architecture suffix removed). */
  variant: 'latest' | 'nonroot' | 'debug' | 'debug-nonroot' | 'other';
  archSuffix?: string;
}

/** Where each fact comes from: a table row and its publisher's documentation, or a local image. */
export interface FactSources {
  shell: string;
  user: string;
}

export interface ImageInfo {
  ref: ImageRef;
  family: ImageFamily;
  os: ImageOs;
  /** Whether the image has /bin/sh. */
  shell: Tri;
  /** True only when the image is known to have no /bin/sh (`shell === 'no'`). */
  shellless: boolean;
  /** True for images that only add a shell for debugging (distroless debug, Chainguard -dev). */
  debug: boolean;
  /** The user the image runs as; undefined when not known. */
  defaultUser?: ImageUser;
  /** A non-root user the image creates for the application (`node`, .NET's `app`). */
  appUser?: ImageUser;
  /** The image's own ENTRYPOINT starts as root and steps down to this user. */
  dropsPrivilegesTo?: string;
  /** A server (nginx, httpd) whose master process stays root and whose workers run as this user. */
  workersRunAs?: string;
  /** That server's program when it is not the image's name (`apache2` for `php:*-apache`). */
  serverProgram?: string;
  /** What kind of general-purpose image (OS, toolchain, service), when known. */
  kind?: GeneralKind;
  /** The image's ENTRYPOINT, when the rules need it (the interpreter of language images). */
  entrypoint?: string[];
  runtime: Runtime;
  /** Major version (node) or major.minor (python) of the runtime the image carries, if known. */
  runtimeVersion?: string;
  libc: Libc;
  distroless?: DistrolessInfo;
  /** Static images: no libc at all (static, scratch). */
  staticOnly: boolean;
  /** True when the image is known to carry /etc/ssl/certs/ca-certificates.crt. */
  caBundle?: boolean;
  sources: FactSources;
}

/** Names that resolve in every distroless image's /etc/passwd. */
export const DISTROLESS_USERS: readonly ImageUser[] = [ROOT, NONROOT, NOBODY];

export const DISTROLESS_REGISTRY_PREFIX = 'gcr.io/distroless/';
export const CURRENT_DISTRO = 'debian13';

/**
 * A configured mirror of the distroless images (`registry.example.com/distroless/`),
 * normalised to lower case with one trailing slash; undefined means gcr.io/distroless/.
 */
export function distrolessPrefix(registry?: string): string {
  if (!registry) return DISTROLESS_REGISTRY_PREFIX;
  return `${registry.trim().toLowerCase().replace(/\/+$/, '')}/`;
}

/** A distroless image name on the current Debian release, under the preferred registry. */
export function distrolessImage(name: string, registry?: string): string {
  return `${distrolessPrefix(registry)}${name}-${CURRENT_DISTRO}`;
}

/** Node majors with a published distroless image today. */
export const SUPPORTED_NODE_MAJORS = ['22', '24', '26'] as const;
/** Java versions with a published distroless image today. */
export const SUPPORTED_JAVA_VERSIONS = ['17', '21', '25'] as const;
export const DISTROLESS_PYTHON_VERSION = '3.13';
export const PYTHON_BUILDER_IMAGE = 'python:3.13-slim-trixie';
/** Node major for a build whose version is unknown (`node:lts`, `node:alpine`): the active LTS today. */
export const NODE_DEFAULT_MAJOR = '24';
/** .NET version for an SDK tag without one; .NET 10 is the LTS in support today (8 ends 2026-11-10). */
export const DOTNET_DEFAULT_VERSION = '10.0';

/**
 * Dotted version numbers compared part by part (`1.10` > `1.9`). NaN when a part is not
 * a number (`1.22rc1`): every comparison with it is false, so no version-gated claim is made.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The supported Node major a build on `version` should move to: the same major when
 * published, else the next published one (native modules are rebuilt for it), else the newest.
 */
export function supportedNodeMajor(version?: string): string {
  const v = version !== undefined && /^\d+$/.test(version) ? Number(version) : undefined;
  if (v === undefined) return NODE_DEFAULT_MAJOR;
  return SUPPORTED_NODE_MAJORS.find((m) => Number(m) >= v) ?? SUPPORTED_NODE_MAJORS[SUPPORTED_NODE_MAJORS.length - 1];
}

/** The distroless Java a build for `version` runs on: the first published release not older than it. */
export function supportedJavaVersion(version?: string): string {
  const v = version !== undefined && /^\d+$/.test(version) ? Number(version) : undefined;
  if (v === undefined) return '21';
  return SUPPORTED_JAVA_VERSIONS.find((m) => Number(m) >= v) ?? SUPPORTED_JAVA_VERSIONS[SUPPORTED_JAVA_VERSIONS.length - 1];
}

/** Distroless images by what the artifact needs from the OS (no runtime of its own). */
export function distrolessNativeImage(needs: 'static' | 'glibc' | 'libstdc++', registry?: string): string {
  const name = needs === 'static' ? 'static' : needs === 'glibc' ? 'base' : 'cc';
  return `${distrolessImage(name, registry)}:nonroot`;
}

/**
 * The chiseled .NET image for a published app: `aspnet` (which includes the runtime)
 * for framework-dependent apps, `runtime-deps` for self-contained ones.
 */
/** The first .NET release with Ubuntu 24.04 (noble) chiseled images. */
export const DOTNET_FIRST_NOBLE_CHISELED = 8;

/** The chiseled image for a .NET version, or undefined where none is published (before .NET 8). */
export function dotnetChiseledImage(version: string | undefined, selfContained: boolean): string | undefined {
  const v = version ?? DOTNET_DEFAULT_VERSION;
  if (Number.parseFloat(v) < DOTNET_FIRST_NOBLE_CHISELED) return undefined;
  return `${DOTNET_PREFIX}${selfContained ? 'runtime-deps' : 'aspnet'}:${v}-noble-chiseled`;
}

/**
 * The chiseled image of one .NET product (`aspnet`, `runtime` or `runtime-deps`): the
 * converter keeps the product the Dockerfile shipped on and swaps only the tag.
 * Source: https://github.com/dotnet/dotnet-docker/blob/main/README.runtime-deps.md and
 * README.aspnet.md / README.runtime.md (tags `<version>-noble-chiseled` from .NET 8 on).
 */
export function dotnetChiseledProductImage(product: 'aspnet' | 'runtime' | 'runtime-deps', version: string | undefined): string | undefined {
  const v = version ?? DOTNET_DEFAULT_VERSION;
  if (!(Number.parseFloat(v) >= DOTNET_FIRST_NOBLE_CHISELED)) return undefined;
  return `${DOTNET_PREFIX}${product}:${v}-noble-chiseled`;
}

/** The .NET product an image reference names (`mcr.microsoft.com/dotnet/aspnet:…` gives `aspnet`), if any. */
export function dotnetProductOf(ref: ImageRef): 'sdk' | 'aspnet' | 'runtime' | 'runtime-deps' | undefined {
  if (ref.registry !== 'mcr.microsoft.com') return undefined;
  const m = /^dotnet\/(?:nightly\/)?(sdk|aspnet|runtime|runtime-deps)$/.exec(ref.path);
  return m ? (m[1] as 'sdk' | 'aspnet' | 'runtime' | 'runtime-deps') : undefined;
}

/** A FROM image as the table reads it: Docker's split (shared/imageReference.ts), lower-cased, Docker Hub's defaults dropped. */
export function parseImageRef(text: string): ImageRef {
  const { domain, path: written, tag, digest } = splitImageReference(text.trim());
  let registry = domain?.toLowerCase();
  let path = written.toLowerCase();
  if ((registry === undefined || registry === 'docker.io' || registry === 'index.docker.io') && path.startsWith('library/')) {
    path = path.slice('library/'.length);
  }
  if (registry === 'docker.io' || registry === 'index.docker.io') registry = undefined;
  return { text, registry, path, tag, digest };
}

/** The reference without tag or digest, as written (registry kept). */
export function imageName(ref: ImageRef): string {
  return ref.registry ? `${ref.registry}/${ref.path}` : ref.path;
}

function parseDistrolessTag(tag: string | undefined): Pick<DistrolessInfo, 'variant' | 'archSuffix'> {
  const t = tag ?? 'latest';
  const m = /^(latest|nonroot|debug-nonroot|debug)(?:-(amd64|arm64|arm|s390x|ppc64le|riscv64))?$/.exec(t);
  if (!m) return { variant: 'other' };
  return { variant: m[1] as DistrolessInfo['variant'], archSuffix: m[2] };
}

function findDistrolessName(name: string): DistrolessName | undefined {
  return DISTROLESS_NAMES.find((n) => n.name === name);
}

const NOT_IN_TABLE = 'not in the image facts table';

/**
 * The table's answer for one image reference, remembered: every FROM of every
 * document asks, mostly for the same few images, and reading a reference is a dozen
 * patterns. Each caller gets its own top-level object (provenance is keyed by it); the
 * nested parts are shared and, like every ImageInfo, never changed (overrides copy them).
 */
export function classifyImage(text: string, registry?: string): ImageInfo {
  const key = registry === undefined ? text : `${registry}\n${text}`;
  let known = classified.get(key);
  if (!known) {
    // A bounded memory: a long session with many references starts over, it never grows.
    if (classified.size >= CLASSIFIED_LIMIT) classified.clear();
    known = classifyReference(text, registry);
    classified.set(key, known);
  }
  return { ...known };
}

const CLASSIFIED_LIMIT = 1024;
const classified = new Map<string, ImageInfo>();

/**
 * Classifies an image reference (already resolved through ARGs). Never throws.
 * Images under `registry` (a mirror of gcr.io/distroless) count as distroless too.
 */
function classifyReference(text: string, registry?: string): ImageInfo {
  const ref = parseImageRef(text);
  const name = imageName(ref);
  const tag = ref.tag ?? '';
  const unknown: ImageInfo = {
    ref, family: 'unknown', os: 'unknown', shell: 'unknown', shellless: false, debug: false, runtime: 'none', libc: 'unknown', staticOnly: false,
    sources: { shell: NOT_IN_TABLE, user: NOT_IN_TABLE },
  };

  if (name === 'scratch') {
    return {
      ref, family: 'scratch', os: 'linux', shell: 'no', shellless: true, debug: false, defaultUser: ROOT, runtime: 'none', libc: 'none', staticOnly: true,
      sources: { shell: SOURCES.scratch, user: SOURCES.scratch },
    };
  }

  const windows = windowsFacts(ref, name, tag);
  if (windows) return windows;

  const distrolessAt = [DISTROLESS_REGISTRY_PREFIX, distrolessPrefix(registry)].find((prefix) => name.startsWith(prefix));
  if (distrolessAt) {
    const full = name.slice(distrolessAt.length);
    const m = /^(.+?)(?:-(debian\d+))?$/.exec(full);
    const base = m ? findDistrolessName(m[1]) : undefined;
    const { variant, archSuffix } = parseDistrolessTag(ref.tag);
    const debug = variant === 'debug' || variant === 'debug-nonroot';
    const defaultUser = variant === 'nonroot' || variant === 'debug-nonroot' ? NONROOT : variant === 'other' ? undefined : ROOT;
    const sources = { shell: SOURCES.distroless, user: defaultUser ? SOURCES.distroless : NOT_IN_TABLE };
    if (!m || !base) {
      // A distroless name the table does not know: no shell unless a debug tag adds busybox.
      return { ...unknown, family: 'distroless', os: 'linux', shell: debug ? 'yes' : 'no', shellless: !debug, debug, defaultUser, libc: 'glibc', sources };
    }
    const distro = m[2];
    const runtimeVersion = base.runtime === 'python' ? DISTROLESS_PYTHON_BY_DISTRO[distro ?? CURRENT_DISTRO] : base.runtimeVersion;
    return {
      ref,
      family: 'distroless',
      os: 'linux',
      shell: debug ? 'yes' : 'no',
      shellless: !debug,
      debug,
      defaultUser,
      entrypoint: base.runtime === 'python' ? [`/usr/bin/python${runtimeVersion}`] : base.entrypoint,
      runtime: base.runtime,
      runtimeVersion,
      libc: base.libc,
      distroless: { name: base.name, distro, variant, archSuffix },
      staticOnly: base.name === 'static',
      sources,
    };
  }

  if (ref.registry === DHI_REGISTRY) {
    // dhi.io/<name>:<version>-<distro>: -dev and -sdk are the build variants (root, shell,
    // package manager); -fips and the plain tags are runtimes.
    const dhiName = ref.path.split('/').pop() ?? '';
    const build = /(?:^|-)(?:dev|sdk)(?:-|$)/.test(tag);
    const musl = /alpine/.test(tag);
    if (build) {
      return { ...unknown, family: 'dhi', os: 'linux', shell: 'yes', debug: false, defaultUser: ROOT, libc: musl ? 'musl' : 'glibc', sources: { shell: DHI_SOURCES.variants, user: DHI_SOURCES.variants } };
    }
    // static's -glibc tags add libc6 (image/static/debian-13/static-glibc.yaml); a name or flavour not in the tables stays unknown.
    const withGlibc = dhiName === 'static' && /(?:^|-)glibc(?:-|$)/.test(tag);
    const table = musl ? DHI_ALPINE_IMAGES : DHI_IMAGES;
    const known = withGlibc ? (musl ? undefined : DHI_STATIC_GLIBC) : Object.hasOwn(table, dhiName) ? table[dhiName] : undefined;
    if (!known) return { ...unknown, family: 'dhi', os: 'linux', libc: musl ? 'musl' : 'unknown' };
    const runtime = known.runtime ?? 'none';
    return {
      ref, family: 'dhi', os: 'linux', shell: 'no', shellless: true, debug: false, defaultUser: known.user, runtime,
      runtimeVersion: runtime === 'none' ? undefined : runtimeVersionFromTag(runtime, tag), libc: known.libc, staticOnly: dhiName === 'static' && !withGlibc, caBundle: true,
      sources: { shell: known.source, user: known.source },
    };
  }

  if (ref.registry === CHAINGUARD_REGISTRY) {
    // cgr.dev/<organization>/<name>: the public `chainguard` organization and private ones carry the same images.
    const cgName = ref.path.split('/').pop() ?? '';
    const dev = /(?:^|-)dev$/.test(tag);
    const known = CHAINGUARD_IMAGES[cgName];
    if (!known) {
      // An image not checked against Chainguard's documentation: -dev tags are documented to add a shell
      // to any image; otherwise neither shell nor user is claimed.
      return dev
        ? { ...unknown, family: 'chainguard', os: 'linux', shell: 'yes', debug: true, libc: 'glibc', sources: { shell: SOURCES.chainguardVariants, user: NOT_IN_TABLE } }
        : { ...unknown, family: 'chainguard', os: 'linux', libc: 'glibc' };
    }
    const shell = known.shell || dev;
    return {
      ref, family: 'chainguard', os: 'linux', shell: shell ? 'yes' : 'no', shellless: !shell, debug: dev && !known.shell,
      defaultUser: known.defaultUser, runtime: known.runtime ?? 'none', libc: known.libc, staticOnly: cgName === 'static',
      sources: { shell: dev && !known.shell ? SOURCES.chainguardVariants : known.source, user: known.defaultUser ? known.source : NOT_IN_TABLE },
    };
  }

  if (name.startsWith(DOTNET_PREFIX)) {
    const product = name.slice(DOTNET_PREFIX.length).replace(/^nightly\//, '');
    if (!DOTNET_PRODUCTS.includes(product)) return unknown;
    const version = runtimeVersionFromTag('dotnet', tag);
    const major = version === undefined ? undefined : Number.parseInt(version, 10);
    const hasAppUser = major !== undefined && major >= DOTNET_FIRST_APP_USER;
    const libc: Libc = /alpine/.test(tag) ? 'musl' : 'glibc';
    if (DOTNET_DISTROLESS_TAG.test(tag)) {
      return {
        ref, family: 'dotnet-chiseled', os: 'linux', shell: 'no', shellless: true, debug: false,
        defaultUser: hasAppUser ? DOTNET_APP : undefined, appUser: hasAppUser ? DOTNET_APP : undefined,
        runtime: 'dotnet', runtimeVersion: version, libc, staticOnly: false,
        sources: { shell: SOURCES.dotnetDistroless, user: hasAppUser ? `${SOURCES.dotnetDistroless}; ${SOURCES.dotnetAppUser}` : NOT_IN_TABLE },
      };
    }
    return {
      ref, family: 'general', os: 'linux', kind: product === 'sdk' ? 'toolchain' : 'service', shell: 'yes', shellless: false, debug: false,
      defaultUser: ROOT, appUser: hasAppUser ? DOTNET_APP : undefined, runtime: 'dotnet', runtimeVersion: version, libc, staticOnly: false,
      sources: { shell: SOURCES.dotnetImages, user: hasAppUser ? `${SOURCES.dotnetImages}; ${SOURCES.dotnetAppUser}` : SOURCES.dotnetImages },
    };
  }

  if (REDHAT_UBI_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    const runtime: Runtime = /(?:^|\/)(?:python-\d+)/.test(ref.path) ? 'python' : /(?:^|\/)(?:openjdk-\d+)/.test(ref.path) ? 'java' : /(?:^|\/)nodejs-\d+/.test(ref.path) ? 'node' : 'none';
    return generalFacts(ref, { kind: 'os', runtime, source: SOURCES.redhatUbi }, tag, name);
  }

  const other = OTHER_GENERAL_IMAGES[name];
  if (other) return generalFacts(ref, other, tag, name);

  // Official images on Docker Hub, or their mirrors, are matched by path only.
  const officialPath = ref.registry === undefined || DOCKER_HUB_MIRRORS.includes(ref.registry) ? ref.path.replace(/^(?:docker\/)?library\//, '') : undefined;
  const official = officialPath !== undefined ? OFFICIAL_IMAGES[officialPath] : undefined;
  if (official && officialPath !== undefined) return generalFacts(ref, official, tag, officialPath);
  return unknown;
}

function generalFacts(ref: ImageRef, facts: GeneralImage, tag: string, path: string): ImageInfo {
  const runtime = facts.runtime ?? 'none';
  const musl = path === 'alpine' || /alpine/.test(tag);
  const server = facts.serverTags && facts.serverTags.tag.test(tag) ? facts.serverTags : undefined;
  return {
    ref, family: 'general', os: 'linux', kind: facts.kind, shell: 'yes', shellless: false, debug: false,
    defaultUser: facts.defaultUser ?? ROOT, appUser: facts.appUser, dropsPrivilegesTo: facts.dropsPrivilegesTo,
    workersRunAs: server?.workersRunAs ?? facts.workersRunAs, serverProgram: server?.server,
    runtime, runtimeVersion: runtime === 'none' ? undefined : runtimeVersionFromTag(runtime, tag, path),
    libc: musl ? 'musl' : 'glibc', staticOnly: false, caBundle: facts.caBundle || (musl && path === 'alpine') || undefined,
    sources: { shell: facts.source, user: server?.source ?? facts.source },
  };
}

function windowsFacts(ref: ImageRef, name: string, tag: string): ImageInfo | undefined {
  const baseUser = WINDOWS_IMAGES[name];
  const tagged = WINDOWS_TAG.exec(tag);
  if (!baseUser && !tagged) return undefined;
  const user = baseUser ?? (tagged?.[1] === 'nanoserver' ? WINDOWS_USERS.containerUser : tagged?.[1].includes('servercore') ? WINDOWS_USERS.containerAdministrator : undefined);
  return {
    ref, family: 'windows', os: 'windows', shell: 'yes', shellless: false, debug: false,
    defaultUser: user, runtime: name.startsWith(DOTNET_PREFIX) ? 'dotnet' : 'none', libc: 'none', staticOnly: false,
    sources: { shell: `${SOURCES.windows} (cmd.exe)`, user: user ? SOURCES.windows : NOT_IN_TABLE },
  };
}

/** True for Windows container images: numeric users, Linux paths and distroless targets do not apply. */
export function isWindowsImage(info: Pick<ImageInfo, 'os'>): boolean {
  return info.os === 'windows';
}

/** Whether the image's default user is root: known yes, known no, or unknown. */
export function runsAsRootByDefault(info: ImageInfo): Tri {
  if (!info.defaultUser) return 'unknown';
  if (info.defaultUser.uid === undefined) return info.os === 'windows' ? 'no' : 'unknown';
  return info.defaultUser.uid === 0 ? 'yes' : 'no';
}

/**
 * What the local Docker engine says about an image (from `docker image inspect`
 * and a look for /bin/sh), for `withLocalFacts`.
 */
export interface LocalImageFacts {
  /** The image id, `sha256:…`. */
  id: string;
  /** Whether /bin/sh exists in the image's file system; undefined when not looked at. */
  hasShell?: boolean;
  /** Config.User as the image declares it ('' means root). */
  user?: string;
  /** Config.Entrypoint. */
  entrypoint?: string[] | null;
  /** The image's Os (`linux`, `windows`). */
  os?: string;
}

/** The table's facts with what a local image says laid over them; each overridden fact names the image as its source. */
export function withLocalFacts(info: ImageInfo, local: LocalImageFacts): ImageInfo {
  const source = `local image ${local.id}`;
  const next: ImageInfo = { ...info, sources: { ...info.sources } };
  if (local.os === 'windows' || local.os === 'linux') next.os = local.os;
  if (next.os === 'windows' && next.family !== 'windows') next.family = 'windows';
  if (local.hasShell !== undefined) {
    next.shell = local.hasShell ? 'yes' : 'no';
    next.shellless = !local.hasShell;
    next.sources.shell = source;
  }
  if (local.user !== undefined) {
    next.defaultUser = userFromConfig(local.user, info);
    next.sources.user = source;
  }
  if (local.entrypoint !== undefined) next.entrypoint = local.entrypoint ?? [];
  return next;
}

function userFromConfig(config: string, info: ImageInfo): ImageUser {
  const [user, group] = config.split(':');
  if (user === '' || user === 'root' || user === '0') return ROOT;
  const uid = /^\d+$/.test(user) ? Number(user) : undefined;
  const gid = group !== undefined && /^\d+$/.test(group) ? Number(group) : undefined;
  const known = [NONROOT, NOBODY, DOTNET_APP, info.appUser, info.defaultUser].find((u) => u !== undefined && (u.name === user || (uid !== undefined && u.uid === uid)));
  if (known) return { name: known.name, uid: known.uid, gid: gid ?? known.gid };
  return { name: user, uid, gid };
}

function runtimeVersionFromTag(runtime: Runtime, tag: string, path = ''): string | undefined {
  if (runtime === 'go') return /^(\d+\.\d+)/.exec(tag)?.[1];
  if (runtime === 'node') return /^(\d+)/.exec(tag)?.[1];
  if (runtime === 'python') return /^(\d+\.\d+)/.exec(tag)?.[1];
  if (runtime === 'java') {
    // maven/gradle tags lead with the tool's version (`3.9-eclipse-temurin-21`): the JDK is named later.
    const named = /(?:temurin|jdk|jre|java|openjdk|corretto|semeru|sapmachine|liberica)-?(\d+)/.exec(tag)?.[1];
    return path === 'maven' || path === 'gradle' ? named : /^(\d+)/.exec(tag)?.[1] ?? named;
  }
  if (runtime === 'dotnet') return /^(\d+\.\d+)/.exec(tag)?.[1];
  return undefined;
}

export interface EndOfLife {
  /** Why it is past end of life, for the message. */
  reason: string;
  /** The supported replacement reference (same tag). */
  replacement: string;
}

/**
 * Whether a distroless image is past end of life or unpublished on `today`.
 * Returns the `-debian13` successor under the preferred registry (the tag is the caller's).
 */
export function distrolessEndOfLife(info: ImageInfo, today: Date, registry?: string): EndOfLife | undefined {
  const d = info.distroless;
  if (!d || !d.distro) return undefined;
  const entry = findDistrolessName(d.name);
  if (!entry) return undefined;
  const iso = today.toISOString().slice(0, 10);
  const eol = END_OF_LIFE[entry.support][d.distro];
  const unpublished = entry.successor !== undefined || !entry.distros.includes(d.distro);
  const expired = eol !== undefined && iso > eol;
  if (!unpublished && !expired) return undefined;
  const successorName = entry.successor ?? d.name;
  const replacement = distrolessImage(successorName, registry);
  const reason = entry.successor
    ? `${d.name} is no longer published (its Node/Java release is out of support)`
    : eol
      ? `the -${d.distro} images reached end of life on ${eol}`
      : `${d.name} is not published for ${d.distro}`;
  return { reason, replacement };
}

/** The distroless name a runtime should ship on, for messages and the converter. */
export function suggestedDistrolessImage(runtime: Runtime, runtimeVersion?: string, registry?: string): string {
  const prefix = distrolessPrefix(registry);
  switch (runtime) {
    case 'go':
      return `${prefix}static-${CURRENT_DISTRO}:nonroot`;
    case 'node':
      return `${prefix}nodejs${supportedNodeMajor(runtimeVersion)}-${CURRENT_DISTRO}:nonroot`;
    case 'python':
      return `${prefix}python3-${CURRENT_DISTRO}:nonroot`;
    case 'java':
      return `${prefix}java${supportedJavaVersion(runtimeVersion)}-${CURRENT_DISTRO}:nonroot`;
    case 'rust':
    case 'c':
      return `${prefix}cc-${CURRENT_DISTRO}:nonroot`;
    case 'dotnet':
      return dotnetChiseledImage(runtimeVersion, false) ?? dotnetChiseledImage(undefined, false)!;
    case 'none':
      return `${prefix}static-${CURRENT_DISTRO}:nonroot`;
  }
}

/** Interpreter words that a language image's entrypoint already supplies. */
export function interpreterWords(runtime: Runtime): RegExp | undefined {
  switch (runtime) {
    case 'node':
      return /^(?:node|nodejs|\/nodejs\/bin\/node|\/usr\/(?:local\/)?bin\/node)$/;
    case 'python':
      return /^(?:python3?(?:\.\d+)?|\/usr\/(?:local\/)?bin\/python3?(?:\.\d+)?)$/;
    case 'java':
      return /^(?:java|\/usr\/bin\/java|\/opt\/java\/openjdk\/bin\/java|\/usr\/lib\/jvm\/[^/]+\/bin\/java)$/;
    default:
      return undefined;
  }
}
