/**
 * The image facts table: every fact the rules and the converter know about a base
 * image, each with the publisher's documentation it was checked against. The
 * classifier (imageFacts.ts) reads only this module; facts read from a local image
 * on the Docker engine override these (see `withLocalFacts`).
 *
 * A fact not written here is unknown, never assumed. Sources were read on
 * 2026-11-22 unless a row says otherwise.
 */
/** The C library an image's programs link against. */
export type Libc = 'glibc' | 'musl' | 'none' | 'unknown';
/** The language runtime an image carries (or its app needs). */
export type Runtime = 'go' | 'node' | 'python' | 'java' | 'rust' | 'dotnet' | 'c' | 'none';

export interface ImageUser {
  name: string;
  /** Undefined where ids mean nothing (Windows) or are not known. */
  uid?: number;
  gid?: number;
}

/** Publishers' documentation the rows below name. */
export const SOURCES = {
  distroless: 'GoogleContainerTools/distroless README.md and SUPPORT_POLICY.md (https://github.com/GoogleContainerTools/distroless)',
  scratch: 'Docker documentation, "Create a minimal base image using scratch" (https://docs.docker.com/build/building/base-images/#create-a-minimal-base-image-using-scratch)',
  dotnetDistroless: '.NET distroless images: "Non-root user by default, No package manager, No shell" (https://github.com/dotnet/dotnet-docker/blob/main/documentation/distroless.md)',
  dotnetAppUser: '.NET 8 container images: non-root user app, UID 1654, not the default outside distroless images (https://github.com/dotnet/dotnet-docker/discussions/4995)',
  dotnetImages: '.NET container images on Debian/Ubuntu/Alpine/Azure Linux run as root (https://github.com/dotnet/dotnet-docker/blob/main/documentation/image-variants.md)',
  windows: 'Windows container base images: Nano Server runs as ContainerUser, Server Core and Windows as ContainerAdministrator (https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/container-base-images)',
  chainguardVariants: 'Chainguard: standard images have no shell or package manager, -dev variants add both (https://edu.chainguard.dev/chainguard/chainguard-images/differences-development-production)',
  chainguardGo: 'Chainguard go: "Unlike most other Chainguard images, the Go image contains a shell; namely, Bash" (https://images.chainguard.dev/directory/image/go/overview)',
  chainguardRust: 'Chainguard rust: "This image also includes a shell" (https://images.chainguard.dev/directory/image/rust/overview)',
  chainguardGcc: 'Chainguard gcc-glibc: "includes a shell … runs as the root user by default" (https://images.chainguard.dev/directory/image/gcc-glibc/overview)',
  chainguardBase: 'Chainguard wolfi-base contains busybox and apk-tools (https://edu.chainguard.dev/chainguard/chainguard-images/working-with-images/images-compiled-programs/compiled-programs)',
  chainguardRuntime: 'Chainguard runtime images (static, glibc-dynamic, python, node, jre, nginx): distroless, nonroot 65532 (https://edu.chainguard.dev/chainguard/migration/porting-apps-to-chainguard/)',
  dockerOfficial: 'Docker Official Images run as root unless their Dockerfile sets USER (https://github.com/docker-library/official-images#consistency)',
  redhatUbi: 'Red Hat Universal Base Images: full OS with a shell and dnf/microdnf, root by default (https://catalog.redhat.com/software/base-images)',
} as const;

export const ROOT: ImageUser = { name: 'root', uid: 0, gid: 0 };
export const NONROOT: ImageUser = { name: 'nonroot', uid: 65532, gid: 65532 };
export const NOBODY: ImageUser = { name: 'nobody', uid: 65534, gid: 65534 };
/** Source: SOURCES.dotnetAppUser. */
export const DOTNET_APP: ImageUser = { name: 'app', uid: 1654, gid: 1654 };
/** The `node` user of the node images (docker-library/node Dockerfile: `groupadd --gid 1000 node && useradd --uid 1000`). */
export const NODE_USER: ImageUser = { name: 'node', uid: 1000, gid: 1000 };

// ---------------------------------------------------------------------------
// Google distroless — source: SOURCES.distroless (../shared/spec/distroless-images.md)

