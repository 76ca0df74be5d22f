import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerFileEntry, PortForward } from '../../server/src/docker';
import { CHILD_CONTEXT, containerChildren, containerFileUri, fileNodes, humanSize, IncompleteListingNotices, sessionNode } from '../../client/src/views/containerChildren';
import { SessionRegistry, ShellSession, ForwardSession } from '../../client/src/sessions/sessionRegistry';
import { evaluateWhen } from '../support/whenClause';
import { REPO_ROOT } from '../support/paths';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const ID = 'a'.repeat(64);

function entry(e: Partial<ContainerFileEntry> & { name: string }): ContainerFileEntry {
  return { type: 'file', mode: 0o644, uid: 0, gid: 0, user: 'root', group: 'root', size: 0, mtime: new Date('2026-01-02T03:04:05Z'), ...e };
}

function menu(viewItem: string): string[] {
  return (pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string; group?: string }>)
    .filter((m) => m.group !== 'inline' && evaluateWhen(m.when, { view: 'distroless.containers', viewItem }))
    .map((m) => m.command);
}

function inline(viewItem: string): string[] {
  return (pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string; group?: string }>)
    .filter((m) => m.group === 'inline' && evaluateWhen(m.when, { view: 'distroless.containers', viewItem }))
    .map((m) => m.command);
}

function fakeForward(localPort: number, remotePort: number, active = 0): PortForward {
  return { localAddress: '127.0.0.1', localPort, remoteHost: '127.0.0.1', remotePort, activeConnections: active } as PortForward;
}

function shell(id: string, startedAt: number, attached = true): ShellSession {
  return { kind: 'shell', id, targetId: ID, targetName: 'web', sidecarId: 'b'.repeat(64), startedAt: new Date(startedAt), user: 'as 65532:65532', attached, show: () => undefined, detach: () => undefined, stop: async () => undefined };
}

function forward(id: string, local: number, remote: number): ForwardSession {
  return { kind: 'forward', id, targetId: ID, targetName: 'web', sidecarId: 'c'.repeat(64), startedAt: new Date(0), forward: fakeForward(local, remote, 2), stop: async () => undefined };
}

