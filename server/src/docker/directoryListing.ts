/**
 * Listing a directory of a container without moving file contents.
 *
 * The engine has no listing API: its archive API (what `docker cp` uses) sends every
 * file under a directory, contents and all, so `ls /data` over a 10 GB file moved
 * 10 GB. For a running container the listing comes instead from a short-lived helper
 * container of the tools image (busybox:latest), joined to the target's PID namespace
 * (no network), as the target's user with the target's capabilities, which runs
 * `find -maxdepth 1 -exec stat` on `/proc/1/root/<dir>`: names and stat fields only.
 * When that user may not read the directory, one more helper runs as root with
 * CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH only (every other capability dropped; never
 * privileged): it sees what the archive API, which reads as the engine's root, shows.
 *
 * The archive path (files.ts, bounded, says `incomplete` when it stops) stays for what
 * a helper cannot list: a stopped container (nothing runs in its namespaces), one that
 * shares the host's or another container's PID namespace (PID 1 there is not its own), a tools
 * image that is not on the engine (never pulled for a listing), and a helper that
 * failed. Helpers carry the sidecar labels with a keyed session label (sidecarIdentity.ts),
 * are AutoRemove, and are removed in a finally as well (error, timeout, cancel).
 */
import type Docker from 'dockerode';
import type { Duplex } from 'stream';
import { inspectTarget, LISTING_HELPER_LABEL, readContainerFile, SIDECAR_OWNER_LABEL, TargetInfo } from './containers';
import { DockerError, engineMessage, OperationCancelledError, statusCodeOf } from './errors';
import {
  ContainerDirectoryListing,
  ContainerFileEntry,
  ContainerFileType,
  decodeFileName,
  encodeFileName,
  listDirectoryFromArchive,
  MAX_LISTING_CONTENT_BYTES,
  normalizeContainerPath,
  statContainerPath,
} from './files';
import { DEFAULT_TOOLS_IMAGE, planSidecar } from './plan';
import { checkContainerRef } from './references';
import { createNamed, demux, imagePresent, ownerTag, removeOrphanSidecars } from './sidecar';
import { sessionLabelFor, SIDECAR_SESSION_LABEL } from './sidecarIdentity';

/** Most bytes of names and stat fields a helper may send (about half a million entries). */
export const MAX_LISTING_OUTPUT_BYTES = 64 * 1024 * 1024;

/** A helper that has not finished by then is removed and the listing fails. */
export const LISTING_HELPER_TIMEOUT_MS = 120_000;

/**
 * Listing helpers alive at once per engine client. The Containers view asks for every
 * expanded directory again on each refresh (any container's event on the engine): more
 * than this wait their turn instead of starting a container each at the same moment.
 */
export const MAX_CONCURRENT_HELPERS = 3;

const helperSlots = new WeakMap<Docker, { running: number; waiting: Array<() => void> }>();

/** Runs `fn` once fewer than MAX_CONCURRENT_HELPERS helpers run on `docker`, in order of asking; a cancelled wait leaves the line. */
async function withHelperSlot<T>(docker: Docker, signal: AbortSignal | undefined, what: string, fn: () => Promise<T>): Promise<T> {
  let slots = helperSlots.get(docker);
  if (!slots) helperSlots.set(docker, (slots = { running: 0, waiting: [] }));
  const s = slots;
  if (s.running >= MAX_CONCURRENT_HELPERS) {
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        s.waiting = s.waiting.filter((w) => w !== go);
        reject(new OperationCancelledError(what));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      s.waiting.push(go);
    });
    // A finished helper handed its place over (running was not lowered in between).
  } else s.running++;
  try {
    return await fn();
  } finally {
    const next = s.waiting.shift();
    if (next) next();
    else s.running--;
  }
}

/** Listings without a signal under way, per engine client: asking for the same one again joins it. */
const listingsInFlight = new WeakMap<Docker, Map<string, Promise<ContainerDirectoryListing>>>();

/** Engine clients whose leftover helpers (a process killed between a helper's create and start) were looked for. */
const orphansSought = new WeakSet<Docker>();

export interface ListDirectoryOptions {
  signal?: AbortSignal;
  /** Busybox-like image with sh, find, stat and readlink; default busybox:latest. Never pulled here. */
  toolsImage?: string;
  /** See MAX_LISTING_CONTENT_BYTES (the archive path only). */
  contentLimit?: number;
}

