/** The Distroless containers view: engine list → tree items, refreshed from engine events while visible. */
import * as vscode from 'vscode';
import { EngineUnreachableError, toDockerError } from '../../../server/src/docker';
import { EngineManager, isConnectionFailure } from '../../../server/src/docker/engineManager';
import { EngineEventsWatcher, watchEngineEvents } from '../../../server/src/docker/engineEvents';
import { ContainerItemModel } from './containerItems';
import { ContainersSource } from './containersSource';
import { log, showError, summarize } from '../log';
import { CHILD_CONTEXT, ChildNodeModel, containerChildren, fileNodes } from './containerChildren';
import type { SessionRegistry } from '../sessions/sessionRegistry';

/** A container row, or a row under it (Files tree, debug sessions). */
export type ContainersViewNode = ContainerItemModel | ChildNodeModel;

function isChild(node: ContainersViewNode): node is ChildNodeModel {
  return 'kind' in node;
}

export const CONTAINERS_VIEW_ID = 'distroless.containers';
/** Events often come in bursts (create, start; die, destroy): one refresh per burst. */
const REFRESH_DEBOUNCE_MS = 150;
/**
 * The longest wait between reconnects of the events stream while the engine is away:
 * how long a view may lag an engine that came back. Each try is a socket connect.
 */
const RECONNECT_MAX_DELAY_MS = 5000;
/** Hides the "No containers" welcome while the rows of an engine that (re)appeared are read. */
export const READING_MESSAGE = 'Reading the containers on this engine…';

