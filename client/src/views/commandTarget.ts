/**
 * Which container a command was invoked on. Context-menu commands receive the
 * tree element of whichever view the user right-clicked: ours, Microsoft's
 * Container Tools (`containerId`), or the older Docker extension (whose items
 * carry `containerDesc.Id`; Container Tools keeps that too for Dev Containers).
 */
export function containerRefFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.trim() || undefined;
  if (!arg || typeof arg !== 'object') return undefined;
  const item = arg as { containerId?: unknown; containerDesc?: { Id?: unknown } | null; containerName?: unknown };
  if (typeof item.containerId === 'string' && item.containerId) return item.containerId;
  if (item.containerDesc && typeof item.containerDesc === 'object' && typeof item.containerDesc.Id === 'string' && item.containerDesc.Id) {
    return item.containerDesc.Id;
  }
  return undefined;
}
