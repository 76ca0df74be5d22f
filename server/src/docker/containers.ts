import * as fs from 'fs';
import type Docker from 'dockerode';
import { statusCodeOf, TargetNotFoundError } from './errors';
import { checkContainerRef } from './references';
import { isOurSidecar } from './sidecarIdentity';
import { readContainerFileStream } from './files';

/** Label every sidecar carries; its value is the target's full container ID. */
export const SIDECAR_LABEL = 'io.distroless.sidecar.target';
/** Which process on which host opened the sidecar, for orphan cleanup: `<hostname>:<pid>`. */
export const SIDECAR_OWNER_LABEL = 'io.distroless.sidecar.owner';
export const SIDECAR_TARGET_NAME_LABEL = 'io.distroless.sidecar.target-name';
/** On the short-lived helpers that list a directory (directoryListing.ts); value "ls". */
export const LISTING_HELPER_LABEL = 'io.distroless.sidecar.listing';

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  /** Engine state: created, running, paused, restarting, exited, dead. */
  state: string;
  /** Human status, e.g. "Up 5 minutes". */
  status: string;
  running: boolean;
  /** True for sidecars this module made, so views can hide them. */
  isSidecar: boolean;
}

export interface TargetIdentity {
  uid: number;
  gid: number;
  /**
   * Where the numbers came from. `process` is the truth (the running main
   * process); the others are fallbacks for engines that cannot show processes.
   */
  source: 'process' | 'config' | 'image-passwd' | 'default';
}

export interface TargetInfo {
  id: string;
  name: string;
  image: string;
  state: string;
  running: boolean;
  /** Host PID of the main process (0 when not running). */
  pid: number;
  /** Config.User as written (may be a name, empty, or uid:gid). */
  configUser: string;
  user: TargetIdentity;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  /**
   * HostConfig.PidMode: "" (its own PID namespace), "host", "container:<id>" (another's).
   * Only with its own is the target's main process PID 1 in the namespace a sidecar joins.
   */
  pidMode?: string;
  /** Path of a shell inside the target, if any; absent means "distroless". */
  shellPath?: string;
  /** False means "distroless" (no shell found); undefined when the engine cannot tell. */
  hasShell: boolean | undefined;
}

export async function listContainers(docker: Docker, opts: { all?: boolean } = {}): Promise<ContainerSummary[]> {
  const raw = await docker.listContainers({ all: opts.all ?? false });
  return raw.map((c) => ({
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    image: c.Image,
    state: c.State,
    status: c.Status,
    running: c.State === 'running',
    // Only the sidecars this tool made are hidden: a label alone can come from anyone's image.
    isSidecar: isOurSidecar(c.Names?.[0], c.Labels),
  }));
}

/** Shells a debug image or a "mostly distroless" image may carry; /busybox/sh is the distroless :debug layout. */
const SHELL_PATHS = ['/bin/sh', '/usr/bin/sh', '/bin/bash', '/bin/ash', '/busybox/sh'];

export async function inspectTarget(docker: Docker, idOrName: string): Promise<TargetInfo> {
  // Checked before any call: an unchecked name would reach the request path (../x, "a b").
  const ref = checkContainerRef(idOrName);
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(encodeURIComponent(ref)).inspect();
  } catch (err) {
    if (statusCodeOf(err) === 404) throw new TargetNotFoundError(idOrName);
    throw err;
  }
  const running = info.State.Running && !info.State.Paused && !info.State.Restarting;
  const configUser = info.Config.User ?? '';
  const [user, shell] = await Promise.all([
    readIdentity(docker, info, running),
    findShell(docker, info.Id),
  ]);
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    state: info.State.Status,
    running,
    pid: info.State.Pid,
    configUser,
    user,
    capAdd: [...(info.HostConfig.CapAdd ?? [])],
    capDrop: [...(info.HostConfig.CapDrop ?? [])],
    privileged: Boolean(info.HostConfig.Privileged),
    pidMode: String(info.HostConfig.PidMode ?? ''),
    shellPath: shell.path,
    hasShell: shell.known ? shell.path !== undefined : undefined,
  };
}

/**
 * The uid:gid the kernel will compare when the sidecar looks at /proc/1/root.
 * Config.User cannot be trusted alone: it may be a name, be empty while the
 * entrypoint drops privileges itself, or carry a uid without a gid.
 */
async function readIdentity(docker: Docker, info: Docker.ContainerInspectInfo, running: boolean): Promise<TargetIdentity> {
  if (running && info.State.Pid > 0) {
    const fromTop = await identityFromTop(docker, info.Id, info.State.Pid);
    if (fromTop) return fromTop;
    const fromProc = identityFromLocalProc(info.Id, info.State.Pid);
    if (fromProc) return fromProc;
  }
  return identityFromConfig(docker, info);
}

async function identityFromTop(docker: Docker, id: string, pid: number): Promise<TargetIdentity | undefined> {
  try {
    // Docker runs `ps` on the engine's host with these arguments, so this works
    // for remote engines too. Podman rejects procps descriptors; we fall back.
    const top = (await docker.getContainer(id).top({ ps_args: '-o pid,uid,gid' })) as { Titles?: string[]; Processes?: string[][] };
    return parseTop(top, pid);
  } catch {
    return undefined;
  }
}

