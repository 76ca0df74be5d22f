import * as vscode from 'vscode';
import { KubectlError, kubectlCommandLine, kubectlDebugArgs, listPods } from '../../../server/src/kubernetes/kubectl';
import { IdentityError, withoutUserAdvice } from '../../../server/src/kubernetes/identity';
import { attachArgs, debugContainerExit, namespacePodSecurity, openDebugContainer, PodSecurityError, targetFilesNote, UserCancelled } from '../../../server/src/kubernetes/debugPod';
import type { CommandDefinition } from './types';
import { log, showError, summarize } from '../log';

/**
 * An ephemeral container with the target container's identity (server/src/kubernetes/debugPod.ts), added by
 * `kubectl debug --attach=false --profile=… --custom=…`, then `kubectl attach -it` in a terminal; its exit code
 * is read from the pod when the terminal closes.
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
    const PLAIN = 'Run Plain kubectl debug';
    let opened;
    try {
      // The target's uid/gid/capabilities, a profile its namespace admits, and a uid asked for in the editor when only that will do.
      opened = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting a debug container in ${pod.pod.name} (kubectl)` }, () =>
        openDebugContainer({ pod: pod.pod.name, namespace: pod.pod.namespace, container, image, tty: true, stdin: true }, { note: (line) => log.info(line), askUser }),
      );
    } catch (err) {
      if (err instanceof UserCancelled) return undefined;
      if (!(err instanceof IdentityError || err instanceof KubectlError || err instanceof PodSecurityError)) throw err;
      // Plain kubectl debug runs as the tools image's user with kubectl's default profile, which restricted refuses: offered only where it can be admitted.
      const restricted = err instanceof IdentityError && err.kind === 'invalid' && (await namespacePodSecurity(pod.pod.namespace)) === 'restricted';
      const plainAdmitted = err instanceof IdentityError && err.kind === 'invalid' && !restricted;
      const why = restricted ? ` Plain kubectl debug is not offered: namespace ${pod.pod.namespace} enforces restricted Pod Security, which refuses it.` : '';
      const choice = await showError(withoutUserAdvice(err.message) + why, { actions: plainAdmitted ? [PLAIN] : [] });
      if (choice !== PLAIN) return undefined;
      const plainArgs = kubectlDebugArgs({ pod: pod.pod.name, namespace: pod.pod.namespace, container, image });
      openKubectlTerminal(`kubectl debug ${pod.pod.name}`, plainArgs, {});
      return plainArgs;
    }
    const { prepared, plan } = opened;
    const args = attachArgs(prepared);
    const filesNote = opened.state === 'running' ? await targetFilesNote(prepared) : '';
    const terminal = openKubectlTerminal(`kubectl debug ${pod.pod.name} (${plan.identity.uid ?? 'image user'})`, args, {});
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      closed.dispose();
      void debugContainerExit(prepared).then((code) => {
        if (code === undefined) void vscode.window.showInformationMessage(`Debug container ${prepared.name} is still running (closing the terminal does not stop it); attach again with: ${kubectlCommandLine(args)}`);
        else if (code !== 0) void vscode.window.showWarningMessage(`Debug container ${prepared.name} exited with code ${code}.`);
        log.info(`kubectl debug: ${prepared.name} ended with ${code ?? 'no exit code yet'}`);
      }, (err: unknown) => {
        // The pod may be gone or kubectl unreachable once the terminal closes: the session is over either way.
        log.info(`kubectl debug: could not read how ${prepared.name} ended: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
    void vscode.window.showInformationMessage(`${[...prepared.notes, ...plan.notes.filter((n) => !prepared.notes.includes(n)), filesNote].filter(Boolean).join(' ')} Profile: ${plan.profile}.`);
    return args;
  },
};

const ENTER_USER = 'Enter User…';

/** Restricted Pod Security or runAsNonRoot with the target's uid unknown: ask here for what the CLI takes as --user. */
async function askUser(reason: string): Promise<string | undefined> {
  const choice = await vscode.window.showWarningMessage(`${reason} Enter the uid the debug container should run as (the image's USER)?`, ENTER_USER);
  if (choice !== ENTER_USER) return undefined;
  const value = await vscode.window.showInputBox({
    title: 'Debug Pod: run the debug container as',
    prompt: 'Numeric non-root uid or uid:gid, e.g. 65532 or 1000:1000 (the image\'s USER)',
    validateInput: (v) => (/^[1-9]\d*(:\d+)?$/.test(v.trim()) ? undefined : 'A non-root numeric uid or uid:gid, e.g. 65532 or 1000:1000'),
  });
  return value?.trim() || undefined;
}

function openKubectlTerminal(name: string, args: string[], env: Record<string, string>): vscode.Terminal {
  const terminal = vscode.window.createTerminal({ name, shellPath: 'kubectl', shellArgs: args, env, iconPath: new vscode.ThemeIcon('debug-console') });
  terminal.show();
  return terminal;
}