/**
 * Exit 13: the directory cannot be entered or read as this user. Then `find` prints one
 * record per entry, "/<st_mode hex> <uid> <gid> <size> <mtime>/./<name>\n": names
 * cannot hold "/", so every "/" starts a field or a record and no name can forge a row.
 * After a NUL: find's status, then per symlink "<name>\0<target>\n\0" (names and
 * targets cannot hold NUL), then "end\0". The directory's path comes as printf
 * escapes: a name's bytes need not be UTF-8, and the engine's JSON carries only UTF-8.
 */
const LIST_SCRIPT = `d=$(printf "$1/x") && d=\${d%/x} || exit 2
cd -- "$d" 2>/dev/null && [ -r . ] || exit 13
find . -mindepth 1 -maxdepth 1 -exec stat -c '/%f %u %g %s %Y/%n' -- {} +
printf '\\0%s\\0' "$?"
for l in * .[!.]* ..?*; do
  [ -L "$l" ] || continue
  printf '%s\\0' "$l"
  readlink -- "$l"
  printf '\\0'
done
printf 'end\\0'`;

/** Every byte but a few plain ones as a printf octal escape. */
export function printfEscaped(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += /[A-Za-z0-9/._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
  return out;
}

function typeOfMode(mode: number): ContainerFileType {
  switch (mode & 0o170000) {
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    case 0o100000:
      return 'file';
    case 0o020000:
      return 'char-device';
    case 0o060000:
      return 'block-device';
    case 0o010000:
      return 'fifo';
    case 0o140000:
      return 'socket';
    default:
      return 'other';
  }
}

export interface HelperListing {
  entries: ContainerFileEntry[];
  /** find's exit status (non-zero when an entry went away between readdir and stat). */
  findStatus: number;
  /** False when the output stopped before "end" (cut at the size limit). */
  complete: boolean;
}

/** Parses LIST_SCRIPT's output; owners' names are filled in later. Throws on output that is not the script's. */
export function parseHelperListing(out: Buffer): HelperListing {
  const nul = out.indexOf(0);
  const records = nul < 0 ? out : out.subarray(0, nul);
  const entries: ContainerFileEntry[] = [];
  const bad = (why: string) => new Error(`unexpected listing output (${why})`);
  let i = 0;
  while (i < records.length) {
    if (records[i] !== 0x2f) throw bad(`byte ${i}`);
    const fieldsEnd = records.indexOf(0x2f, i + 1);
    if (fieldsEnd < 0 || records[fieldsEnd + 1] !== 0x2e || records[fieldsEnd + 2] !== 0x2f) {
      if (nul < 0) break; // cut in the middle of a record
      throw bad(`record at byte ${i}`);
    }
    const nameStart = fieldsEnd + 3;
    const next = records.indexOf(0x2f, nameStart);
    const end = next < 0 ? records.length : next;
    // A record cut short (no "end" yet) may have lost the end of its name: not shown.
    if (next < 0 && nul < 0) break;
    if (records[end - 1] !== 0x0a) throw bad(`record at byte ${i} does not end a line`);
    const fields = records.subarray(i + 1, fieldsEnd).toString('latin1').split(' ');
    const [mode, uid, gid, size, mtime] = [parseInt(fields[0] ?? '', 16), ...fields.slice(1).map(Number)];
    if (fields.length !== 5 || [mode, uid, gid, size, mtime].some((n) => !Number.isFinite(n))) throw bad(`fields ${fields.join(' ')}`);
    const type = typeOfMode(mode!);
    entries.push({ name: decodeFileName(records.subarray(nameStart, end - 1)), type, mode: mode! & 0o7777, uid: uid!, gid: gid!, user: '', group: '', size: type === 'file' ? size! : 0, mtime: new Date(mtime! * 1000) });
    i = end;
  }
  if (nul < 0) return { entries, findStatus: 0, complete: false };
  const parts: Buffer[] = [];
  for (let at = nul + 1; at < out.length; ) {
    const stop = out.indexOf(0, at);
    if (stop < 0) break;
    parts.push(out.subarray(at, stop));
    at = stop + 1;
  }
  const complete = parts.length >= 2 && parts[parts.length - 1]!.toString('latin1') === 'end' && parts.length % 2 === 0;
  const findStatus = Number(parts[0]?.toString('latin1'));
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (let k = 1; k + 1 < parts.length - (complete ? 1 : 0); k += 2) {
    const entry = byName.get(decodeFileName(parts[k]!));
    const target = parts[k + 1]!;
    if (entry?.type === 'symlink' && target.length > 1) entry.linkTarget = decodeFileName(target.subarray(0, target[target.length - 1] === 0x0a ? target.length - 1 : target.length));
  }
  return { entries, findStatus: Number.isInteger(findStatus) ? findStatus : 1, complete };
}

/** uid → name from an /etc/passwd or /etc/group text (name:x:id:...). */
export function namesById(text: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of (text ?? '').split('\n')) {
    const f = line.split(':');
    const id = Number(f[2]);
    if (f[0] && f.length >= 3 && f[2] !== '' && Number.isInteger(id) && !out.has(id)) out.set(id, f[0]);
  }
  return out;
}

