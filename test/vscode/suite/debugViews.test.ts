import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type Docker from 'dockerode';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { SIDECAR_LABEL } from '../../../server/src/docker';
import type { ChildNodeModel } from '../../../client/src/views/containerChildren';
import type { ContainerItemModel } from '../../../client/src/views/containerItems';
import { ensureFilesImage, FILES_IMAGE, SECRET_TEXT } from '../../docker/filesFixture';
import { ensureToolsImage, INDEX_TEXT, removeTestContainersNamed, startTarget } from '../../docker/fixtures';
import { containerPrefix, engineOrSkip, EVENT_TIMEOUT_MS, extensionApi, nextEvent, VSCODE_TEST_LABEL } from './helpers';

const PREFIX = containerPrefix('debugviews');

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/index.html', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('rows under a container: Files and sessions (real Docker engine)', () => {
  let docker: Docker | undefined;

  before(async function () {
    docker = await engineOrSkip(this);
    await removeTestContainersNamed(docker, PREFIX, VSCODE_TEST_LABEL);
    await ensureFilesImage(docker);
    await ensureToolsImage(docker);
  });

  after(async () => {
    if (docker) await removeTestContainersNamed(docker, PREFIX, VSCODE_TEST_LABEL);
  });

  it('Files browses a shell-less container read-only; a forward appears under it and Stop removes it', async function () {
    const engine = docker ?? (await engineOrSkip(this));
    const view = (await extensionApi()).containersView;
    const name = `${PREFIX}-web`;
    const target = await startTarget(engine, { name, image: FILES_IMAGE, label: VSCODE_TEST_LABEL, cmd: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'] });

    const announced = nextEvent(view.onDidChangeTreeData, () => true, EVENT_TIMEOUT_MS, 'Refresh');
    await vscode.commands.executeCommand('distroless.refreshContainers');
    await announced;
    const rows = ((await view.getChildren()) ?? []) as ContainerItemModel[];
    const row = rows.find((r) => r.label === name);
    assert.ok(row, `${name} listed`);
    assert.equal((await view.getTreeItem(row)).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);

    const under = ((await view.getChildren(row)) ?? []) as ChildNodeModel[];
    assert.deepEqual(under.map((c) => c.label), ['Files']);
    const files = under[0]!;
    assert.equal((await view.getTreeItem(files)).contextValue, 'distroless.files.root');
    const top = ((await view.getChildren(files)) ?? []) as ChildNodeModel[];
    const home = top.find((c) => c.label === 'home');
    assert.ok(home, `/ lists home: ${top.map((c) => c.label).join(', ')}`);
    const nonroot = (((await view.getChildren(home)) ?? []) as ChildNodeModel[]).find((c) => c.label === 'nonroot')!;
    const secret = (((await view.getChildren(nonroot)) ?? []) as ChildNodeModel[]).find((c) => c.label === 'secret.txt')!;
    // The engine names the owner from the container's own /etc/passwd.
    assert.equal(secret.description, '24 B · nonroot:nonroot · 0600');
    const item = await view.getTreeItem(secret);
    assert.equal(item.command?.command, 'vscode.open');
    const uri = item.resourceUri!;
    assert.equal(uri.scheme, 'distroless-container');
    assert.equal(uri.path, '/home/nonroot/secret.txt');

    // The editor reads it through the FileSystemProvider; nothing can be written.
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), SECRET_TEXT);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(), SECRET_TEXT);
    const stat = await vscode.workspace.fs.stat(uri);
    assert.equal(stat.permissions, vscode.FilePermission.Readonly);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('x'))), /read-only|NoPermissions/i);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // Forward Port… with the spec given (the input box is for people).
    const result = (await vscode.commands.executeCommand('distroless.forwardPort', row, ':8080')) as { id: string; localPort: number; sidecarId: string };
    assert.ok(result?.localPort, 'the command returns the forward');
    assert.equal(await httpGet(result.localPort), INDEX_TEXT + '\n');
    const withForward = ((await view.getChildren(row)) ?? []) as ChildNodeModel[];
    const fwd = withForward.find((c) => c.kind === 'session');
    assert.ok(fwd, `a forward row: ${withForward.map((c) => c.label).join(', ')}`);
    assert.equal(fwd.label, `Port 8080 → 127.0.0.1:${result.localPort}`);
    assert.equal((await view.getTreeItem(fwd)).contextValue, 'distroless.session.forward');

    assert.equal(await vscode.commands.executeCommand('distroless.stopSession', fwd), true);
    const after = ((await view.getChildren(row)) ?? []) as ChildNodeModel[];
    assert.deepEqual(after.map((c) => c.label), ['Files']);
    const left = await engine.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${target.id}`] } });
    assert.deepEqual(left.map((c) => c.Id), [], 'the forward sidecar is gone');
  });

  it('a debug shell is listed under its target; Detach keeps its sidecar, Show Terminal reconnects, Stop removes it', async function () {
    const engine = docker ?? (await engineOrSkip(this));
    const view = (await extensionApi()).containersView;
    const name = `${PREFIX}-shell`;
    const target = await startTarget(engine, { name, image: FILES_IMAGE, label: VSCODE_TEST_LABEL });
    const label = `${SIDECAR_LABEL}=${target.id}`;
    const sessionRow = async (): Promise<ChildNodeModel | undefined> => {
      const row = { containerId: target.id, containerName: name, label: name } as ContainerItemModel;
      return (((await view.getChildren(row)) ?? []) as ChildNodeModel[]).find((c) => c.kind === 'session');
    };
    const waitRow = async (accept: (r: ChildNodeModel | undefined) => boolean, what: string): Promise<ChildNodeModel | undefined> => {
      const deadline = Date.now() + EVENT_TIMEOUT_MS;
      for (;;) {
        const r = await sessionRow();
        if (accept(r)) return r;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last row: ${r ? `${r.label} (${r.description})` : 'none'}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    const opened = nextEvent(vscode.window.onDidOpenTerminal, (t) => t.name === `Debug: ${name}`, EVENT_TIMEOUT_MS, 'the debug terminal');
    await vscode.commands.executeCommand('distroless.attachDebugShell', target.id);
    const terminal = await opened;
    try {
      const row = await waitRow((r) => r?.description === 'terminal open', 'the shell row');
      assert.equal(row!.label, 'Debug shell as 65532:65532');
      assert.equal((await view.getTreeItem(row!)).contextValue, 'distroless.session.shell');

      const closed = nextEvent(vscode.window.onDidCloseTerminal, (t) => t === terminal, EVENT_TIMEOUT_MS, 'the terminal to close on Detach');
      assert.equal(await vscode.commands.executeCommand('distroless.detachSession', row), true);
      await closed;
      const detached = await waitRow((r) => r?.description === 'running, no terminal', 'the detached row');
      assert.equal((await view.getTreeItem(detached!)).contextValue, 'distroless.session.shell-detached');
      const running = await engine.listContainers({ filters: { label: [label] } });
      assert.equal(running.length, 1, 'the sidecar keeps running without a terminal');

      const reopened = nextEvent(vscode.window.onDidOpenTerminal, (t) => t.name === `Debug: ${name}`, EVENT_TIMEOUT_MS, 'a new terminal on Show Terminal');
      await vscode.commands.executeCommand('distroless.showSession', detached);
      const second = await reopened;
      await waitRow((r) => r?.description === 'terminal open', 'the row attached again');
      assert.deepEqual((await engine.listContainers({ filters: { label: [label] } })).map((c) => c.Id), running.map((c) => c.Id), 'the same sidecar');

      const secondClosed = nextEvent(vscode.window.onDidCloseTerminal, (t) => t === second, EVENT_TIMEOUT_MS, 'the terminal to close on Stop');
      assert.equal(await vscode.commands.executeCommand('distroless.stopSession', await sessionRow()), true);
      await secondClosed;
      await waitRow((r) => r === undefined, 'the row gone');
      const deadline = Date.now() + EVENT_TIMEOUT_MS;
      while ((await engine.listContainers({ all: true, filters: { label: [label] } })).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(await engine.listContainers({ all: true, filters: { label: [label] } }), [], 'Stop removed the sidecar');
    } finally {
      terminal.dispose();
    }
  });
});
