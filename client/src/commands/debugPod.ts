import * as vscode from 'vscode';
import { KubectlError, kubectlDebugArgs, listPods } from '../../../server/src/kubernetes/kubectl';
import type { CommandDefinition } from './types';
import { log, showError, summarize } from '../log';

/** `kubectl debug -it <pod> --image=<tools image> --target=<container>` in a terminal, from kubectl's current context. */
export const debugPodCommand: CommandDefinition = {
  id: 'distroless.debugPod',
  async run({ sidecar }) {
    let pods;
    try {
      pods = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing pods (kubectl)' }, () => listPods());
    } catch (err) {
      // kubectl's stderr can run to pages: its first line in the notification, all of it in the log.
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof KubectlError && err.kind === 'missing') {
        void showError(summarize(message), { raw: message, actions: ['Install kubectl'] }).then((choice) => {
          if (choice) void vscode.env.openExternal(vscode.Uri.parse('https://kubernetes.io/docs/tasks/tools/'));
        });
      } else {
        void showError(`kubectl: ${summarize(message)}`, { raw: message });
      }
      return undefined;
    }
    const running = pods.filter((p) => p.phase === 'Running' && p.containers.length > 0);
    if (running.length === 0) {
      void vscode.window.showInformationMessage(`No running pods in kubectl's current namespace (${pods.length} pod${pods.length === 1 ? '' : 's'} listed).`);
      return undefined;
    }
    const pod = await vscode.window.showQuickPick(
      running.map((p) => ({ label: p.name, description: `${p.namespace} · ${p.containers.join(', ')}`, pod: p })),
      { title: 'Debug Pod', placeHolder: 'Pod to debug (kubectl current context)', matchOnDescription: true },
    );
    if (!pod) return undefined;
    const candidates = pod.pod.runningContainers.length ? pod.pod.runningContainers : pod.pod.containers;
    const container =
      candidates.length === 1
        ? candidates[0]
        : (await vscode.window.showQuickPick(candidates, { title: `Debug Pod ${pod.pod.name}`, placeHolder: 'Container whose processes the debug container joins (--target)' }));
    if (!container) return undefined;
    log.info(`kubectl debug: pod ${pod.pod.namespace}/${pod.pod.name}`);
    const args = kubectlDebugArgs({ pod: pod.pod.name, namespace: pod.pod.namespace, container, image: sidecar.settings().image });
    const terminal = vscode.window.createTerminal({
      name: `kubectl debug ${pod.pod.name}`,
      shellPath: 'kubectl',
      shellArgs: args,
      iconPath: new vscode.ThemeIcon('debug-console'),
    });
    terminal.show();
    return args;
  },
};
