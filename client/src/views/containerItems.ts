/**
 * What the containers view shows for each container, as plain data: the
 * vscode-facing tree provider turns it into TreeItems, and tests check it
 * without VS Code.
 */
import type { ContainerSummary } from '../../../server/src/docker';

/** Prefix of every contextValue; menus match `viewItem =~ /^distroless\.container\.running/`. */
export const CONTAINER_CONTEXT_PREFIX = 'distroless.container';

export interface ContainerItemModel {
  /** Tree item id: stable across refreshes so selection and focus survive. */
  id: string;
  containerId: string;
  containerName: string;
  /** The container name: what users (and UI tests) look for. */
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  contextValue: string;
  /** Codicon id for a ThemeIcon. */
  iconId: string;
  /** Theme colour id for the icon, if any. */
  iconColor?: string;
  running: boolean;
  /** false: shell-less (distroless); undefined: not known (yet). */
  hasShell: boolean | undefined;
}

/**
 * Non-running states collapse to what a user can do next: a paused or
 * restarting container cannot take a sidecar now but will again, the rest are
 * simply stopped.
 */
export function stateClass(state: string): 'running' | 'paused' | 'restarting' | 'stopped' {
  switch (state) {
    case 'running':
    case 'paused':
    case 'restarting':
      return state;
    default:
      return 'stopped';
  }
}

/**
 * `distroless.container.running.shellless` / `.running.shell` / `.running.unknown`,
 * `distroless.container.paused`, `.restarting`, `.stopped`.
 */
export function containerContextValue(summary: Pick<ContainerSummary, 'state'>, hasShell: boolean | undefined): string {
  const cls = stateClass(summary.state);
  if (cls !== 'running') return `${CONTAINER_CONTEXT_PREFIX}.${cls}`;
  const shell = hasShell === undefined ? 'unknown' : hasShell ? 'shell' : 'shellless';
  return `${CONTAINER_CONTEXT_PREFIX}.running.${shell}`;
}

export function containerIcon(summary: Pick<ContainerSummary, 'state'>, hasShell: boolean | undefined): { iconId: string; iconColor?: string } {
  switch (stateClass(summary.state)) {
    case 'running':
      // A different glyph, not only a colour, so the mark survives every theme.
      return hasShell === false ? { iconId: 'vm-active', iconColor: 'charts.green' } : { iconId: 'vm-running', iconColor: 'charts.green' };
    case 'paused':
      return { iconId: 'debug-pause', iconColor: 'charts.yellow' };
    case 'restarting':
      return { iconId: 'sync', iconColor: 'charts.yellow' };
    default:
      return { iconId: 'vm-outline' };
  }
}

export const NO_SHELL_MARK = 'no shell';

export function toContainerItem(summary: ContainerSummary, hasShell: boolean | undefined): ContainerItemModel {
  const shellText = hasShell === false ? NO_SHELL_MARK : undefined;
  const description = [shellText, summary.image, summary.status].filter((s): s is string => Boolean(s)).join(' · ');
  const shellLine =
    hasShell === false
      ? 'No shell (distroless): `docker exec` cannot open one; **Attach Debug Shell** starts a sidecar with tools.'
      : hasShell
        ? 'Has a shell.'
        : 'Shell: not known.';
  const tooltip = [
    `**${escapeMarkdown(summary.name)}** (${summary.id.slice(0, 12)})`,
    '',
    `Image: ${escapeMarkdown(summary.image)}`,
    '',
    `State: ${escapeMarkdown(summary.status || summary.state)}`,
    '',
    shellLine,
  ].join('\n');
  return {
    id: summary.id,
    containerId: summary.id,
    containerName: summary.name,
    label: summary.name,
    description,
    tooltip,
    contextValue: containerContextValue(summary, hasShell),
    ...containerIcon(summary, hasShell),
    running: summary.running,
    hasShell,
  };
}

/**
 * The view's rows: sidecars left out (they are ours, and a sidecar of a sidecar
 * makes no sense), running containers first, then by name.
 */
export function containerItems(summaries: readonly ContainerSummary[], shellOf: (id: string) => boolean | undefined): ContainerItemModel[] {
  return summaries
    .filter((s) => !s.isSidecar)
    .map((s) => toContainerItem(s, shellOf(s.id)))
    .sort((a, b) => Number(b.running) - Number(a.running) || a.label.localeCompare(b.label));
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
