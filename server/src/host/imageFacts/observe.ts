/** Turns what the engine says about a local image (config and file list) into the engine's ObservedImage. */
import { resolveInTree, ImageTree } from '../../docker/imageArchive';
import type { ProbedPath } from '../../docker/imageProbe';
import type { LocalImageConfig } from '../../docker/images';
import { RUNTIME_PROGRAMS, SHELL_PATHS, type ImageUser, type ObservedImage } from '../../engine';

/** Files whose contents the provider reads from the archive. */
export const WANTED_FILES: ReadonlySet<string> = new Set(['etc/passwd']);

/** Docker's PATH when an image sets none (what a container gets by default). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * What observeImage asks of an image's files: from the exported archive's merged tree
 * (treeFiles), or from a probe of named paths through a created container (probedFiles).
 */
export interface ImageFiles {
  /** The path leads (through symlinks) to a regular file with an execute bit. */
  executable(path: string): boolean;
  /** The path leads (through symlinks) to a regular file. */
  isFile(path: string): boolean;
  /** Contents of a file in WANTED_FILES (normalized path, `etc/passwd`), when read. */
  content(path: string): Buffer | undefined;
  libc(): ObservedImage['libc'];
}

export function treeFiles(tree: ImageTree): ImageFiles {
  return {
    executable(path) {
      const found = resolveInTree(tree, path);
      return found !== undefined && found.node.type === 'file' && (found.node.mode & 0o111) !== 0;
    },
    isFile(path) {
      const found = resolveInTree(tree, path);
      return found !== undefined && found.node.type === 'file';
    },
    content: (path) => tree.contents.get(path),
    libc: () => libcOf(tree),
  };
}

export function parsePasswd(text: string): ImageUser[] {
  const users: ImageUser[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(':');
    if (fields.length < 4 || fields[0].startsWith('#')) continue;
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid) || fields[2] === '' || fields[3] === '') continue;
    users.push({ name: fields[0], uid, gid });
  }
  return users;
}

function libcOf(tree: ImageTree): ObservedImage['libc'] {
  let musl = false;
  for (const path of tree.nodes.keys()) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base.startsWith('ld-linux') && /\.so(\.\d+)*$/.test(base)) return 'glibc';
    if (base.startsWith('ld-musl-')) musl = true;
  }
  return musl ? 'musl' : 'none';
}