export class ContainersTreeProvider implements vscode.TreeDataProvider<ContainersViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<ContainersViewNode>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private watcher: EngineEventsWatcher | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Rows of the last list the view showed; undefined before one succeeded or after it failed. */
  private rows: number | undefined;

  constructor(
    private readonly engine: EngineManager,
    readonly source: ContainersSource,
    private readonly sessions: SessionRegistry,
  ) {
    this.view = vscode.window.createTreeView(CONTAINERS_VIEW_ID, { treeDataProvider: this });
    const sessionsChanged = sessions.onDidChange(() => this.refresh());
    this.subscriptions.push(
      new vscode.Disposable(() => sessionsChanged.dispose()),
      this.view,
      this.changed,
      // Connect only while someone looks: activation must not touch Docker.
      this.view.onDidChangeVisibility((e) => (e.visible ? this.startWatching() : this.stopWatching())),
      // The welcome content follows the engine's state at once, the rows only once they
      // are read: an engine that comes back would show "No containers" (the rows of its
      // absence) until then. A message hides the welcome meanwhile.
      engine.onDidChangeStatus((status) => {
        if (status.state === 'reachable' && this.rows === undefined) {
          this.view.message = READING_MESSAGE;
          this.refresh();
        }
        if (status.state === 'unreachable') {
          this.rows = undefined;
          if (this.view.message === READING_MESSAGE) this.view.message = undefined;
        }
      }),
    );
    if (this.view.visible) this.startWatching();
  }

  /** The message shown above the rows; VS Code hides the welcome content while one is set. */
  get message(): string | undefined {
    return this.view.message;
  }

  get visible(): boolean {
    return this.view.visible;
  }

  /** How many rows the last successful list gave (what the view shows); undefined when none did. */
  get shownRows(): number | undefined {
    return this.rows;
  }

  refresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire();
    }, REFRESH_DEBOUNCE_MS);
  }

  /** After Retry or a host change: a fresh connection and a fresh events stream. */
  reconnect(): void {
    this.engine.invalidate();
    this.source.clear();
    if (this.watcher) {
      this.stopWatching();
      if (this.view.visible) this.startWatching();
    }
    this.refresh();
  }

  getTreeItem(node: ContainersViewNode): vscode.TreeItem {
    if (isChild(node)) return childTreeItem(node);
    const item = node;
    // Collapsed: every container has a Files node, and its sessions once there are some.
    const treeItem = new vscode.TreeItem(item.label, vscode.TreeItemCollapsibleState.Collapsed);
    treeItem.id = item.id;
    treeItem.description = item.description;
    treeItem.tooltip = new vscode.MarkdownString(item.tooltip);
    treeItem.contextValue = item.contextValue;
    treeItem.iconPath = new vscode.ThemeIcon(item.iconId, item.iconColor ? new vscode.ThemeColor(item.iconColor) : undefined);
    return treeItem;
  }

  async getChildren(element?: ContainersViewNode): Promise<ContainersViewNode[]> {
    if (element && !isChild(element)) return containerChildren(element.containerId, element.containerName, this.sessions.forTarget(element.containerId));
    if (element) {
      if (!element.collapsible || element.path === undefined) return [];
      const svc = await this.engine.get();
      try {
        return fileNodes(element.containerId, element.containerName, element.path, await svc.listDirectory(element.containerId, element.path));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`Could not list ${element.path} in ${element.containerName}: ${message}`);
        void showError(summarize(message), { raw: message });
        return [];
      }
    }
    // Listing and probing for shells takes seconds on a busy engine: the view shows progress.
    return vscode.window.withProgress({ location: { viewId: CONTAINERS_VIEW_ID } }, () => this.list());
  }

  private async list(): Promise<ContainerItemModel[]> {
    try {
      const svc = await this.engine.get();
      const items = await this.source.items(svc);
      this.view.message = undefined;
      this.rows = items.length;
      return items;
    } catch (err) {
      this.rows = undefined;
      const error = err instanceof Error ? err : new Error(String(err));
      if (isConnectionFailure(err)) this.engine.markUnreachable(new EngineUnreachableError([{ endpoint: 'the engine in use', reason: error.message }]));
      // VS Code hides the welcome content (viewsWelcome: where the address came from, Retry,
      // the setting) whenever a message is set: an unreachable engine gets no message, and
      // what exactly failed goes to the log.
      if (this.engine.engineStatus.state === 'unreachable') {
        this.view.message = undefined;
        log.warn(`Could not list containers: ${(this.engine.engineStatus.error ?? error).message}`);
      } else {
        const message = toDockerError(err, 'listing containers').message;
        log.error(`Could not list containers: ${message}`);
        this.view.message = summarize(message);
      }
      return [];
    }
  }

  private startWatching(): void {
    if (this.watcher) return;
    this.watcher = watchEngineEvents({
      docker: async () => (await this.engine.get()).docker,
      maxDelayMs: RECONNECT_MAX_DELAY_MS,
      onEvent: (event) => {
        if (event.action === 'destroy') this.source.forget(event.id);
        this.refresh();
      },
      // Also the way back from "unreachable": the backoff reconnects once the engine is up.
      onConnected: () => this.refresh(),
      onDisconnected: (error) => {
        if (error instanceof EngineUnreachableError) return;
        // The stream broke under a cached connection: check the engine again and show the result.
        this.engine.invalidate();
        this.refresh();
      },
    });
    this.refresh();
  }

  private stopWatching(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
  }

  dispose(): void {
    this.stopWatching();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.subscriptions) d.dispose();
  }
}

function childTreeItem(node: ChildNodeModel): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, node.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = node.description;
  item.tooltip = node.tooltip;
  item.contextValue = node.contextValue;
  item.iconPath = new vscode.ThemeIcon(node.iconId);
  if (node.uri) {
    const uri = vscode.Uri.parse(node.uri);
    item.resourceUri = uri;
    item.command = { command: 'vscode.open', title: 'Open', arguments: [uri, { preview: true }] };
  }
  if (node.contextValue === CHILD_CONTEXT.shell || node.contextValue === CHILD_CONTEXT.shellDetached) item.command = { command: 'distroless.showSession', title: 'Show', arguments: [node] };
  return item;
}
