/** Opens a VS Code terminal inside a debug sidecar next to a running container. */
import * as vscode from 'vscode';
import { DockerService, OperationCancelledError, SidecarMode, SidecarSession } from '../../../server/src/docker';
import type { SidecarFeatures } from '../sidecarFeatures';
import { withRunningTarget } from '../views/pickContainer';
import { SidecarBridge, TerminalDimensions } from './sidecarBridge';
import type { ShellSession } from '../sessions/sessionRegistry';
import { log, showError } from '../log';

const RETRY_AS_ROOT = 'Retry as root (SYS_PTRACE)';

/** Bridges whose terminal is open, so deactivation can remove their sidecars instead of leaving them to orphan cleanup. */
const openBridges = new Set<SidecarBridge>();

export async function closeAllSidecarTerminals(): Promise<void> {
  await Promise.all([...openBridges].map((b) => b.close().catch(() => undefined)));
  openBridges.clear();
}

/**
 * The whole "Attach Debug Shell" flow: target (argument or quick pick), tools
 * image (pulled with a cancellable notification), then a Pseudoterminal over
 * the sidecar. `mode` overrides the setting (the "as root" menu item).
 */
export async function attachDebugShell(features: SidecarFeatures, arg: unknown, mode?: SidecarMode): Promise<vscode.Terminal | undefined> {
  return withRunningTarget(features, arg, mode === 'root' ? 'Attach Debug Shell as root (SYS_PTRACE)' : 'Attach Debug Shell', async (svc, target) => {
    const settings = features.settings();
    const effectiveMode = mode ?? settings.mode;
    if (!(await pullWithProgress(svc, settings.image))) return undefined;

    const name = `Debug: ${target.name}${effectiveMode === 'root' ? ' (root)' : ''}`;
    let entry: (ShellSession & { terminal?: vscode.Terminal; bridge?: SidecarBridge }) | undefined;

    // One terminal over a bridge; a reconnect opens another over the same session.
    const open = (start: (dims: TerminalDimensions | undefined) => Promise<SidecarSession>, startingText: string, onFirstSession?: (s: SidecarSession) => void): { terminal: vscode.Terminal; bridge: SidecarBridge } => {
      const bridge: SidecarBridge = new SidecarBridge({
        start,
        startingText,
        onSession: (session) => onFirstSession?.(session),
        onStartError: (err) => features.reportError(err),
        onDone: () => {
          openBridges.delete(bridge);
          if (!entry || entry.bridge !== bridge) return;
          if (bridge.isDetached) {
            // Detached: the sidecar keeps running, listed as such, until Reconnect or Stop.
            entry.attached = false;
            features.sessions.changed();
          } else {
            features.sessions.remove(entry.id);
          }
        },
        onEnd: (end) => {
          log.info(`Sidecar for ${target.name} ended: ${end.message}`);
          if (end.reason === 'target-stopped') void vscode.window.showInformationMessage(end.message);
          else if (end.reason === 'error') void showError(end.message);
        },
      });
      openBridges.add(bridge);
      const terminal = vscode.window.createTerminal({ name, pty: bridge, iconPath: new vscode.ThemeIcon('debug-console') });
      if (entry) {
        entry.terminal = terminal;
        entry.bridge = bridge;
        entry.attached = true;
        features.sessions.changed();
      }
      terminal.show();
      return { terminal, bridge };
    };

    const first = open(
      (dims) =>
        svc.openSidecar({
          target: target.id,
          image: settings.image,
          mode: effectiveMode,
          extraCapAdd: settings.extraCapabilities,
          cols: dims?.columns,
          rows: dims?.rows,
        }),
      `Starting a debug sidecar for ${target.name}…`,
      (session) => {
        log.info(`Sidecar ${session.containerId.slice(0, 12)} (${settings.image}, user ${session.plan.user}) attached to ${target.name}`);
        // Listed under the target in the Containers view while it runs.
        const shell: ShellSession & { terminal?: vscode.Terminal; bridge?: SidecarBridge } = {
          kind: 'shell',
          id: features.sessions.nextId('shell'),
          targetId: target.id,
          targetName: target.name,
          sidecarId: session.containerId,
          startedAt: new Date(),
          user: effectiveMode === 'root' ? 'as root (SYS_PTRACE)' : `as ${session.plan.user}`,
          attached: true,
          show: () => {
            if (shell.attached) shell.terminal?.show();
            else open(async () => session, `Reconnected to the debug sidecar for ${target.name}; output while detached follows (press Enter for a prompt).`);
          },
          detach: () => {
            // The terminal goes, the sidecar stays.
            if (shell.bridge?.detach()) shell.terminal?.dispose();
          },
          stop: async () => {
            await session.close();
            shell.terminal?.dispose();
          },
        };
        // onSession runs after open() returned, so `first` is set.
        shell.terminal = first.terminal;
        shell.bridge = first.bridge;
        entry = shell;
        features.sessions.add(shell);
        void session.ended.then((end) => {
          features.sessions.remove(shell.id);
          if (!shell.attached && end.reason === 'target-stopped') void vscode.window.showInformationMessage(end.message);
        });
        const denied = session.fileAccess.error;
        if (denied && effectiveMode !== 'root') {
          void vscode.window.showWarningMessage(denied.message, RETRY_AS_ROOT).then((choice) => {
            if (choice === RETRY_AS_ROOT) void attachDebugShell(features, target.id, 'root');
          });
        }
      },
    );
    return first.terminal;
  });
}

/** False when the user cancelled the pull. */
export async function pullWithProgress(svc: DockerService, image: string): Promise<boolean> {
  if (await svc.imagePresent(image)) return true;
  log.info(`Pulling the debug tools image ${image}`);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pulling the debug tools image ${image}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          await svc.ensureImage(
            image,
            (p) => {
              const increment = p.percent !== undefined && p.percent > reported ? p.percent - reported : undefined;
              if (p.percent !== undefined) reported = Math.max(reported, p.percent);
              progress.report({ message: p.percent !== undefined ? `${p.status} (${p.percent}%)` : p.status, increment });
            },
            abort.signal,
          );
        } finally {
          subscription.dispose();
        }
      },
    );
    log.info(`Pulled ${image}`);
    return true;
  } catch (err) {
    if (err instanceof OperationCancelledError) {
      log.info(`Pull of ${image} cancelled`);
      return false;
    }
    throw err;
  }
}
