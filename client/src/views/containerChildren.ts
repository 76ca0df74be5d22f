/**
 * The rows under a container in the Containers view: a read-only Files tree
 * (from the engine's archive API) and the container's open debug sessions
 * (shell sidecars, port forwards). Plain data, no vscode: the tree provider
 * maps them to TreeItems and tests check them directly.
 */
import type { ContainerDirectoryListing, ContainerFileEntry } from '../../../server/src/docker';
import type { DebugSession } from '../sessions/sessionRegistry';

export const FILES_SCHEME = 'distroless-container';

/** contextValues: menus match on these. */
export const CHILD_CONTEXT = {
  filesRoot: 'distroless.files.root',
  directory: 'distroless.files.directory',
  file: 'distroless.files.file',
  other: 'distroless.files.other',
  /** The last row of a listing that stopped early: no menus, nothing to open. */
  incomplete: 'distroless.files.incomplete',
  shell: 'distroless.session.shell',
  shellDetached: 'distroless.session.shell-detached',
  forward: 'distroless.session.forward',
} as const;

export interface ChildNodeModel {
  kind: 'files-root' | 'directory' | 'file' | 'other' | 'session';
  id: string;
  containerId: string;
  containerName: string;
  label: string;
  description?: string;
  tooltip: string;
  contextValue: string;
  iconId: string;
  collapsible: boolean;
  /** For file-system nodes: the absolute path in the container. */
  path?: string;
  /** For files: the URI to open (distroless-container://<id>/<path>). */
  uri?: string;
  /** For session nodes. */
  sessionId?: string;
}

/** `distroless-container://<container id>/<path>`; the path keeps its slashes, each segment percent-encoded. */
export function containerFileUri(containerId: string, filePath: string): string {
  const encoded = filePath
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return `${FILES_SCHEME}://${containerId.toLowerCase()}${encoded.startsWith('/') ? encoded : '/' + encoded}`;
}

