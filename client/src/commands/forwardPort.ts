import * as vscode from 'vscode';
import { parsePortSpec } from '../../../server/src/docker';
import { log } from '../log';
import { pullWithProgress } from '../terminal/sidecarTerminal';
import { withRunningTarget } from '../views/pickContainer';
import type { CommandDefinition } from './types';

/**
 * Forward Port…: a local port to a port inside the container's network
 * namespace, through a sidecar joined to it. Listed under the container in our
 * view (VS Code's Ports view takes entries only from its own forwarding and the
 * proposed tunnel API, see docs/debugging.md).
 */
export const forwardPortCommand: CommandDefinition = {
  id: 'distroless.forwardPort',
  run({ sidecar }, arg, specArg) {
    return withRunningTarget(sidecar, arg, 'Forward Port', async (svc, target) => {
      const spec =
        typeof specArg === 'string'
          ? specArg
          : await vscode.window.showInputBox({
              title: `Forward Port: ${target.name}`,
              prompt: `Port inside ${target.name} (its own localhost included); "18080:8080" picks the local port, "8080" uses the same one when free.`,
              placeHolder: '8080 or 18080:8080',
              validateInput: (value) => {
                try {
                  parsePortSpec(value);
                  return undefined;
                } catch (err) {
                  return (err as Error).message;
                }
              },
            });
      if (spec === undefined) return undefined;
      const { localPort, remotePort } = parsePortSpec(spec);
      const settings = sidecar.settings();
      if (!(await pullWithProgress(svc, settings.image))) return undefined;
      const forward = await svc.openPortForward({ target: target.id, remotePort, localPort, image: settings.image });
      const id = sidecar.sessions.nextId('forward');
      const registration = sidecar.sessions.add({
        kind: 'forward',
        id,
        targetId: target.id,
        targetName: target.name,
        sidecarId: forward.sidecarId,
        startedAt: new Date(),
        forward,
        stop: async () => {
          await forward.close();
        },
      });
      const events = forward.onEvent((e) => {
        if (e.kind === 'connection-failed') void vscode.window.showWarningMessage(e.message ?? 'A forwarded connection failed.');
        if (e.kind === 'fallback') log.info(e.message ?? '');
        sidecar.sessions.changed();
      });
      void forward.ended.then((end) => {
        events.dispose();
        registration.dispose();
        if (end.reason !== 'closed') void vscode.window.showWarningMessage(end.message);
      });
      const address = `${forward.localAddress}:${forward.localPort}`;
      void vscode.window.showInformationMessage(`Forwarding ${address} → ${target.name}:${remotePort}.`, 'Open in Browser', 'Copy Address').then((choice) => {
        if (choice === 'Open in Browser') void vscode.commands.executeCommand('distroless.openForwardedPort', { sessionId: id });
        if (choice === 'Copy Address') void vscode.env.clipboard.writeText(address);
      });
      return { id, localPort: forward.localPort, remotePort, sidecarId: forward.sidecarId };
    });
  },
};
