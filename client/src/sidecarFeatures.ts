/**
 * The editor side of the debug sidecar: one engine connection (made on first
 * use), the containers view, settings, and the engine-state context key the
 * view's welcome content depends on.
 */
import * as vscode from 'vscode';
import type { DistrolessApi } from './api';
import { createDockerService, DockerError, DockerService, EngineUnreachableError, ImageUnavailableError, statusCodeOf, toDockerError } from '../../server/src/docker';
import { ENGINE_STATE_CONTEXT_KEY, EngineManager, EngineState } from '../../server/src/docker/engineManager';
import { engineConnectOptions, HOST_SETTING, IMAGE_SETTING, resolveSidecarSettings, SidecarSettings } from './settings/sidecarSettings';
import { ContainersSource } from './views/containersSource';
import { ContainersTreeProvider } from './views/containersTreeProvider';
import { ENGINE_SOURCE_CONTEXT_KEY, engineErrorSummary, engineSource, engineStatusLog, toolsImageAdvice } from './views/engineSource';
import { log, showError, summarize } from './log';
import { SessionRegistry } from './sessions/sessionRegistry';
import { registerContainerFileSystem } from './files/containerFileSystem';

export interface SidecarFeatures {
  readonly engine: EngineManager;
  readonly containers: ContainersTreeProvider;
  readonly source: ContainersSource;
  /** Debug shells and port forwards open in this window, listed under their targets. */
  readonly sessions: SessionRegistry;
  settings(): SidecarSettings;
  /** The engine, or undefined after telling the user why there is none. */
  connectOrReport(): Promise<DockerService | undefined>;
  /** Shows a sidecar or engine error with the action that fixes it. */
  reportError(err: unknown): void;
  /** The context keys the welcome content depends on, as last set, the view's message and how many rows it shows. */
  welcomeState(): ReturnType<DistrolessApi['containersWelcome']>;
}

export function readSidecarSettings(): SidecarSettings {
  const config = vscode.workspace.getConfiguration();
  return resolveSidecarSettings((key) => config.inspect(key), vscode.workspace.isTrusted);
}

export function registerSidecarFeatures(context: vscode.ExtensionContext): SidecarFeatures {
  const engine = new EngineManager(() => createDockerService(engineConnectOptions(process.env, readSidecarSettings().dockerHost)));
  const source = new ContainersSource();
  const sessions = new SessionRegistry();
  const containers = new ContainersTreeProvider(engine, source, sessions);
  registerContainerFileSystem(context, () => engine.get());

  let shownState: EngineState | undefined;
  const engineLogLine = engineStatusLog();
  let shownSource: string | undefined;
  const currentSource = () => engineSource(readSidecarSettings().dockerHost, process.env);
  const showState = (state: EngineState) => {
    // 'connecting' keeps the previous key, so the welcome text does not flicker on every retry.
    if (state === 'connecting') return;
    // The welcome content of an unreachable engine names where its address came from.
    const source = state === 'unreachable' ? currentSource() : shownSource;
    if (source !== shownSource) {
      shownSource = source;
      void vscode.commands.executeCommand('setContext', ENGINE_SOURCE_CONTEXT_KEY, source);
    }
    if (state === shownState) return;
    shownState = state;
    void vscode.commands.executeCommand('setContext', ENGINE_STATE_CONTEXT_KEY, state);
  };
  showState('unknown');

  const reportError = (err: unknown) => {
    // Raw engine and socket errors (HTTP 404/409/500, ECONNREFUSED) become a message that says what to do.
    const expected = err instanceof DockerError || statusCodeOf(err) !== undefined || typeof (err as NodeJS.ErrnoException | null)?.code === 'string';
    const message = expected ? toDockerError(err).message : err instanceof Error ? err.message : String(err);
    if (err instanceof EngineUnreachableError) {
      void showError(engineErrorSummary(err, currentSource()), { raw: message, actions: ['Retry', 'Engine Host Setting'] }).then((choice) => {
        if (choice === 'Retry') void vscode.commands.executeCommand('distroless.retryEngine');
        if (choice === 'Engine Host Setting') void vscode.commands.executeCommand('workbench.action.openSettings', HOST_SETTING);
      });
    } else if (err instanceof ImageUnavailableError) {
      void showError(toolsImageAdvice(err), { raw: message, actions: ['Tools Image Setting'] }).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', IMAGE_SETTING);
      });
    } else {
      void showError(summarize(message), { raw: message });
    }
  };

  let warnedIgnored = false;
  const features: SidecarFeatures = {
    engine,
    containers,
    source,
    sessions,
    settings() {
      const settings = readSidecarSettings();
      if (!warnedIgnored && settings.ignoredUntrusted.length > 0) {
        warnedIgnored = true;
        void vscode.window.showWarningMessage(
          `This workspace is not trusted, so its values of ${settings.ignoredUntrusted.join(', ')} are ignored; the debug sidecar uses your user settings.`,
        );
      }
      return settings;
    },
    async connectOrReport() {
      try {
        return await engine.get();
      } catch (err) {
        reportError(err);
        return undefined;
      }
    },
    reportError,
    welcomeState: () => ({ engineState: shownState, engineSource: shownSource, viewMessage: containers.message, shownRows: containers.shownRows }),
  };

  context.subscriptions.push(
    containers,
    // Port forwards and shells end with the window (their sidecars also go when this process's attach closes).
    new vscode.Disposable(() => void sessions.stopAll()),
    engine.onDidChangeStatus((status) => {
      showState(status.state);
      const line = engineLogLine(status, currentSource());
      if (line) log[line.level](line.text);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(HOST_SETTING)) containers.reconnect();
    }),
    // Trust changes which values of the restricted settings count.
    vscode.workspace.onDidGrantWorkspaceTrust(() => containers.reconnect()),
  );
  return features;
}

