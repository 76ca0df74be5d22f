/**
 * `distroless-container://<container id>/<path>`: a read-only FileSystemProvider
 * over the engine's archive API, so files of shell-less (and stopped)
 * containers open in the editor. Binary files open as binary because VS Code
 * sees their bytes unchanged. Every write is refused: this never changes a
 * container.
 */
import * as vscode from 'vscode';
import { ContainerPathStat, DockerService, PathNotFoundError, TargetNotFoundError } from '../../../server/src/docker';
import { FILES_SCHEME, IncompleteListingNotices } from '../views/containerChildren';

/** Above this the editor would hold too much in memory; `docker cp` streams to disk instead. */
export const MAX_OPEN_BYTES = 256 * 1024 * 1024;

function containerPath(uri: vscode.Uri): string {
  return uri.path || '/';
}

function fileType(stat: ContainerPathStat): vscode.FileType {
  if (stat.type === 'directory') return vscode.FileType.Directory;
  if (stat.type === 'file') return vscode.FileType.File;
  return vscode.FileType.Unknown;
}

export class ContainerFileSystemProvider implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  /**
   * A FileSystemProvider can only return real entries (a made-up one would be a name
   * that fails to open), so a listing that stopped early is said in a notification.
   */
  private readonly incomplete: IncompleteListingNotices;

  constructor(
    private readonly engine: () => Promise<DockerService>,
    notify: (message: string) => void = (message) => void vscode.window.showWarningMessage(message),
  ) {
    this.incomplete = new IncompleteListingNotices(notify);
  }

  private async call<T>(uri: vscode.Uri, fn: (svc: DockerService) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.engine());
    } catch (err) {
      if (err instanceof PathNotFoundError || err instanceof TargetNotFoundError) throw vscode.FileSystemError.FileNotFound(uri);
      if (err instanceof vscode.FileSystemError) throw err;
      throw vscode.FileSystemError.Unavailable(err instanceof Error ? err.message : String(err));
    }
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.call(uri, async (svc) => {
      const stat = await svc.statPath(uri.authority, containerPath(uri));
      let type = fileType(stat);
      let size = stat.size;
      if (stat.type === 'symlink' && stat.linkTarget) {
        // A link is what it points at, marked as a link (as VS Code's disk provider does).
        const target = await svc.statPath(uri.authority, stat.linkTarget).catch(() => undefined);
        type = (target ? fileType(target) : vscode.FileType.Unknown) | vscode.FileType.SymbolicLink;
        size = target?.size ?? 0;
      }
      return { type, size, ctime: stat.mtime.getTime(), mtime: stat.mtime.getTime(), permissions: vscode.FilePermission.Readonly };
    });
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.call(uri, async (svc) => {
      const entries = await svc.listDirectory(uri.authority, containerPath(uri));
      // The URI names the container by id; that is what docker cp gets too.
      this.incomplete.listed(uri.authority, uri.authority.slice(0, 12), containerPath(uri), entries.incomplete);
      return entries.map((e): [string, vscode.FileType] => [
        e.name,
        e.type === 'directory' ? vscode.FileType.Directory : e.type === 'file' ? vscode.FileType.File : e.type === 'symlink' ? vscode.FileType.SymbolicLink : vscode.FileType.Unknown,
      ]);
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.call(uri, async (svc) => {
      const abort = new AbortController();
      const { size, stream } = await svc.readFile(uri.authority, containerPath(uri), abort.signal);
      if (size > MAX_OPEN_BYTES) {
        stream.destroy();
        abort.abort();
        throw vscode.FileSystemError.Unavailable(
          `${containerPath(uri)} is ${size} bytes, too large to open in the editor; copy it out with: docker cp ${uri.authority.slice(0, 12)}:${containerPath(uri)} .`,
        );
      }
      const out = new Uint8Array(size);
      let offset = 0;
      for await (const chunk of stream) {
        const bytes = chunk as Buffer;
        out.set(bytes.subarray(0, Math.max(0, Math.min(bytes.length, size - offset))), offset);
        offset += bytes.length;
      }
      return offset === size ? out : out.subarray(0, Math.min(offset, size));
    });
  }

  watch(): vscode.Disposable {
    // Containers change under us without events for files; the view's Refresh re-reads.
    return new vscode.Disposable(() => undefined);
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(`${uri.path}: container files are read-only here (nothing is written to a container).`);
  }

  createDirectory(uri: vscode.Uri): never {
    return this.writeFile(uri);
  }

  delete(uri: vscode.Uri): never {
    return this.writeFile(uri);
  }

  rename(uri: vscode.Uri): never {
    return this.writeFile(uri);
  }
}

export function registerContainerFileSystem(context: vscode.ExtensionContext, engine: () => Promise<DockerService>): void {
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(FILES_SCHEME, new ContainerFileSystemProvider(engine), { isCaseSensitive: true, isReadonly: true }),
  );
}