/**
 * The path with every symlink on the way resolved inside the container (the engine
 * does that in its own scope): under /proc/1/root the kernel would resolve an absolute
 * link against the helper's root, not the target's. Throws PathNotFoundError.
 */
async function resolveInContainer(docker: Docker, container: string, p: string): Promise<{ resolved: string; type: ContainerFileType }> {
  let resolved = '/';
  let type: ContainerFileType = 'directory';
  for (const part of p.split('/').filter(Boolean)) {
    const candidate = resolved === '/' ? `/${part}` : `${resolved}/${part}`;
    const stat = await statContainerPath(docker, container, candidate);
    if (stat.type === 'symlink' && stat.linkTarget) {
      resolved = normalizeContainerPath(stat.linkTarget);
      type = (await statContainerPath(docker, container, resolved)).type;
    } else {
      resolved = candidate;
      type = stat.type;
    }
  }
  return { resolved, type };
}

interface HelperRun {
  code: number;
  stdout: Buffer;
  stderr: string;
  /** Stopped at MAX_LISTING_OUTPUT_BYTES. */
  cut: boolean;
}

/** Runs LIST_SCRIPT once in a helper next to the target and removes it. */
async function runListingHelper(
  docker: Docker,
  target: TargetInfo,
  image: string,
  dir: string,
  identity: { user: string; capAdd: string[]; capDrop: string[] },
  signal?: AbortSignal,
): Promise<HelperRun> {
  return withHelperSlot(docker, signal, `Listing ${dir} in "${target.name}"`, () => runListingHelperNow(docker, target, image, dir, identity, signal));
}

async function runListingHelperNow(
  docker: Docker,
  target: TargetInfo,
  image: string,
  dir: string,
  identity: { user: string; capAdd: string[]; capDrop: string[] },
  signal?: AbortSignal,
): Promise<HelperRun> {
  const plan = planSidecar(target, { image });
  const container = await createNamed(
    docker,
    target.name,
    (name) => ({
      name,
      Image: image,
      Cmd: ['sh', '-c', LIST_SCRIPT, 'distroless-ls', printfEscaped(Buffer.concat([Buffer.from('/proc/1/root'), encodeFileName(dir)]))],
      User: identity.user,
      AttachStdout: true,
      AttachStderr: true,
      NetworkDisabled: true,
      Labels: { ...plan.labels, [SIDECAR_OWNER_LABEL]: ownerTag(), [LISTING_HELPER_LABEL]: 'ls', [SIDECAR_SESSION_LABEL]: sessionLabelFor(name) },
      HostConfig: { PidMode: `container:${target.id}`, NetworkMode: 'none', AutoRemove: true, CapAdd: identity.capAdd, CapDrop: identity.capDrop, Privileged: false },
    }),
    'list',
  );
  // 409: AutoRemove is removing it. Its place among MAX_CONCURRENT_HELPERS is given back
  // only once it is gone (bounded), so helpers that still exist never outnumber the limit.
  const remove = () =>
    container.remove({ force: true }).catch(async (err: unknown) => {
      if (statusCodeOf(err) === 409) {
        const gone = container.wait({ condition: 'removed' }).catch(() => undefined);
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000).unref())]);
      } else if (statusCodeOf(err) !== 404) throw err;
    });
  let stream: Duplex | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    let cut = false;
    let stderr = '';
    const exited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
    exited.catch(() => undefined);
    stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as Duplex;
    const drained = new Promise<void>((resolve) => {
      stream!.once('end', resolve);
      stream!.once('close', resolve);
      stream!.once('error', () => resolve());
    });
    const stopped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DockerError('sidecar-failed', `The listing helper for "${target.name}" did not finish within ${LISTING_HELPER_TIMEOUT_MS / 1000} s.`)), LISTING_HELPER_TIMEOUT_MS);
      onAbort = () => reject(new OperationCancelledError(`Listing ${dir} in "${target.name}"`));
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort);
    });
    stopped.catch(() => undefined);
    const full = new Promise<void>((resolve) =>
      demux(stream!, (chunk, which) => {
        if (which === 'stderr') {
          if (stderr.length < 4096) stderr += chunk.toString('utf8');
          return;
        }
        if (cut) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_LISTING_OUTPUT_BYTES) {
          cut = true;
          resolve();
        }
      }),
    );
    await container.start();
    const code = await Promise.race([exited.then((r) => r.StatusCode), full.then(() => -1), stopped]);
    if (!cut) await Promise.race([drained, new Promise((r) => setTimeout(r, 2000).unref()), stopped]);
    return { code, stdout: Buffer.concat(chunks), stderr, cut };
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    stream?.destroy();
    await remove().catch(() => undefined);
  }
}

