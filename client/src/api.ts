/**
 * What `activate()` returns to whoever calls `vscode.extensions.getExtension(id).exports`.
 * It exists for the extension tests (test/vscode/suite/), which need to read the
 * containers view as VS Code does: VS Code's API offers no way to read another
 * view's tree. Kept read-only and small, because anything here becomes a promise
 * to other extensions too.
 */
import type * as vscode from 'vscode';
import type { ContainersViewNode } from './views/containersTreeProvider';

export interface DistrolessApi {
  /**
   * The data provider behind the Containers view (`distroless.containers`):
   * `getChildren()` lists the rows the view shows, `getTreeItem()` gives each row's
   * label, description and context value, and `onDidChangeTreeData` fires when
   * the view is about to re-read them. `getChildren(container)` gives the rows
   * under a container: its Files node and its open debug sessions.
   */
  readonly containersView: vscode.TreeDataProvider<ContainersViewNode> & {
    readonly onDidChangeTreeData: vscode.Event<void>;
  };
  /**
   * What decides the Containers view's welcome content: VS Code shows it only while no
   * view message is set and its `when` clause (engine state, and where the engine
   * address came from) holds. VS Code's API cannot read either back, so tests read them here.
   */
  containersWelcome(): { engineState: string | undefined; engineSource: string | undefined; viewMessage: string | undefined; shownRows: number | undefined };
}
