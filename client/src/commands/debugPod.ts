import * as vscode from 'vscode';
import { KubectlError, kubectlDebugArgs, listPods } from '../../../server/src/kubernetes/kubectl';
import { IdentityError } from '../../../server/src/kubernetes/identity';
import { prepareDebugPod } from '../../../server/src/kubernetes/debugPod';
import type { CommandDefinition } from './types';
import { log, showError, summarize } from '../log';

/**
 * `kubectl debug -it <pod> --image=<tools image> --target=<container> --profile=… --custom=…` in a terminal,
 * from kubectl's current context, with the target container's identity (server/src/kubernetes/identity.ts).
 */
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
    const image = sidecar.settings().image;
    const plainArgs = kubectlDebugArgs({ pod: pod.pod.name, namespace: pod.pod.namespace, container, image });
    const PLAIN = 'Run Plain kubectl debug';
    let prepared;
    try {
      // The target's uid/gid/capabilities from its securityContext, passed with --custom and a fitting --profile.
      prepared = await prepareDebugPod({ pod: pod.pod.name, namespace: pod.pod.namespace, container, image, tty: true, stdin: true });
    } catch (err) {
      if (!(err instanceof IdentityError || err instanceof KubectlError)) throw err;
      const choice = await showError(err.message, { actions: [PLAIN] });
      if (choice !== PLAIN) return undefined;
      openKubectlTerminal(`kubectl debug ${pod.pod.name}`, plainArgs, {});
      return plainArgs;
    }
    const ready = prepared;
    const terminal = openKubectlTerminal(`kubectl debug ${pod.pod.name} (${ready.plan.identity.uid ?? 'image user'})`, ready.args, ready.env);
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      closed.dispose();
      ready.cleanup();
    });
    void vscode.window.showInformationMessage(`${ready.plan.notes.join(' ')} Profile: ${ready.plan.profile}.`);
    return ready.args;
  },
};

function openKubectlTerminal(name: string, args: string[], env: Record<string, string>): vscode.Terminal {
  const terminal = vscode.window.createTerminal({ name, shellPath: 'kubectl', shellArgs: args, env, iconPath: new vscode.ThemeIcon('debug-console') });
  terminal.show();
  return terminal;
}
