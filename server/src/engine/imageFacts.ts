/**
 * Facts about base images: the one table the rules and the converter read.
 * Source: ../shared/spec/distroless-images.md (read from GoogleContainerTools/distroless
 * on 2026-11-22). Nothing else in the engine may hard-code an image name.
 */

export type ImageFamily = 'distroless' | 'chainguard' | 'dotnet-chiseled' | 'scratch' | 'general' | 'unknown';
export type Libc = 'glibc' | 'musl' | 'none' | 'unknown';
export type Runtime = 'go' | 'node' | 'python' | 'java' | 'rust' | 'dotnet' | 'c' | 'none';

export interface ImageUser {
  name: string;
  uid: number;
  gid: number;
}

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

export interface ImageInfo {
  ref: ImageRef;
  family: ImageFamily;
  /** True when the image has no /bin/sh (non-debug distroless, scratch, Chainguard without -dev, chiseled). */
  shellless: boolean;
  /** True for images that only add a shell for debugging (distroless debug, Chainguard -dev). */
  debug: boolean;
  /** Undefined when the image's default user is not known. */
  defaultUser?: ImageUser;
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
}

export const ROOT: ImageUser = { name: 'root', uid: 0, gid: 0 };
export const NONROOT: ImageUser = { name: 'nonroot', uid: 65532, gid: 65532 };
export const NOBODY: ImageUser = { name: 'nobody', uid: 65534, gid: 65534 };
export const DOTNET_APP: ImageUser = { name: 'app', uid: 1654, gid: 1654 };
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

interface DistrolessName {
  name: string;
  /** Which Debian releases the name is (or was) published for. */
  distros: string[];
  entrypoint: string[];
  runtime: Runtime;
  runtimeVersion?: string;
  libc: Libc;
  /** Which end-of-life row of the support table applies. */
  support: 'base' | 'java' | 'nodejs' | 'python';
  /** Set when the name is no longer published at all: its supported successor. */
  successor?: string;
}

const DISTROLESS_NAMES: readonly DistrolessName[] = [
  { name: 'static', distros: ['debian11', 'debian12', 'debian13'], entrypoint: [], runtime: 'none', libc: 'none', support: 'base' },
  { name: 'base-nossl', distros: ['debian11', 'debian12', 'debian13'], entrypoint: [], runtime: 'none', libc: 'glibc', support: 'base' },
  { name: 'base', distros: ['debian11', 'debian12', 'debian13'], entrypoint: [], runtime: 'none', libc: 'glibc', support: 'base' },
  { name: 'cc', distros: ['debian11', 'debian12', 'debian13'], entrypoint: [], runtime: 'c', libc: 'glibc', support: 'base' },
  { name: 'java-base', distros: ['debian12', 'debian13'], entrypoint: [], runtime: 'java', libc: 'glibc', support: 'java' },
  { name: 'java11', distros: ['debian11', 'debian12'], entrypoint: ['/usr/bin/java', '-jar'], runtime: 'java', runtimeVersion: '11', libc: 'glibc', support: 'java', successor: 'java17' },
  { name: 'java17', distros: ['debian11', 'debian12', 'debian13'], entrypoint: ['/usr/bin/java', '-jar'], runtime: 'java', runtimeVersion: '17', libc: 'glibc', support: 'java' },
  { name: 'java21', distros: ['debian12', 'debian13'], entrypoint: ['/usr/bin/java', '-jar'], runtime: 'java', runtimeVersion: '21', libc: 'glibc', support: 'java' },
  { name: 'java25', distros: ['debian13'], entrypoint: ['/usr/bin/java', '-jar'], runtime: 'java', runtimeVersion: '25', libc: 'glibc', support: 'java' },
  { name: 'nodejs18', distros: ['debian11', 'debian12'], entrypoint: ['/nodejs/bin/node'], runtime: 'node', runtimeVersion: '18', libc: 'glibc', support: 'nodejs', successor: 'nodejs22' },
  { name: 'nodejs20', distros: ['debian11', 'debian12'], entrypoint: ['/nodejs/bin/node'], runtime: 'node', runtimeVersion: '20', libc: 'glibc', support: 'nodejs', successor: 'nodejs22' },
  { name: 'nodejs22', distros: ['debian12', 'debian13'], entrypoint: ['/nodejs/bin/node'], runtime: 'node', runtimeVersion: '22', libc: 'glibc', support: 'nodejs' },
  { name: 'nodejs24', distros: ['debian12', 'debian13'], entrypoint: ['/nodejs/bin/node'], runtime: 'node', runtimeVersion: '24', libc: 'glibc', support: 'nodejs' },
  { name: 'nodejs26', distros: ['debian13'], entrypoint: ['/nodejs/bin/node'], runtime: 'node', runtimeVersion: '26', libc: 'glibc', support: 'nodejs' },
  { name: 'python3', distros: ['debian11', 'debian12', 'debian13'], entrypoint: ['/usr/bin/python3.13'], runtime: 'python', runtimeVersion: '3.13', libc: 'glibc', support: 'python' },
];