/**
 * Why no root helper with CAP_DAC_READ_SEARCH may run beside this target, or undefined.
 * That capability unlocks open_by_handle_at (Docker's seccomp profile allows it only
 * with the capability), which reads the host's files by inode handle ("Shocker"). A
 * target that has CAP_SYS_PTRACE but not that capability could ptrace the helper
 * (its PIDs are in the target's namespace) and use it: that would give the target more
 * than it has. A privileged target, or one with ALL or DAC_READ_SEARCH, gains nothing.
 */
export function mayTraceRootHelper(target: Pick<TargetInfo, 'capAdd' | 'capDrop' | 'privileged'>): string | undefined {
  const name = (c: string) => c.toUpperCase().replace(/^CAP_/, '');
  const added = new Set(target.capAdd.map(name));
  const dropped = new Set(target.capDrop.map(name));
  if (target.privileged || added.has('ALL') || added.has('DAC_READ_SEARCH')) return undefined;
  if (!added.has('SYS_PTRACE') || dropped.has('SYS_PTRACE')) return undefined;
  return 'the target has CAP_SYS_PTRACE, so it could take over a root helper with CAP_DAC_READ_SEARCH, which it lacks: none is started';
}

/** Why the helper could not list, to be told next to an archive listing that stopped. */
class HelperUnavailable extends Error {}

