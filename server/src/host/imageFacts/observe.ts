/** Turns what the engine says about a local image (config and file list) into the engine's ObservedImage. */
import { resolveInTree, ImageTree } from '../../docker/imageArchive';
import type { LocalImageConfig } from '../../docker/images';
import { RUNTIME_PROGRAMS, SHELL_PATHS, type ImageUser, type ObservedImage } from '../../engine';

/** Files whose contents the provider reads from the archive. */
export const WANTED_FILES: ReadonlySet<string> = new Set(['etc/passwd']);

/** Docker's PATH when an image sets none (what a container gets by default). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function isFile(tree: ImageTree, path: string): boolean {
  const found = resolveInTree(tree, path);
  return found !== undefined && found.node.type === 'file';
}

function isExecutable(tree: ImageTree, path: string): boolean {
  const found = resolveInTree(tree, path);
  return found !== undefined && found.node.type === 'file' && (found.node.mode & 0o111) !== 0;
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

export function observeImage(config: LocalImageConfig, tree: ImageTree): ObservedImage {
  const pathEntry = config.env.find((e) => e.startsWith('PATH='));
  const dirs = (pathEntry ? pathEntry.slice(5) : DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
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
  const passwd = tree.contents.get('etc/passwd');
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
    libc: libcOf(tree),
    caBundle: isFile(tree, '/etc/ssl/certs/ca-certificates.crt'),
  };
}
