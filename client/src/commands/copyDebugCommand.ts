import * as vscode from 'vscode';
import { dockerRunCommand } from '../../../server/src/docker';
import { targetFromArgOrPick } from '../views/pickContainer';
import type { CommandDefinition } from './types';

/** The same sidecar as a `docker run` line, for users who want it in their own shell. */
export const copyDebugCommandCommand: CommandDefinition = {
  id: 'distroless.copyDebugCommand',
  async run({ sidecar }, arg) {
    const svc = await sidecar.connectOrReport();
    if (!svc) return undefined;
    try {
      const ref = await targetFromArgOrPick(sidecar, svc, arg, 'Copy Debug Command');
      if (!ref) return undefined;
      const settings = sidecar.settings();
      const plan = await svc.planSidecar(ref, { image: settings.image, mode: settings.mode, extraCapAdd: settings.extraCapabilities });
      // A host from our setting is not in the user's shell environment, unlike DOCKER_HOST.
      const engineArgs = settings.dockerHost ? ['--host', settings.dockerHost] : svc.endpoint.cliArgs;
      const line = dockerRunCommand(plan, { engineArgs });
      await vscode.env.clipboard.writeText(line);
      void vscode.window.showInformationMessage(`Copied: ${line}`);
      return line;
    } catch (err) {
      sidecar.reportError(err);
      return undefined;
    }
  },
};