/** Picks the main process (host PID `pid`) out of a `docker top -o pid,uid,gid` answer. */
export function parseTop(top: { Titles?: string[]; Processes?: string[][] }, pid: number): TargetIdentity | undefined {
  const titles = (top.Titles ?? []).map((t) => t.trim().toUpperCase());
  const pidCol = titles.indexOf('PID');
  const uidCol = titles.indexOf('UID');
  const gidCol = titles.indexOf('GID');
  if (pidCol < 0 || uidCol < 0 || gidCol < 0) return undefined;
  const row = (top.Processes ?? []).find((p) => Number(p[pidCol]) === pid);
  if (!row) return undefined;
  const uid = Number(row[uidCol]);
  const gid = Number(row[gidCol]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return undefined;
  return { uid, gid, source: 'process' };
}

/**
 * When the engine runs on this machine (and we share its PID namespace), the
 * main process's status file gives the same answer. The cgroup check makes sure
 * the PID really is that container's and not an unrelated process of ours.
 */
function identityFromLocalProc(id: string, pid: number): TargetIdentity | undefined {
  try {
    const cgroup = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    if (!cgroup.includes(id)) return undefined;
    return parseProcStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Effective uid/gid from a /proc/<pid>/status text (the second column of Uid:/Gid:). */
export function parseProcStatus(status: string): TargetIdentity | undefined {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+(\\d+)`, 'm').exec(status);
    return m ? Number(m[2]) : undefined;
  };
  const uid = field('Uid');
  const gid = field('Gid');
  return uid === undefined || gid === undefined ? undefined : { uid, gid, source: 'process' };
}

async function identityFromConfig(docker: Docker, info: Docker.ContainerInspectInfo): Promise<TargetIdentity> {
  const spec = (info.Config.User ?? '').trim();
  if (!spec) return { uid: 0, gid: 0, source: 'default' };
  const [userPart, groupPart] = spec.split(':', 2);
  const numeric = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  let uid = numeric(userPart);
  let gid = numeric(groupPart);
  if (uid !== undefined && (groupPart === undefined || gid !== undefined)) {
    return { uid, gid: gid ?? 0, source: 'config' };
  }
  // Names: resolve them the way the engine did, from the container's own files.
  const passwd = await readContainerFile(docker, info.Id, '/etc/passwd');
  const group = groupPart !== undefined && gid === undefined ? await readContainerFile(docker, info.Id, '/etc/group') : undefined;
  if (uid === undefined) {
    const entry = passwd?.split('\n').map((l) => l.split(':')).find((f) => f[0] === userPart);
    if (!entry) return { uid: 0, gid: 0, source: 'default' };
    uid = Number(entry[2]);
    if (groupPart === undefined) gid = Number(entry[3]);
  }
  if (gid === undefined && groupPart !== undefined) {
    const entry = group?.split('\n').map((l) => l.split(':')).find((f) => f[0] === groupPart);
    gid = entry ? Number(entry[2]) : 0;
  }
  return { uid, gid: gid ?? 0, source: 'image-passwd' };
}

/** The most read of a small file (/etc/passwd, /etc/group): real ones are a few KB. */
export const MAX_SMALL_FILE_BYTES = 1024 * 1024;

/**
 * Reads one small regular file out of a container through the archive API (no exec,
 * no shell needed); undefined when it is absent, not a regular file, or larger than
 * `limit`: the size in the tar header is checked before any content is read, and the
 * transfer is dropped there, so a 1 GiB /etc/passwd costs one header, not 1 GiB.
 */
export async function readContainerFile(docker: Docker, id: string, filePath: string, limit = MAX_SMALL_FILE_BYTES): Promise<string | undefined> {
  let stream: NodeJS.ReadableStream & { destroy(): void } | undefined;
  try {
    const opened = await readContainerFileStream(docker, id, filePath);
    stream = opened.stream;
    // Destroying the stream drops the engine's transfer (the archive response) with it.
    if (opened.size > limit) return undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of opened.stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) return undefined;
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch {
    return undefined;
  } finally {
    stream?.destroy();
  }
}

async function findShell(docker: Docker, id: string): Promise<{ path?: string; known: boolean }> {
  const container = docker.getContainer(id);
  const found: Array<boolean | undefined> = await Promise.all(
    SHELL_PATHS.map(async (p) => {
      try {
        const res = (await container.infoArchive({ path: p })) as NodeJS.ReadableStream & { resume?: () => void };
        res.resume?.();
        return true;
      } catch (err) {
        // Anything but "no such path" (an engine without the archive API) must not claim "distroless".
        return statusCodeOf(err) === 404 ? false : undefined;
      }
    }),
  );
  const index = found.indexOf(true);
  if (index >= 0) return { path: SHELL_PATHS[index], known: true };
  return { known: found.every((f) => f === false) };
}