describe('rows under a container', () => {
  it('Files first, then shells by start time, then forwards by local port', () => {
    const registry = new SessionRegistry();
    registry.add(forward('f1', 18081, 9000));
    registry.add(shell('s2', 2000, false));
    registry.add(forward('f2', 18080, 8080));
    registry.add(shell('s1', 1000));
    registry.add({ ...shell('other', 0), targetId: 'other' });
    const rows = containerChildren(ID, 'web', registry.forTarget(ID));
    assert.deepEqual(
      rows.map((r) => [r.label, r.description, r.contextValue]),
      [
        ['Files', 'read-only', CHILD_CONTEXT.filesRoot],
        ['Debug shell as 65532:65532', 'terminal open', CHILD_CONTEXT.shell],
        ['Debug shell as 65532:65532', 'running, no terminal', CHILD_CONTEXT.shellDetached],
        ['Port 8080 → 127.0.0.1:18080', 'forwarding · 2 connections', CHILD_CONTEXT.forward],
        ['Port 9000 → 127.0.0.1:18081', 'forwarding · 2 connections', CHILD_CONTEXT.forward],
      ],
    );
    assert.deepEqual(rows.slice(1, 3).map((r) => r.sessionId), ['s1', 's2']);
  });

  it('registry tells listeners about changes and forgets removed sessions', () => {
    const registry = new SessionRegistry();
    let calls = 0;
    registry.onDidChange(() => calls++);
    const reg = registry.add(forward('f1', 1, 2));
    reg.dispose();
    reg.dispose();
    assert.equal(calls, 2);
    assert.deepEqual(registry.forTarget(ID), []);
  });

  it('file rows: directories first, owner, mode, size, link targets, and a distroless-container URI for readable ones', () => {
    const rows = fileNodes(ID, 'web', '/home/nonroot', [
      entry({ name: 'secret.txt', mode: 0o600, uid: 65532, gid: 65532, user: '', group: '', size: 24 }),
      entry({ name: 'cache', type: 'directory', mode: 0o755 }),
      entry({ name: 'latest', type: 'symlink', mode: 0o777, linkTarget: 'data.bin' }),
      entry({ name: 'big file.bin', size: 5 * 1024 * 1024 + 3 }),
      entry({ name: 'fifo', type: 'fifo' }),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.label, r.description, r.contextValue, r.collapsible, r.uri]),
      [
        ['cache', 'root:root · 0755', CHILD_CONTEXT.directory, true, undefined],
        ['big file.bin', '5.0 MiB · root:root · 0644', CHILD_CONTEXT.file, false, `distroless-container://${ID}/home/nonroot/big%20file.bin`],
        ['fifo', 'root:root · 0644', CHILD_CONTEXT.other, false, undefined],
        ['latest', '→ data.bin · root:root · 0777', CHILD_CONTEXT.file, false, `distroless-container://${ID}/home/nonroot/latest`],
        ['secret.txt', '24 B · 65532:65532 · 0600', CHILD_CONTEXT.file, false, `distroless-container://${ID}/home/nonroot/secret.txt`],
      ],
    );
    assert.equal(fileNodes(ID, 'web', '/', [entry({ name: 'etc', type: 'directory' })])[0]!.path, '/etc');
  });

  it('URIs keep the path readable and escape what a URI cannot hold', () => {
    assert.equal(containerFileUri('ABC', '/a b/#1?/ü'), 'distroless-container://abc/a%20b/%231%3F/%C3%BC');
    assert.equal(containerFileUri('abc', '/'), 'distroless-container://abc/');
  });

  // The reason exactly as listContainerDirectory writes it when it stops at MAX_LISTING_CONTENT_BYTES.
  const REASON = 'listing of /data stopped at big.bin after 67108865 bytes of file contents (big.bin is 67108865 bytes): the engine sends contents along with the names, so entries after it in name order are not shown';

  it('a listing that stopped early ends with a row saying so (after the entries it read), with nothing to open', () => {
    const listing = Object.assign([entry({ name: 'big.bin', size: 67108865 }), entry({ name: 'a', type: 'directory' })], { incomplete: REASON });
    const rows = fileNodes(ID, 'web', '/data', listing);
    assert.deepEqual(rows.map((r) => r.label), ['a', 'big.bin', 'Listing incomplete']);
    const last = rows[2]!;
    assert.deepEqual(
      { kind: last.kind, contextValue: last.contextValue, iconId: last.iconId, collapsible: last.collapsible, uri: last.uri, path: last.path, description: last.description },
      { kind: 'other', contextValue: CHILD_CONTEXT.incomplete, iconId: 'warning', collapsible: false, uri: undefined, path: undefined, description: 'later entries not shown; hover for why' },
    );
    assert.equal(last.tooltip, `Partial ${REASON}. To see every entry, copy the directory out: docker cp web:/data .`);
    assert.ok(!rows.slice(0, 2).some((r) => r.id === last.id));
    // A complete listing has no such row.
    assert.deepEqual(fileNodes(ID, 'web', '/data', [entry({ name: 'a' })]).map((r) => r.label), ['a']);
  });

  it('the file system provider says a partial listing once per directory, again only after a complete one', () => {
    const said: string[] = [];
    const notices = new IncompleteListingNotices((m) => said.push(m));
    notices.listed(ID, 'web', '/data', REASON);
    notices.listed(ID, 'web', '/data', REASON);
    notices.listed(ID, 'web', '/other dir', REASON);
    assert.deepEqual(said, [
      `Partial ${REASON}. To see every entry, copy the directory out: docker cp web:/data .`,
      `Partial ${REASON}. To see every entry, copy the directory out: docker cp 'web:/other dir' .`,
    ]);
    notices.listed(ID, 'web', '/data', undefined);
    notices.listed(ID, 'web', '/data', REASON);
    assert.equal(said.length, 3, 'said again after a complete listing came in between');
    notices.listed('b'.repeat(64), 'db', '/data', REASON);
    assert.equal(said.length, 4, 'another container is another directory');
  });

  for (const [bytes, text] of [[0, '0 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [10 * 1024, '10 KiB'], [3 * 1024 ** 3, '3.0 GiB']] as const) {
    it(`humanSize(${bytes})`, () => assert.equal(humanSize(bytes), text));
  }
});

describe('menus on the rows under a container', () => {
  it('a forward: Open in Browser and Stop (inline and in the menu)', () => {
    const node = sessionNode(forward('f', 18080, 8080));
    assert.deepEqual(menu(node.contextValue), ['distroless.openForwardedPort', 'distroless.stopSession']);
    assert.deepEqual(inline(node.contextValue), ['distroless.openForwardedPort', 'distroless.stopSession']);
  });
  it('a debug shell with its terminal: Show Terminal, Detach and Stop', () => {
    const node = sessionNode(shell('s', 0));
    assert.deepEqual(menu(node.contextValue), ['distroless.showSession', 'distroless.detachSession', 'distroless.stopSession']);
    assert.deepEqual(inline(node.contextValue), ['distroless.stopSession']);
  });
  it('a detached debug shell: Show Terminal (reconnects) and Stop', () => {
    const node = sessionNode(shell('s', 0, false));
    assert.deepEqual(menu(node.contextValue), ['distroless.showSession', 'distroless.stopSession']);
    assert.deepEqual(inline(node.contextValue), ['distroless.stopSession']);
  });
  it('file rows carry no container commands', () => {
    for (const v of Object.values(CHILD_CONTEXT).filter((v) => v.startsWith('distroless.files'))) {
      assert.deepEqual(menu(v), [], v);
      assert.deepEqual(inline(v), [], v);
    }
  });
  it('session commands are hidden from the palette (they need a row)', () => {
    const hidden = (pkg.contributes.menus.commandPalette as Array<{ command: string; when: string }>).filter((m) => m.when === 'false').map((m) => m.command);
    for (const id of ['distroless.openForwardedPort', 'distroless.stopSession', 'distroless.showSession', 'distroless.detachSession']) assert.ok(hidden.includes(id), id);
    assert.ok(!hidden.includes('distroless.forwardPort'), 'Forward Port… stays in the palette with a quick pick');
  });
  it('the files scheme activates the extension', () => {
    assert.ok(pkg.activationEvents.includes('onFileSystem:distroless-container'));
  });
});