/** The directories of the image's PATH (Docker's default when it sets none). */
function pathDirs(config: LocalImageConfig): string[] {
  const pathEntry = config.env.find((e) => e.startsWith('PATH='));
  return (pathEntry ? pathEntry.slice(5) : DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
}

export function observeImage(config: LocalImageConfig, tree: ImageTree | ImageFiles): ObservedImage {
  const files: ImageFiles = 'nodes' in tree ? treeFiles(tree) : tree;
  const isExecutable = (_: unknown, path: string) => files.executable(path);
  const isFile = (_: unknown, path: string) => files.isFile(path);
  const dirs = pathDirs(config);
  const runtimes: Record<string, string> = {};
  for (const program of Object.keys(RUNTIME_PROGRAMS)) {
    const dir = dirs.find((d) => isExecutable(tree, `${d}/${program}`));
    if (dir) runtimes[program] = `${dir.replace(/\/+$/, '')}/${program}`;
  }
  // Language images name their interpreter in ENTRYPOINT, often off PATH (/nodejs/bin/node).
  const first = config.entrypoint?.[0];
  if (first?.startsWith('/') && isExecutable(tree, first)) {
    const program = (first.split('/').pop() ?? '').replace(/\d+(\.\d+)*$/, '');
    if (RUNTIME_PROGRAMS[program] && !runtimes[program]) runtimes[program] = first;
  }
  const passwd = files.content('etc/passwd');
  return {
    id: config.id,
    user: config.user,
    entrypoint: config.entrypoint,
    cmd: config.cmd,
    env: config.env,
    workingDir: config.workingDir,
    os: config.os,
    architecture: config.architecture,
    variant: config.variant,
    labels: config.labels,
    shells: SHELL_PATHS.filter((p) => isExecutable(tree, p)),
    runtimes,
    users: passwd ? parsePasswd(passwd.toString('utf8')) : undefined,
    libc: files.libc(),
    caBundle: isFile(tree, '/etc/ssl/certs/ca-certificates.crt'),
  };
}

/**
 * The dynamic loaders of glibc and musl by architecture (their names are fixed by each
 * architecture's ABI), in the folders distributions put them: what probedFiles stats to
 * tell the libc without a file list (the tree reader looks for `ld-linux*` and
 * `ld-musl-*` anywhere). An architecture not listed gets every name.
 */
const LOADERS: Record<string, { glibc: string; musl: string; triplet: string; interpreterDir: string }> = {
  amd64: { glibc: 'ld-linux-x86-64.so.2', musl: 'ld-musl-x86_64.so.1', triplet: 'x86_64-linux-gnu', interpreterDir: '/lib64' },
  arm64: { glibc: 'ld-linux-aarch64.so.1', musl: 'ld-musl-aarch64.so.1', triplet: 'aarch64-linux-gnu', interpreterDir: '/lib' },
  arm: { glibc: 'ld-linux-armhf.so.3', musl: 'ld-musl-armhf.so.1', triplet: 'arm-linux-gnueabihf', interpreterDir: '/lib' },
  '386': { glibc: 'ld-linux.so.2', musl: 'ld-musl-i386.so.1', triplet: 'i386-linux-gnu', interpreterDir: '/lib' },
  riscv64: { glibc: 'ld-linux-riscv64-lp64d.so.1', musl: 'ld-musl-riscv64.so.1', triplet: 'riscv64-linux-gnu', interpreterDir: '/lib' },
  s390x: { glibc: 'ld64.so.1', musl: 'ld-musl-s390x.so.1', triplet: 's390x-linux-gnu', interpreterDir: '/lib' },
  ppc64le: { glibc: 'ld64.so.2', musl: 'ld-musl-powerpc64le.so.1', triplet: 'powerpc64le-linux-gnu', interpreterDir: '/lib64' },
};

/**
 * The loaders' paths, each list led by the path the architecture's ABI names as the
 * program interpreter (`/lib64/ld-linux-x86-64.so.2`: what every dynamically linked
 * program of that libc asks for, so nearly always there when the libc is).
 */
function loaderPaths(architecture: string): { glibc: string[]; musl: string[] } {
  const known = LOADERS[architecture];
  const all = known ? [known] : Object.values(LOADERS);
  const dirs = (triplet: string) => ['/lib', '/lib64', '/usr/lib', '/usr/lib64', `/lib/${triplet}`, `/usr/lib/${triplet}`];
  const interpreterFirst = (l: (typeof all)[number]) => [`${l.interpreterDir}/${l.glibc}`, ...dirs(l.triplet).filter((d) => d !== l.interpreterDir).map((d) => `${d}/${l.glibc}`)];
  return {
    glibc: all.flatMap(interpreterFirst),
    musl: all.flatMap((l) => ['/lib', '/usr/lib'].map((d) => `${d}/${l.musl}`)),
  };
}

/**
 * Every path observeImage asks about for this config, and the files it reads: what a
 * probe must cover. The loaders are asked only whether they exist, glibc's first (the
 * libc is glibc when any of its loaders exists: a musl loader is then not asked about).
 */
export function pathsToProbe(config: LocalImageConfig): { paths: string[]; files: string[]; anyOf: string[][] } {
  const dirs = pathDirs(config);
  const loaders = loaderPaths(config.architecture);
  const paths: string[] = [
    ...SHELL_PATHS,
    ...Object.keys(RUNTIME_PROGRAMS).flatMap((program) => dirs.map((d) => `${d}/${program}`)),
    '/etc/ssl/certs/ca-certificates.crt',
  ];
  const first = config.entrypoint?.[0];
  if (first?.startsWith('/')) paths.push(first);
  return { paths, files: [...WANTED_FILES].map((f) => `/${f}`), anyOf: [loaders.glibc, loaders.musl] };
}

/** ImageFiles over what a probe answered (docker/imageProbe.ts); a path it was not asked about does not exist. */
export function probedFiles(config: LocalImageConfig, probe: { paths: ReadonlyMap<string, ProbedPath>; contents: ReadonlyMap<string, Buffer> }): ImageFiles {
  const loaders = loaderPaths(config.architecture);
  const final = (path: string) => {
    const found = probe.paths.get(normalizeProbePath(path));
    return found?.exists ? found.final : undefined;
  };
  const exists = (paths: string[]) => paths.some((p) => probe.paths.get(p)?.exists === true);
  return {
    executable: (path) => final(path)?.type === 'file' && ((final(path)?.mode ?? 0) & 0o111) !== 0,
    isFile: (path) => final(path)?.type === 'file',
    content: (path) => probe.contents.get(`/${path}`),
    libc: () => (exists(loaders.glibc) ? 'glibc' : exists(loaders.musl) ? 'musl' : 'none'),
  };
}

function normalizeProbePath(path: string): string {
  return ('/' + path).replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}
