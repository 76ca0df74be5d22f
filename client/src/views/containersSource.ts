/**
 * Containers as the view shows them: the engine's list plus whether each one
 * has a shell. Shell detection costs a few archive calls per container, so it
 * is remembered per container ID (a container's file system keeps or lacks
 * /bin/sh for its whole life in practice) and forgotten when it is destroyed.
 */
import type { DockerService } from '../../../server/src/docker';
import { ContainerItemModel, containerItems } from './containerItems';

const SHELL_PROBES_AT_ONCE = 4;

export class ContainersSource {
  private readonly shells = new Map<string, boolean | undefined>();

  /** Every container (stopped ones too), sidecars left out, shell-less ones marked. */
  async items(svc: DockerService): Promise<ContainerItemModel[]> {
    const summaries = await svc.listContainers({ all: true });
    const unknown = summaries.filter((s) => !s.isSidecar && !this.shells.has(s.id)).map((s) => s.id);
    await forEachLimited(unknown, SHELL_PROBES_AT_ONCE, async (id) => {
      try {
        const info = await svc.inspectTarget(id);
        // Undefined (engine cannot tell) is not cached, so a later refresh asks again.
        if (info.hasShell !== undefined) this.shells.set(id, info.hasShell);
      } catch {
        // Removed between list and inspect: the next event refreshes the list anyway.
      }
    });
    const live = new Set(summaries.map((s) => s.id));
    for (const id of this.shells.keys()) if (!live.has(id)) this.shells.delete(id);
    return containerItems(summaries, (id) => this.shells.get(id));
  }

  /** What we know without asking the engine. */
  knownShell(id: string): boolean | undefined {
    return this.shells.get(id);
  }

  forget(id: string): void {
    this.shells.delete(id);
  }

  clear(): void {
    this.shells.clear();
  }
}

async function forEachLimited<T>(values: readonly T[], limit: number, fn: (value: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < values.length) await fn(values[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
}