export interface DistrolessName {
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

export const DISTROLESS_NAMES: readonly DistrolessName[] = [
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
export const DISTROLESS_PYTHON_BY_DISTRO: Record<string, string> = { debian11: '3.9', debian12: '3.11', debian13: '3.13' };

/**
 * End of life per support row and Debian release, as ISO dates (last day supported).
 * Debian 13's end is "Debian 14 release + N": not yet known, so absent (supported).
 */
export const END_OF_LIFE: Record<DistrolessName['support'], Record<string, string>> = {
  base: { debian11: '2024-06-30', debian12: '2026-09-30' },
  java: { debian11: '2024-06-30', debian12: '2026-01-31' },
  nodejs: { debian11: '2024-06-30', debian12: '2026-01-31' },
  python: { debian11: '2024-06-30', debian12: '2026-04-30' },
};

// ---------------------------------------------------------------------------
// Docker Official Images and other general-purpose images: full OS with a shell.

export type GeneralKind = 'os' | 'toolchain' | 'service';

export interface GeneralImage {
  kind: GeneralKind;
  runtime?: Runtime;
  /** The user the image runs as; root when absent. */
  defaultUser?: ImageUser;
  /** A non-root user the image creates for the application (offered first by runs-as-root). */
  appUser?: ImageUser;
  /** Carries /etc/ssl/certs/ca-certificates.crt. */
  caBundle?: boolean;
  /**
   * The image's own ENTRYPOINT starts as root and steps down to this user for its
   * main process (gosu/su-exec in docker-entrypoint.sh): root by default is by design.
   */
  dropsPrivilegesTo?: string;
  /**
   * A server whose master process stays root (to bind ports and read its configuration)
   * and runs the processes that serve requests as this user (nginx's `user nginx;`,
   * httpd's `User daemon`): root by design, and a USER stops it starting.
   */
  workersRunAs?: string;
  /** Tags that start a root-master server of their own (`php:*-apache` runs apache2-foreground). */
  serverTags?: { tag: RegExp; server: string; workersRunAs: string; source: string };
  source: string;
}

const hub = (name: string, file = 'Dockerfile'): string => `docker-library/${name} ${file} (https://github.com/docker-library/${name}); ${SOURCES.dockerOfficial}`;

/** Docker Hub official images by path (`library/` removed). */
export const OFFICIAL_IMAGES: Record<string, GeneralImage> = {
  debian: { kind: 'os', source: hub('debian') },
  ubuntu: { kind: 'os', source: 'Ubuntu official image (https://hub.docker.com/_/ubuntu); ' + SOURCES.dockerOfficial },
  alpine: { kind: 'os', caBundle: true, source: 'Alpine official image: busybox sh, apk, ca-certificates (https://github.com/alpinelinux/docker-alpine)' },
  centos: { kind: 'os', source: 'CentOS official image (https://hub.docker.com/_/centos); ' + SOURCES.dockerOfficial },
  fedora: { kind: 'os', source: 'Fedora official image (https://hub.docker.com/_/fedora); ' + SOURCES.dockerOfficial },
  rockylinux: { kind: 'os', source: 'Rocky Linux official image (https://hub.docker.com/_/rockylinux); ' + SOURCES.dockerOfficial },
  almalinux: { kind: 'os', source: 'AlmaLinux official image (https://hub.docker.com/_/almalinux); ' + SOURCES.dockerOfficial },
  amazonlinux: { kind: 'os', source: 'Amazon Linux official image (https://hub.docker.com/_/amazonlinux); ' + SOURCES.dockerOfficial },
  oraclelinux: { kind: 'os', source: 'Oracle Linux official image (https://hub.docker.com/_/oraclelinux); ' + SOURCES.dockerOfficial },
  archlinux: { kind: 'os', source: 'Arch Linux official image (https://hub.docker.com/_/archlinux); ' + SOURCES.dockerOfficial },
  'opensuse/leap': { kind: 'os', source: 'openSUSE Leap image (https://hub.docker.com/r/opensuse/leap); ' + SOURCES.dockerOfficial },
  'opensuse/tumbleweed': { kind: 'os', source: 'openSUSE Tumbleweed image (https://hub.docker.com/r/opensuse/tumbleweed); ' + SOURCES.dockerOfficial },
  busybox: { kind: 'os', source: hub('busybox') },
  'buildpack-deps': { kind: 'os', caBundle: true, source: hub('buildpack-deps') },
  golang: { kind: 'toolchain', runtime: 'go', caBundle: true, source: hub('golang') },
  node: { kind: 'toolchain', runtime: 'node', appUser: NODE_USER, source: hub('node') + '; docs/BestPractices.md "Non-root User": the node user exists, the image runs as root' },
  python: { kind: 'toolchain', runtime: 'python', source: hub('python') },
  pypy: { kind: 'toolchain', source: hub('pypy') },
  openjdk: { kind: 'toolchain', runtime: 'java', source: hub('openjdk') },
  'eclipse-temurin': { kind: 'toolchain', runtime: 'java', source: 'adoptium/containers Dockerfiles (https://github.com/adoptium/containers); ' + SOURCES.dockerOfficial },
  amazoncorretto: { kind: 'toolchain', runtime: 'java', source: 'corretto/corretto-docker (https://github.com/corretto/corretto-docker); ' + SOURCES.dockerOfficial },
  'ibm-semeru-runtimes': { kind: 'toolchain', runtime: 'java', source: 'ibmruntimes/semeru-containers (https://github.com/ibmruntimes/semeru-containers); ' + SOURCES.dockerOfficial },
  sapmachine: { kind: 'toolchain', runtime: 'java', source: 'SAP/SapMachine-infrastructure (https://github.com/SAP/SapMachine-infrastructure); ' + SOURCES.dockerOfficial },
  maven: { kind: 'toolchain', runtime: 'java', source: 'carlossg/docker-maven (https://github.com/carlossg/docker-maven); ' + SOURCES.dockerOfficial },
  gradle: { kind: 'toolchain', runtime: 'java', source: 'gradle/docker-gradle (https://github.com/gradle/docker-gradle); ' + SOURCES.dockerOfficial },
  rust: { kind: 'toolchain', runtime: 'rust', caBundle: true, source: 'rust-lang/docker-rust (https://github.com/rust-lang/docker-rust); ' + SOURCES.dockerOfficial },
  gcc: { kind: 'toolchain', runtime: 'c', source: hub('gcc') },
  ruby: { kind: 'toolchain', source: hub('ruby') },
  php: {
    kind: 'toolchain', source: hub('php'),
    serverTags: { tag: /(?:^|-)apache(?:-|$)/, server: 'apache2', workersRunAs: 'www-data', source: hub('php', '<version>/<distro>/apache/Dockerfile') + ': CMD ["apache2-foreground"], EXPOSE 80, Apache children as www-data (APACHE_RUN_USER)' },
  },
  perl: { kind: 'toolchain', source: 'Perl/docker-perl (https://github.com/Perl/docker-perl); ' + SOURCES.dockerOfficial },
  haskell: { kind: 'toolchain', source: 'haskell/docker-haskell (https://github.com/haskell/docker-haskell); ' + SOURCES.dockerOfficial },
  erlang: { kind: 'toolchain', source: 'erlang/docker-erlang-otp (https://github.com/erlang/docker-erlang-otp); ' + SOURCES.dockerOfficial },
  elixir: { kind: 'toolchain', source: 'erlef/docker-elixir (https://github.com/erlef/docker-elixir); ' + SOURCES.dockerOfficial },
  julia: { kind: 'toolchain', source: hub('julia') },
  swift: { kind: 'toolchain', source: 'swiftlang/swift-docker (https://github.com/swiftlang/swift-docker); ' + SOURCES.dockerOfficial },
  'r-base': { kind: 'toolchain', source: 'rocker-org/rocker (https://github.com/rocker-org/rocker); ' + SOURCES.dockerOfficial },
  docker: { kind: 'toolchain', source: hub('docker') },
  nginx: { kind: 'service', workersRunAs: 'nginx', source: 'nginx/docker-nginx (https://github.com/nginx/docker-nginx): master process as root, workers as nginx; ' + SOURCES.dockerOfficial },
  httpd: { kind: 'service', workersRunAs: 'daemon', source: hub('httpd') + ': parent process as root, children as daemon' },
  tomcat: { kind: 'service', runtime: 'java', source: hub('tomcat') },
  wordpress: { kind: 'service', source: hub('wordpress') },
  caddy: { kind: 'service', source: 'caddyserver/caddy-docker (https://github.com/caddyserver/caddy-docker); ' + SOURCES.dockerOfficial },
  traefik: { kind: 'service', source: 'traefik/traefik-library-image (https://github.com/traefik/traefik-library-image); ' + SOURCES.dockerOfficial },
  registry: { kind: 'service', source: 'distribution/distribution-library-image (https://github.com/distribution/distribution-library-image); ' + SOURCES.dockerOfficial },
  postgres: { kind: 'service', dropsPrivilegesTo: 'postgres', source: hub('postgres', 'docker-entrypoint.sh') + ': "gosu postgres" steps down from root' },
  redis: { kind: 'service', dropsPrivilegesTo: 'redis', source: hub('redis', 'docker-entrypoint.sh') + ': "gosu redis" steps down from root' },
  mysql: { kind: 'service', dropsPrivilegesTo: 'mysql', source: hub('mysql', 'docker-entrypoint.sh') + ': "gosu mysql" steps down from root' },
  mariadb: { kind: 'service', dropsPrivilegesTo: 'mysql', source: 'MariaDB/mariadb-docker docker-entrypoint.sh (https://github.com/MariaDB/mariadb-docker): "gosu mysql"; ' + SOURCES.dockerOfficial },
  mongo: { kind: 'service', dropsPrivilegesTo: 'mongodb', source: hub('mongo', 'docker-entrypoint.sh') + ': "gosu mongodb" steps down from root' },
  rabbitmq: { kind: 'service', dropsPrivilegesTo: 'rabbitmq', source: hub('rabbitmq', 'docker-entrypoint.sh') + ': steps down to rabbitmq' },
  cassandra: { kind: 'service', dropsPrivilegesTo: 'cassandra', source: hub('cassandra', 'docker-entrypoint.sh') + ': "gosu cassandra"' },
  memcached: { kind: 'service', defaultUser: { name: 'memcache', uid: 11211, gid: 11211 }, source: hub('memcached') + ': USER memcache' },
  haproxy: { kind: 'service', defaultUser: { name: 'haproxy', uid: 99, gid: 99 }, source: hub('haproxy') + ': USER haproxy' },
};

/** General-purpose images outside Docker Hub's library, by full name (registry included). */
export const OTHER_GENERAL_IMAGES: Record<string, GeneralImage> = {
  'google/cloud-sdk': { kind: 'toolchain', source: 'Google Cloud CLI Docker image, Debian based, root (https://cloud.google.com/sdk/docs/downloads-docker)' },
  'gcr.io/google.com/cloudsdktool/cloud-sdk': { kind: 'toolchain', source: 'Google Cloud CLI Docker image, Debian based, root (https://cloud.google.com/sdk/docs/downloads-docker)' },
  'gcr.io/google.com/cloudsdktool/google-cloud-cli': { kind: 'toolchain', source: 'Google Cloud CLI Docker image, Debian based, root (https://cloud.google.com/sdk/docs/downloads-docker)' },
};

/** Red Hat UBI names start with these (any tag). Source: SOURCES.redhatUbi. */
export const REDHAT_UBI_PREFIXES = ['registry.access.redhat.com/ubi', 'registry.redhat.io/ubi', 'redhat/ubi'];

/** Registries that mirror Docker Hub's library under the same paths. */
export const DOCKER_HUB_MIRRORS = ['mirror.gcr.io', 'public.ecr.aws'];

// ---------------------------------------------------------------------------
// Chainguard (cgr.dev/<organization>/<name>)

export interface ChainguardImage {
  /** Shell in the standard (non -dev) tags. */
  shell: boolean;
  /** The user the standard tags run as; unknown when absent. */
  defaultUser?: ImageUser;
  runtime?: Runtime;
  libc: Libc;
  source: string;
}

export const CHAINGUARD_REGISTRY = 'cgr.dev';

// ---------------------------------------------------------------------------
// Docker Hardened Images (dhi.io/<name>:<version>[-<distro>][-dev|-sdk|-fips])

export const DHI_REGISTRY = 'dhi.io';

const dhiCatalog = (file: string): string => `docker-hardened-images/catalog ${file} (https://github.com/docker-hardened-images/catalog/blob/main/${file})`;

export const DHI_SOURCES = {
  variants: 'Docker Hardened Images, "Image variants": runtime variants run as a nonroot user without a shell or package manager; dev variants run as root with a shell and package manager (https://docs.docker.com/dhi/how-to/use/)',
};

/**
 * Runtime (non -dev) images checked against their catalog definition: `accounts.run-as`
 * and its uid, no shell package (bash, dash, busybox) in the final contents, the libc
 * (`libc6`, `musl`, or neither). Debian flavours here, Alpine flavours (`-alpine3.23`
 * tags) in DHI_ALPINE_IMAGES; other names and flavours: not claimed (the docs say
 * "typically"), so their facts stay unknown until the image is pulled or declared.
 */
export const DHI_IMAGES: Record<string, { user: ImageUser; runtime?: Runtime; libc: Libc; source: string }> = {
  static: { user: NONROOT, libc: 'none', source: dhiCatalog('image/static/debian-13/static.yaml') + ': run-as nonroot (65532), base-files, ca-certificates and tzdata only' },
  node: { user: { name: 'node', uid: 1000, gid: 1000 }, runtime: 'node', libc: 'glibc', source: dhiCatalog('image/node/debian-13/24.yaml') + ': run-as node (1000), bash only in the build stage' },
  python: { user: NONROOT, runtime: 'python', libc: 'glibc', source: dhiCatalog('image/python/debian-13/3.13.yaml') + ': run-as nonroot (65532), no shell package' },
  nginx: { user: { name: 'nginx', uid: 65532, gid: 65532 }, libc: 'glibc', source: dhiCatalog('image/nginx/debian-13/stable.yaml') + ': run-as nginx (65532), listens on 8080, coreutils but no shell package' },
  'eclipse-temurin': { user: NONROOT, runtime: 'java', libc: 'glibc', source: dhiCatalog('image/eclipse-temurin/debian-13/jre-21.yaml') + ': the JRE (the JDK tags are -dev), run-as nonroot (65532), bash only in the build stage' },
};

/** dhi.io/static's `-glibc` tags (`20250419-glibc-debian13`): static plus glibc. */
export const DHI_STATIC_GLIBC: { user: ImageUser; runtime?: Runtime; libc: Libc; source: string } = { user: NONROOT, libc: 'glibc', source: dhiCatalog('image/static/debian-13/static-glibc.yaml') + ': run-as nonroot (65532), base-files, ca-certificates, libc6 and tzdata' };

/** The Alpine flavours (`<version>-alpine3.23`), from their catalog definitions likewise: musl, no busybox. */
export const DHI_ALPINE_IMAGES: Record<string, { user: ImageUser; runtime?: Runtime; libc: Libc; source: string }> = {
  static: { user: NONROOT, libc: 'none', source: dhiCatalog('image/static/alpine-3.23/static.yaml') + ': run-as nonroot (65532), alpine-baselayout-data, ca-certificates-bundle and tzdata only (no musl)' },
  node: { user: { name: 'node', uid: 1000, gid: 1000 }, runtime: 'node', libc: 'musl', source: dhiCatalog('image/node/alpine-3.23/24.yaml') + ': run-as node (1000), musl, nodejs, coreutils-env and no shell package' },
  python: { user: NONROOT, runtime: 'python', libc: 'musl', source: dhiCatalog('image/python/alpine-3.23/3.13.yaml') + ': run-as nonroot (65532), musl and no shell package' },
  'eclipse-temurin': { user: NONROOT, runtime: 'java', libc: 'musl', source: dhiCatalog('image/eclipse-temurin/alpine-3.23/jre-21.yaml') + ': the JRE, run-as nonroot (65532), musl and no shell package' },
};

export const CHAINGUARD_IMAGES: Record<string, ChainguardImage> = {
  static: { shell: false, defaultUser: NONROOT, libc: 'none', source: SOURCES.chainguardRuntime },
  'glibc-dynamic': { shell: false, defaultUser: NONROOT, libc: 'glibc', source: 'Chainguard glibc-dynamic: no programs other than /sbin/ldconfig (https://images.chainguard.dev/directory/image/glibc-dynamic/overview)' },
  python: { shell: false, defaultUser: NONROOT, runtime: 'python', libc: 'glibc', source: SOURCES.chainguardRuntime },
  node: { shell: false, defaultUser: NONROOT, runtime: 'node', libc: 'glibc', source: SOURCES.chainguardRuntime },
  jre: { shell: false, defaultUser: NONROOT, runtime: 'java', libc: 'glibc', source: SOURCES.chainguardRuntime },
  nginx: { shell: false, defaultUser: NONROOT, libc: 'glibc', source: 'Chainguard migration tips: cgr.dev/chainguard/nginx:latest has no /bin/sh (https://edu.chainguard.dev/chainguard/containers/migration/migration-tips/)' },
  go: { shell: true, runtime: 'go', libc: 'glibc', source: SOURCES.chainguardGo },
  rust: { shell: true, runtime: 'rust', libc: 'glibc', source: SOURCES.chainguardRust },
  'gcc-glibc': { shell: true, defaultUser: ROOT, runtime: 'c', libc: 'glibc', source: SOURCES.chainguardGcc },
  'wolfi-base': { shell: true, defaultUser: ROOT, libc: 'glibc', source: SOURCES.chainguardBase },
  'chainguard-base': { shell: true, defaultUser: ROOT, libc: 'glibc', source: SOURCES.chainguardBase },
  busybox: { shell: true, defaultUser: ROOT, libc: 'musl', source: 'Chainguard busybox (https://images.chainguard.dev/directory/image/busybox/overview)' },
  bash: { shell: true, libc: 'glibc', source: 'Chainguard bash (https://images.chainguard.dev/directory/image/bash/overview)' },
};

// ---------------------------------------------------------------------------
// Microsoft .NET (mcr.microsoft.com/dotnet/[nightly/]<product>)

export const DOTNET_PREFIX = 'mcr.microsoft.com/dotnet/';
export const DOTNET_PRODUCTS = ['sdk', 'aspnet', 'runtime', 'runtime-deps'];
/** The first .NET release whose images have the `app` user (and whose distroless images run as it). */
export const DOTNET_FIRST_APP_USER = 8;
/**
 * Distroless tags: `-<distro>-chiseled[-extra|-composite[-extra]]`,
 * `-azurelinux3.0-distroless[…]`, `-cbl-mariner2.0-distroless[…]`, each with an optional
 * architecture suffix. Source: SOURCES.dotnetDistroless.
 */
export const DOTNET_DISTROLESS_TAG = /(?:^|-)(?:chiseled|distroless)(?:-(?:extra|composite|aot))*(?:-(?:amd64|arm64v8|arm32v7))?$/;

// ---------------------------------------------------------------------------
// Windows — source: SOURCES.windows

export const WINDOWS_USERS = {
  containerUser: { name: 'ContainerUser', uid: -1, gid: -1 } as ImageUser,
  containerAdministrator: { name: 'ContainerAdministrator', uid: -1, gid: -1 } as ImageUser,
};
/** Windows base image names (registry included) and the user each runs as. */
export const WINDOWS_IMAGES: Record<string, ImageUser> = {
  'mcr.microsoft.com/windows/nanoserver': WINDOWS_USERS.containerUser,
  'mcr.microsoft.com/windows/servercore': WINDOWS_USERS.containerAdministrator,
  'mcr.microsoft.com/windows/server': WINDOWS_USERS.containerAdministrator,
  'mcr.microsoft.com/windows': WINDOWS_USERS.containerAdministrator,
  'microsoft/nanoserver': WINDOWS_USERS.containerUser,
  'microsoft/windowsservercore': WINDOWS_USERS.containerAdministrator,
};
/** Tags of multi-platform images (golang, python, dotnet, …) that name a Windows variant. */
export const WINDOWS_TAG = /(?:^|-)(nanoserver|windowsservercore|servercore|ltsc\d{4})(?:-|$)/;

// ---------------------------------------------------------------------------
// Build toolchain facts the rules share.

/**
 * Go releases from 1.20 on turn cgo off when no C compiler is installed, so a plain
 * `go build` on an image without gcc (golang:alpine) already yields a static binary.
 * Source: Go 1.20 release notes (https://go.dev/doc/go1.20#cgo).
 */
export const GO_CGO_OFF_WITHOUT_CC_SINCE = '1.20';
/**
 * Since Go 1.22 the linker's -s also drops DWARF (-w is implied).
 * Source: Go 1.22 release notes, "Linker" (https://go.dev/doc/go1.22#linker).
 */
export const GO_STRIP_IMPLIES_DWARF_SINCE = '1.22';
/** Packages that bring a C compiler into a build stage. */
export const C_COMPILER_PACKAGES = new Set(['gcc', 'g++', 'clang', 'build-base', 'build-essential', 'musl-dev', 'alpine-sdk', 'gcc-c++']);
