import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { DistrolessApi } from '../../../client/src/extension';
import type { ContainerItemModel } from '../../../client/src/views/containerItems';
import { ensureShelllessImage, removeTestContainersNamed, SHELLLESS_IMAGE, startTarget } from '../../docker/fixtures';
import { containerPrefix, engineOrSkip, EVENT_TIMEOUT_MS, extensionApi, nextEvent, VSCODE_TEST_LABEL } from './helpers';

const PREFIX = containerPrefix('view');

type ContainersView = DistrolessApi['containersView'];

/**
 * Waits until the view's rows satisfy `accept`, reading them now and each time the
 * view announces a change, as VS Code does; rejects after `timeoutMs` naming the
 * rows it last read.
 */
function waitForRows(view: ContainersView, accept: (rows: ContainerItemModel[]) => boolean, what: string, timeoutMs = EVENT_TIMEOUT_MS): Promise<ContainerItemModel[]> {
  return new Promise((resolve, reject) => {
    let last: ContainerItemModel[] = [];
    let done = false;
    const finish = (error: Error | undefined, rows?: ContainerItemModel[]): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription.dispose();
      if (error) reject(error);
      else resolve(rows ?? last);
    };
    const read = async (): Promise<void> => {
      // Top-level rows are containers; their children (Files, sessions) come from getChildren(row).
      const rows = ((await view.getChildren()) ?? []) as ContainerItemModel[];
      last = rows;
      if (accept(rows)) finish(undefined, rows);
    };
    const fail = (error: unknown): void => finish(error instanceof Error ? error : new Error(String(error)));
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms waiting for the containers view to show ${what}; it showed: ${last.map((r) => r.label).join(', ') || 'nothing'}`)), timeoutMs);
    const subscription = view.onDidChangeTreeData(() => read().catch(fail));
    read().catch(fail);
  });
}

describe('containers view (real Docker engine)', () => {
  let docker: Docker | undefined;

  before(async function () {
    docker = await engineOrSkip(this);
    await removeTestContainersNamed(docker, PREFIX, VSCODE_TEST_LABEL);
    await ensureShelllessImage(docker);
  });

  after(async () => {
    if (docker) await removeTestContainersNamed(docker, PREFIX, VSCODE_TEST_LABEL);
  });

  it('lists a running shell-less container after Refresh, marked for the debug menu, and drops it when it is removed', async function () {
    const engine = docker ?? (await engineOrSkip(this));
    const view = (await extensionApi()).containersView;
    const name = `${PREFIX}-web`;
    const target = await startTarget(engine, { name, label: VSCODE_TEST_LABEL });

    // Refresh is debounced: it announces a change, after which VS Code re-reads the rows.
    const announced = nextEvent(view.onDidChangeTreeData, () => true, EVENT_TIMEOUT_MS, 'Refresh to announce a change of the containers view');
    await vscode.commands.executeCommand('distroless.refreshContainers');
    await announced;
    const rows = ((await view.getChildren()) ?? []) as ContainerItemModel[];
    const row = rows.find((r) => r.label === name);
    assert.ok(row, `${name} among the rows: ${rows.map((r) => r.label).join(', ')}`);
    assert.equal(row.containerId, target.id);

    const item = await view.getTreeItem(row);
    assert.equal(item.label, name);
    // The context value is what puts "Attach Debug Shell" on the row's menu (package.json, view/item/context).
    assert.equal(item.contextValue, 'distroless.container.running.shellless');
    assert.match(String(item.description), new RegExp(`^no shell · ${SHELLLESS_IMAGE.replace(/[/.]/g, '\\$&')} · Up `));
    const firstStopped = rows.findIndex((r) => !r.running);
    assert.ok(firstStopped === -1 || rows.indexOf(row) < firstStopped, 'running containers come first');

    // No Refresh this time: while the view is open it follows the engine's events.
    await vscode.commands.executeCommand('workbench.view.extension.distroless');
    await target.remove({ force: true });
    await waitForRows(view, (now) => !now.some((r) => r.label === name), `${name} gone`);
  });
});