async function listWithHelper(docker: Docker, target: TargetInfo, image: string, dir: string, signal?: AbortSignal): Promise<ContainerDirectoryListing> {
  const plan = planSidecar(target, { image });
  // A privileged target's capabilities are all of them: stat needs only these two, not ALL.
  const rootIdentity = { user: '0:0', capAdd: ['SYS_PTRACE', 'DAC_READ_SEARCH'], capDrop: ['ALL'] };
  const first = plan.capAdd.some((c) => c.toUpperCase() === 'ALL') ? rootIdentity : plan;
  const owners = Promise.all([readContainerFile(docker, target.id, '/etc/passwd'), readContainerFile(docker, target.id, '/etc/group')]);
  owners.catch(() => undefined);
  // A helper created but never started (its process killed in between) has no AutoRemove to end it.
  if (!orphansSought.has(docker)) {
    orphansSought.add(docker);
    await removeOrphanSidecars(docker).catch(() => []);
  }
  let run = await runListingHelper(docker, target, image, dir, first, signal);
  let asRoot = first === rootIdentity;
  if (!asRoot && (run.code === 13 || (run.code !== 0 && /permission denied/i.test(run.stderr)))) {
    // The target's user may not read it; the archive API (the engine's root) could: so may this.
    const tracer = mayTraceRootHelper(target);
    if (tracer) throw new HelperUnavailable(`the listing helper could not read ${dir} as the target's user, and ${tracer}`);
    asRoot = true;
    run = await runListingHelper(docker, target, image, dir, rootIdentity, signal);
  }
  const said = run.stderr.trim().split('\n').pop() ?? '';
  if (run.code === 13) throw new HelperUnavailable(`the listing helper could not read ${dir}${asRoot ? ' even as root with CAP_SYS_PTRACE' : ''}`);
  if (run.code !== 0 && !run.cut) throw new HelperUnavailable(`the listing helper exited ${run.code}${said ? `: ${said}` : ''}`);
  let parsed: HelperListing;
  try {
    parsed = parseHelperListing(run.stdout);
  } catch (err) {
    throw new HelperUnavailable(`the listing helper's output could not be read (${(err as Error).message}); the tools image ${image} needs sh, find -exec +, stat -c and readlink`);
  }
  // A failed stat for every entry (no stat applet, say) is not an empty directory.
  if (parsed.complete && parsed.findStatus !== 0 && parsed.entries.length === 0) throw new HelperUnavailable(`find in the listing helper failed${said ? `: ${said}` : ''}`);
  const [passwd, group] = await owners.catch(() => [undefined, undefined]);
  const users = namesById(passwd);
  const groups = namesById(group);
  const entries: ContainerDirectoryListing = parsed.entries.map((e) => ({ ...e, user: users.get(e.uid) ?? '', group: groups.get(e.gid) ?? '' }));
  entries.via = 'helper';
  if (!parsed.complete) {
    entries.incomplete = `listing of ${dir} stopped after ${entries.length} entries (${MAX_LISTING_OUTPUT_BYTES} bytes of names): entries after them are not shown`;
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** "" (Docker's default) and "private" (Podman's) are the container's own PID namespace. */
export function ownPidNamespace(pidMode: string | undefined): boolean {
  return pidMode === undefined || pidMode === '' || pidMode === 'private';
}

/**
 * The entries directly inside a directory (symlinks to directories followed), sorted
 * by name; see the module comment for which way. Throws PathNotFoundError,
 * TargetNotFoundError, OperationCancelledError, or a DockerError when the path is not
 * a directory. `incomplete` is set when the listing stopped early, and then says why
 * it came the way it did.
 */
export async function listContainerDirectory(docker: Docker, container: string, dirPath: string, options: ListDirectoryOptions = {}): Promise<ContainerDirectoryListing> {
  if (options.signal) return listOnce(docker, container, dirPath, options);
  // One cancellable caller's abort must not end another's listing: only signal-less ones are shared.
  let inFlight = listingsInFlight.get(docker);
  if (!inFlight) listingsInFlight.set(docker, (inFlight = new Map()));
  const key = JSON.stringify([container, dirPath, options.toolsImage ?? '', options.contentLimit ?? 0]);
  const running = inFlight.get(key);
  if (running) return running;
  const listing = listOnce(docker, container, dirPath, options).finally(() => inFlight!.delete(key));
  inFlight.set(key, listing);
  return listing;
}

async function listOnce(docker: Docker, container: string, dirPath: string, options: ListDirectoryOptions): Promise<ContainerDirectoryListing> {
  container = checkContainerRef(container);
  const p = normalizeContainerPath(dirPath);
  const image = options.toolsImage?.trim() || DEFAULT_TOOLS_IMAGE;
  const target = await inspectTarget(docker, container);
  let why: string;
  if (!target.running) why = `${target.name} is not running, so nothing can list it from inside`;
  // With --pid=host or --pid=container:<other>, PID 1 of the namespace the helper joins is the
  // host's init or the other container's: /proc/1/root would be their files, not the target's.
  else if (!ownPidNamespace(target.pidMode)) why = `${target.name} shares the PID namespace "${target.pidMode}", whose PID 1 is not its own process, so a helper there would see another root`;
  else if (!(await imagePresent(docker, image))) why = `the tools image ${image} is not on this engine (it is never pulled for a listing)`;
  else {
    const { resolved, type } = await resolveInContainer(docker, target.id, p);
    if (type !== 'directory') throw new DockerError('sidecar-failed', `${p} in "${container}" is not a directory.`);
    try {
      return await listWithHelper(docker, target, image, resolved, options.signal);
    } catch (err) {
      if (err instanceof OperationCancelledError || options.signal?.aborted) throw err instanceof OperationCancelledError ? err : new OperationCancelledError(`Listing ${p} in "${container}"`);
      why = err instanceof HelperUnavailable ? err.message : `the listing helper failed: ${engineMessage(err)}`;
    }
  }
  const listed = await listDirectoryFromArchive(docker, container, p, options.signal, options.contentLimit ?? MAX_LISTING_CONTENT_BYTES);
  listed.via = 'archive';
  if (listed.incomplete) listed.incomplete += ` (read through the engine's archive API because ${why})`;
  return listed;
}
