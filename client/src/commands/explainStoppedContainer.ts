import * as vscode from 'vscode';
import type { ContainerItemModel } from '../views/containerItems';
import type { CommandDefinition } from './types';

const START = 'Start Container';

/** The stopped container's menu: why there is no Attach Debug Shell, and the way to get it. */
export const explainStoppedContainerCommand: CommandDefinition = {
  id: 'distroless.explainStoppedContainer',
  async run(_context, arg) {
    const item = arg as Partial<ContainerItemModel> | undefined;
    const name = item?.containerName ?? 'This container';
    const state = item?.description?.split(' · ').pop() ?? 'not running';
    const choice = await vscode.window.showInformationMessage(
      `${name} is not running (${state}). A debug sidecar joins a running container's processes and network, so there is nothing to attach to until it runs again.`,
      START,
    );
    if (choice === START) await vscode.commands.executeCommand('distroless.startContainer', arg);
  },
};
