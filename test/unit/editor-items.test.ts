import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerSummary } from '../../server/src/docker';
import { containerContextValue, containerItems, NO_SHELL_MARK, toContainerItem } from '../../client/src/views/containerItems';
import { containerRefFromArg } from '../../client/src/views/commandTarget';

function summary(over: Partial<ContainerSummary> = {}): ContainerSummary {
  return { id: 'f'.repeat(64), name: 'web', image: 'app:1', state: 'running', status: 'Up 5 minutes', running: true, isSidecar: false, ...over };
}

describe('container item model', () => {
  it('labels by name and marks a shell-less running container', () => {
    const item = toContainerItem(summary(), false);
    assert.equal(item.label, 'web');
    assert.equal(item.id, 'f'.repeat(64));
    assert.equal(item.containerId, 'f'.repeat(64));
    assert.equal(item.contextValue, 'distroless.container.running.shellless');
    assert.equal(item.description, `${NO_SHELL_MARK} · app:1 · Up 5 minutes`);
    assert.equal(item.iconId, 'vm-active');
    assert.match(item.tooltip, /No shell \(distroless\)/);
    assert.match(item.tooltip, /ffffffffffff\)/);
  });

  it('uses another icon and no mark when the container has a shell', () => {
    const item = toContainerItem(summary(), true);
    assert.equal(item.contextValue, 'distroless.container.running.shell');
    assert.equal(item.iconId, 'vm-running');
    assert.equal(item.description, 'app:1 · Up 5 minutes');
  });

  it('says "unknown" rather than guessing when the engine cannot tell', () => {
    assert.equal(containerContextValue({ state: 'running' }, undefined), 'distroless.container.running.unknown');
  });

  it('collapses non-running states to what the user can do', () => {
    assert.equal(containerContextValue({ state: 'exited' }, false), 'distroless.container.stopped');
    assert.equal(containerContextValue({ state: 'created' }, true), 'distroless.container.stopped');
    assert.equal(containerContextValue({ state: 'dead' }, undefined), 'distroless.container.stopped');
    assert.equal(containerContextValue({ state: 'paused' }, false), 'distroless.container.paused');
    assert.equal(containerContextValue({ state: 'restarting' }, false), 'distroless.container.restarting');
    assert.equal(toContainerItem(summary({ state: 'exited', running: false }), false).iconId, 'vm-outline');
    assert.equal(toContainerItem(summary({ state: 'paused', running: false }), false).iconId, 'debug-pause');
  });

  it('escapes markdown in names and images for the tooltip', () => {
    const item = toContainerItem(summary({ name: 'a_b*c', image: 'reg/[x]:1' }), true);
    assert.match(item.tooltip, /\*\*a\\_b\\\*c\*\*/);
    assert.match(item.tooltip, /reg\/\\\[x\\\]:1/);
  });

  it('leaves sidecars out and lists running containers first, then by name', () => {
    const items = containerItems(
      [
        summary({ id: '1', name: 'zeta' }),
        summary({ id: '2', name: 'alpha', state: 'exited', running: false, status: 'Exited (0)' }),
        summary({ id: '3', name: 'beta' }),
        summary({ id: '4', name: 'sidecar', isSidecar: true }),
      ],
      (id) => (id === '3' ? false : undefined),
    );
    assert.deepEqual(items.map((i) => i.label), ['beta', 'zeta', 'alpha']);
    assert.equal(items[0]!.contextValue, 'distroless.container.running.shellless');
  });
});

describe('command argument → container', () => {
  it('takes our own tree items', () => {
    assert.equal(containerRefFromArg(toContainerItem(summary({ id: 'abc' }), false)), 'abc');
  });

  it('takes Container Tools items (containerId getter on a class instance)', () => {
    class ContainerTreeItem {
      constructor(private readonly item: { id: string }) {}
      get containerId() {
        return this.item.id;
      }
      get containerDesc() {
        return { Id: 'not-this-one' };
      }
      get contextValue() {
        return 'runningContainer';
      }
    }
    assert.equal(containerRefFromArg(new ContainerTreeItem({ id: 'c0ffee' })), 'c0ffee');
  });

  it('takes the older Docker extension items (containerDesc.Id)', () => {
    assert.equal(containerRefFromArg({ label: 'web', containerDesc: { Id: 'deadbeef', Names: ['/web'] } }), 'deadbeef');
  });

  it('takes a plain id or name, and nothing else', () => {
    assert.equal(containerRefFromArg(' web '), 'web');
    assert.equal(containerRefFromArg(''), undefined);
    assert.equal(containerRefFromArg(undefined), undefined);
    assert.equal(containerRefFromArg({}), undefined);
    assert.equal(containerRefFromArg({ containerId: 42 }), undefined);
    assert.equal(containerRefFromArg({ containerDesc: null }), undefined);
  });
});