/** Python minor version shipped by python3-<distro>. */
const DISTROLESS_PYTHON_BY_DISTRO: Record<string, string> = { debian11: '3.9', debian12: '3.11', debian13: '3.13' };

/**
 * End of life per support row and Debian release, as ISO dates (last day supported).
 * Debian 13's end is "Debian 14 release + N": not yet known, so absent (supported).
 */
const END_OF_LIFE: Record<DistrolessName['support'], Record<string, string>> = {
  base: { debian11: '2024-06-30', debian12: '2026-09-30' },
  java: { debian11: '2024-06-30', debian12: '2026-01-31' },
  nodejs: { debian11: '2024-06-30', debian12: '2026-01-31' },
  python: { debian11: '2024-06-30', debian12: '2026-04-30' },
};

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

/**
 * Windows container images, which no Linux distroless image can replace.
 * Source: https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/container-base-images
 * (mcr.microsoft.com/windows/servercore, /nanoserver, /server, /windows) and the Windows
 * tags of the official images (golang `windowsservercore-ltsc2022`, dotnet `10.0-nanoserver-ltsc2025`).
 * Minimal predicate for the converter; the accuracy work may widen it.
 */
export function isWindowsImage(text: string): boolean {
  const ref = parseImageRef(text);
  if (ref.registry === 'mcr.microsoft.com' && /^windows(?:\/|$)/.test(ref.path)) return true;
  // .NET Framework runs only on Windows (https://hub.docker.com/r/microsoft/dotnet-framework).
  if (ref.registry === 'mcr.microsoft.com' && /^dotnet\/framework(?:\/|$)/.test(ref.path)) return true;
  return /(?:^|-)(?:nanoserver|windowsservercore|servercore)(?:-|$)/i.test(ref.tag ?? '');
}

const OS_IMAGES = new Set([
  'debian', 'ubuntu', 'alpine', 'centos', 'fedora', 'rockylinux', 'almalinux', 'amazonlinux', 'busybox',
  'oraclelinux', 'archlinux', 'opensuse/leap', 'opensuse/tumbleweed',
]);
const TOOLCHAIN_IMAGES: Record<string, Runtime> = {
  golang: 'go', node: 'node', python: 'python', openjdk: 'java', 'eclipse-temurin': 'java',
  amazoncorretto: 'java', maven: 'java', gradle: 'java', rust: 'rust', gcc: 'c', 'ibm-semeru-runtimes': 'java',
  'sapmachine': 'java', 'bellsoft/liberica-openjdk-debian': 'java', 'bellsoft/liberica-openjdk-alpine': 'java',
};

/**
 * Toolchain images that install ca-certificates (golang and rust build on buildpack-deps
 * or add the package on Alpine), so a build stage on them can hand the bundle to scratch.
 */
const CA_BUNDLE_TOOLCHAINS = new Set(['golang', 'rust']);

const CHAINGUARD_PREFIX = 'cgr.dev/chainguard/';
/** Chainguard images that are OS bases with a shell even without -dev. */
const CHAINGUARD_WITH_SHELL = new Set(['wolfi-base', 'chainguard-base', 'busybox', 'bash', 'git']);

/**
 * Go releases from 1.20 on turn cgo off when no C compiler is installed, so a plain
 * `go build` on an image without gcc (golang:alpine) already yields a static binary.
 */
export const GO_CGO_OFF_WITHOUT_CC_SINCE = '1.20';
/** Packages that bring a C compiler into a build stage. */
export const C_COMPILER_PACKAGES = new Set(['gcc', 'g++', 'clang', 'build-base', 'build-essential', 'musl-dev', 'alpine-sdk', 'gcc-c++']);

/** The Python minor of the distroless python3 image for a Debian release. */
export function distrolessPythonVersion(distro: string | undefined): string | undefined {
  return DISTROLESS_PYTHON_BY_DISTRO[distro ?? CURRENT_DISTRO];
}
const DOTNET_PREFIX = 'mcr.microsoft.com/dotnet/';

