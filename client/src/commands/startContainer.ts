import * as vscode from 'vscode';
import { containerRefFromArg } from '../views/commandTarget';
import { log } from '../log';
import type { CommandDefinition } from './types';

/** The stopped container's menu: start it, so that a debug sidecar can join it. */
export const startContainerCommand: CommandDefinition = {
  id: 'distroless.startContainer',
  async run({ sidecar }, arg) {
    const ref = containerRefFromArg(arg);
    if (!ref) return;
    const svc = await sidecar.connectOrReport();
    if (!svc) return;
    try {
      await vscode.window.withProgress({ location: { viewId: 'distroless.containers' } }, () => svc.docker.getContainer(ref).start());
      log.info(`Started container ${ref}`);
    } catch (err) {
      // 304: already running, which is what the user wanted.
      if ((err as { statusCode?: number }).statusCode !== 304) sidecar.reportError(err);
    }
    sidecar.containers.refresh();
  },
};