export function filesRootNode(containerId: string, containerName: string): ChildNodeModel {
  return {
    kind: 'files-root',
    id: `${containerId}/files`,
    containerId,
    containerName,
    label: 'Files',
    description: 'read-only',
    tooltip: `The files of ${containerName}, read through the engine's archive API (as docker cp does): works without a shell and on stopped containers; nothing is written.`,
    contextValue: CHILD_CONTEXT.filesRoot,
    iconId: 'files',
    collapsible: true,
    path: '/',
  };
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** Rows for one directory listing: directories first, then the rest, each by name. */
export function fileNodes(containerId: string, containerName: string, dirPath: string, entries: readonly ContainerFileEntry[] | ContainerDirectoryListing): ChildNodeModel[] {
  const base = dirPath === '/' ? '' : dirPath;
  const nodes = entries
    .map((e): ChildNodeModel => {
      const p = `${base}/${e.name}`;
      const owner = `${e.user || e.uid}:${e.group || e.gid}`;
      const isDir = e.type === 'directory';
      const isLink = e.type === 'symlink';
      const readable = e.type === 'file' || isLink;
      const kind = isDir ? 'directory' : readable ? 'file' : 'other';
      return {
        kind,
        id: `${containerId}/files${p}`,
        containerId,
        containerName,
        label: e.name,
        description: [isLink ? `→ ${e.linkTarget}` : undefined, e.type === 'file' ? humanSize(e.size) : undefined, owner, octal(e.mode)].filter(Boolean).join(' · '),
        tooltip: `${p}\n${e.type}${isLink ? ` → ${e.linkTarget}` : ''}\nowner ${e.uid}${e.user ? ` (${e.user})` : ''}, group ${e.gid}${e.group ? ` (${e.group})` : ''}\nmode ${octal(e.mode)}${e.type === 'file' ? `\n${e.size} bytes` : ''}\nmodified ${e.mtime.toISOString()}`,
        contextValue: isDir ? CHILD_CONTEXT.directory : readable ? CHILD_CONTEXT.file : CHILD_CONTEXT.other,
        iconId: isDir ? 'folder' : isLink ? 'file-symlink-file' : readable ? 'file' : 'circle-slash',
        // A symlink may point at a directory: opening it as a file says so; its target is listed where it lives.
        collapsible: isDir,
        path: p,
        uri: readable ? containerFileUri(containerId, p) : undefined,
      };
    })
    .sort((a, b) => Number(b.kind === 'directory') - Number(a.kind === 'directory') || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const incomplete = 'incomplete' in entries ? entries.incomplete : undefined;
  if (incomplete) {
    // Last, after the entries it could read: the rows above are not the whole directory.
    nodes.push({
      kind: 'other',
      id: `${containerId}/files${base}/ incomplete`,
      containerId,
      containerName,
      label: 'Listing incomplete',
      description: 'later entries not shown; hover for why',
      tooltip: incompleteListingMessage(incomplete, containerName, dirPath),
      contextValue: CHILD_CONTEXT.incomplete,
      iconId: 'warning',
      collapsible: false,
    });
  }
  return nodes;
}

/** One line for a listing that stopped at MAX_LISTING_CONTENT_BYTES (server/src/docker/files.ts): what is missing and how to see it all. */
export function incompleteListingMessage(reason: string, containerName: string, dirPath: string): string {
  const source = `${containerName}:${dirPath}`;
  const quoted = /^[\w@%+=:,./-]+$/.test(source) ? source : `'${source.replace(/'/g, `'\\''`)}'`;
  return `Partial ${reason}. To see every entry, copy the directory out: docker cp ${quoted} .`;
}

/**
 * Says once that a directory's listing is partial, and again only after a complete
 * listing of it came in between: the Explorer re-reads a directory on every refresh
 * and would otherwise repeat the same notification each time.
 */
export class IncompleteListingNotices {
  private readonly shown = new Set<string>();

  constructor(private readonly notify: (message: string) => void) {}

  /** After each listing of `dirPath` in the container: `incomplete` as the listing carries it. */
  listed(containerId: string, containerName: string, dirPath: string, incomplete: string | undefined): void {
    const key = `${containerId}\0${dirPath}`;
    if (!incomplete) {
      this.shown.delete(key);
      return;
    }
    if (this.shown.has(key)) return;
    this.shown.add(key);
    this.notify(incompleteListingMessage(incomplete, containerName, dirPath));
  }
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[i]}`;
}

export function sessionNode(session: DebugSession): ChildNodeModel {
  const common = { kind: 'session' as const, id: `${session.targetId}/session/${session.id}`, containerId: session.targetId, containerName: session.targetName, collapsible: false, sessionId: session.id };
  const since = `started ${session.startedAt.toLocaleTimeString()}`;
  if (session.kind === 'forward') {
    const f = session.forward;
    return {
      ...common,
      label: `Port ${f.remotePort} → ${f.localAddress}:${f.localPort}`,
      description: `forwarding · ${f.activeConnections} connection${f.activeConnections === 1 ? '' : 's'}`,
      tooltip: `Forwards ${f.localAddress}:${f.localPort} on this machine to ${f.remoteHost}:${f.remotePort} inside ${session.targetName}, through sidecar ${session.sidecarId?.slice(0, 12) ?? ''}; ${since}. Stop removes the sidecar.`,
      contextValue: CHILD_CONTEXT.forward,
      iconId: 'plug',
    };
  }
  return {
    ...common,
    label: `Debug shell ${session.user}`,
    description: session.attached ? 'terminal open' : 'running, no terminal',
    tooltip: `A debug sidecar (${session.sidecarId?.slice(0, 12) ?? 'starting'}) next to ${session.targetName}, ${session.user}; ${since}. ${
      session.attached ? 'Show Terminal brings its terminal forward; Detach closes the terminal and keeps the sidecar.' : 'Its terminal was detached: Show Terminal reconnects (output since then is kept).'
    } Stop removes the sidecar.`,
    contextValue: session.attached ? CHILD_CONTEXT.shell : CHILD_CONTEXT.shellDetached,
    iconId: 'terminal',
  };
}

/** What goes under a container: Files first, then its sessions. */
export function containerChildren(containerId: string, containerName: string, sessions: readonly DebugSession[]): ChildNodeModel[] {
  return [filesRootNode(containerId, containerName), ...sessions.map(sessionNode)];
}