export function parseImageRef(text: string): ImageRef {
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const firstSlash = rest.indexOf('/');
  if (firstSlash > 0) {
    const head = rest.slice(0, firstSlash);
    if (head.includes('.') || head.includes(':') || head === 'localhost') {
      registry = head.toLowerCase();
      rest = rest.slice(firstSlash + 1);
    }
  }
  let path = rest.toLowerCase();
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

/**
 * Classifies an image reference (already resolved through ARGs). Never throws.
 * Images under `registry` (a mirror of gcr.io/distroless) count as distroless too.
 */
export function classifyImage(text: string, registry?: string): ImageInfo {
  const ref = parseImageRef(text);
  const name = imageName(ref);
  const tag = ref.tag ?? '';
  const unknown: ImageInfo = { ref, family: 'unknown', shellless: false, debug: false, runtime: 'none', libc: 'unknown', staticOnly: false };

  if (name === 'scratch') {
    return { ref, family: 'scratch', shellless: true, debug: false, defaultUser: ROOT, runtime: 'none', libc: 'none', staticOnly: true };
  }

  const distrolessAt = [DISTROLESS_REGISTRY_PREFIX, distrolessPrefix(registry)].find((prefix) => name.startsWith(prefix));
  if (distrolessAt) {
    const full = name.slice(distrolessAt.length);
    const m = /^(.+?)(?:-(debian\d+))?$/.exec(full);
    const base = m ? findDistrolessName(m[1]) : undefined;
    if (!m || !base) return { ...unknown, family: 'distroless', shellless: true, libc: 'glibc' };
    const distro = m[2];
    const { variant, archSuffix } = parseDistrolessTag(ref.tag);
    const debug = variant === 'debug' || variant === 'debug-nonroot';
    const runtimeVersion = base.runtime === 'python' ? DISTROLESS_PYTHON_BY_DISTRO[distro ?? CURRENT_DISTRO] : base.runtimeVersion;
    return {
      ref,
      family: 'distroless',
      shellless: !debug,
      debug,
      defaultUser: variant === 'nonroot' || variant === 'debug-nonroot' ? NONROOT : variant === 'other' ? undefined : ROOT,
      entrypoint: base.runtime === 'python' ? [`/usr/bin/python${runtimeVersion}`] : base.entrypoint,
      runtime: base.runtime,
      runtimeVersion,
      libc: base.libc,
      distroless: { name: base.name, distro, variant, archSuffix },
      staticOnly: base.name === 'static',
    };
  }

  if (name.startsWith(CHAINGUARD_PREFIX)) {
    const debug = /-dev$/.test(tag) || tag === 'latest-dev';
    const cgName = name.slice(CHAINGUARD_PREFIX.length);
    if (CHAINGUARD_WITH_SHELL.has(cgName)) {
      return { ref, family: 'chainguard', shellless: false, debug: false, defaultUser: ROOT, runtime: 'none', libc: 'glibc', staticOnly: false };
    }
    const runtime: Runtime = /^node/.test(cgName) ? 'node' : /^python/.test(cgName) ? 'python' : /^(jre|jdk)/.test(cgName) ? 'java' : 'none';
    return { ref, family: 'chainguard', shellless: !debug, debug, defaultUser: NONROOT, runtime, libc: 'glibc', staticOnly: cgName === 'static' };
  }

  if (name.startsWith(DOTNET_PREFIX)) {
    const product = name.slice(DOTNET_PREFIX.length);
    if (/(^|-)chiseled(-extra)?$/.test(tag) || /-chiseled(-extra|-composite)?$/.test(tag)) {
      return { ref, family: 'dotnet-chiseled', shellless: true, debug: false, defaultUser: DOTNET_APP, runtime: 'dotnet', libc: 'glibc', staticOnly: false };
    }
    if (['sdk', 'aspnet', 'runtime', 'runtime-deps'].includes(product)) {
      return { ref, family: 'general', shellless: false, debug: false, defaultUser: ROOT, runtime: 'dotnet', runtimeVersion: runtimeVersionFromTag('dotnet', tag), libc: /alpine/.test(tag) ? 'musl' : 'glibc', staticOnly: false };
    }
    return unknown;
  }

  if (name.startsWith('registry.access.redhat.com/ubi') || name.startsWith('redhat/ubi')) {
    return { ref, family: 'general', shellless: false, debug: false, defaultUser: ROOT, runtime: 'none', libc: 'glibc', staticOnly: false };
  }

  // Official images on Docker Hub, or their mirrors, are matched by path only.
  const officialPath = ref.registry === undefined || ref.registry === 'mirror.gcr.io' || ref.registry === 'public.ecr.aws' ? ref.path.replace(/^(?:docker\/)?library\//, '') : undefined;
  if (officialPath !== undefined) {
    const musl = officialPath === 'alpine' || /alpine/.test(tag);
    if (OS_IMAGES.has(officialPath)) {
      return { ref, family: 'general', shellless: false, debug: false, defaultUser: ROOT, runtime: 'none', libc: musl ? 'musl' : 'glibc', staticOnly: false, caBundle: officialPath === 'alpine' };
    }
    const runtime = TOOLCHAIN_IMAGES[officialPath];
    if (runtime) {
      return {
        ref, family: 'general', shellless: false, debug: false, defaultUser: ROOT, runtime,
        runtimeVersion: runtimeVersionFromTag(runtime, tag, officialPath), libc: musl ? 'musl' : 'glibc', staticOnly: false,
        caBundle: CA_BUNDLE_TOOLCHAINS.has(officialPath) || undefined,
      };
    }
  }
  return unknown;
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
      return /^(?:java|\/usr\/bin\/java|\/opt\/java\/openjdk\/bin\/java)$/;
    default:
      return undefined;
  }
}
