/** Opens a VS Code terminal inside a debug sidecar next to a running container. */
import * as vscode from 'vscode';
import { DockerService, OperationCancelledError, SidecarMode, TargetNotRunningError } from '../../../server/src/docker';
import type { SidecarFeatures } from '../sidecarFeatures';
import { targetFromArgOrPick } from '../views/pickContainer';
import { SidecarBridge } from './sidecarBridge';

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
  const svc = await features.connectOrReport();
  if (!svc) return undefined;
  try {
    const ref = await targetFromArgOrPick(features, svc, arg, mode === 'root' ? 'Attach Debug Shell as root (SYS_PTRACE)' : 'Attach Debug Shell');
    if (!ref) return undefined;
    const settings = features.settings();
    const effectiveMode = mode ?? settings.mode;
    // Checked before any pull: a stopped target should not cost a download.
    const target = await svc.inspectTarget(ref);
    if (!target.running) throw new TargetNotRunningError(target.name, target.state);
    if (!(await pullWithProgress(svc, settings.image))) return undefined;

    let registration: { dispose(): void } | undefined;
    let terminal: vscode.Terminal | undefined;
    const bridge = new SidecarBridge({
      start: (dims) =>
        svc.openSidecar({
          target: target.id,
          image: settings.image,
          mode: effectiveMode,
          extraCapAdd: settings.extraCapabilities,
          cols: dims?.columns,
          rows: dims?.rows,
        }),
      startingText: `Starting a debug sidecar for ${target.name}…`,
      onSession: (session) => {
        // Listed under the target in the Containers view while it runs.
        registration = features.sessions.add({
          kind: 'shell',
          id: features.sessions.nextId('shell'),
          targetId: target.id,
          targetName: target.name,
          sidecarId: session.containerId,
          startedAt: new Date(),
          user: effectiveMode === 'root' ? 'as root (SYS_PTRACE)' : `as ${session.plan.user}`,
          show: () => terminal?.show(),
          stop: async () => {
            await session.close();
            terminal?.dispose();
          },
        });
        void session.ended.then(() => registration?.dispose());
        const denied = session.fileAccess.error;
        if (denied && effectiveMode !== 'root') {
          void vscode.window.showWarningMessage(denied.message, RETRY_AS_ROOT).then((choice) => {
            if (choice === RETRY_AS_ROOT) void attachDebugShell(features, target.id, 'root');
          });
        }
      },
      onStartError: (err) => features.reportError(err),
      onDone: () => {
        openBridges.delete(bridge);
        registration?.dispose();
      },
      onEnd: (end) => {
        if (end.reason === 'target-stopped') void vscode.window.showInformationMessage(end.message);
        else if (end.reason === 'error') void vscode.window.showErrorMessage(end.message);
      },
    });
    openBridges.add(bridge);
    terminal = vscode.window.createTerminal({
      name: `Debug: ${target.name}${effectiveMode === 'root' ? ' (root)' : ''}`,
      pty: bridge,
      iconPath: new vscode.ThemeIcon('debug-console'),
    });
    terminal.show();
    return terminal;
  } catch (err) {
    features.reportError(err);
    return undefined;
  }
}

/** False when the user cancelled the pull. */
export async function pullWithProgress(svc: DockerService, image: string): Promise<boolean> {
  if (await svc.imagePresent(image)) return true;
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
    return true;
  } catch (err) {
    if (err instanceof OperationCancelledError) return false;
    throw err;
  }
}
