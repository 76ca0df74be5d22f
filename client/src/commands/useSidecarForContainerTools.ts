import * as vscode from 'vscode';
import { ATTACH_SETTING } from '../containerTools/attachTemplate';
import { applyAttachTemplate } from '../containerTools/offer';
import type { CommandDefinition } from './types';

/** Sets Container Tools' containers.commands.attach so its Attach Shell uses our sidecar when the container has no shell. */
export const useSidecarForContainerToolsCommand: CommandDefinition = {
  id: 'distroless.useSidecarForContainerTools',
  async run({ extension, sidecar }) {
    if (process.platform === 'win32') {
      void vscode.window.showWarningMessage(`The ${ATTACH_SETTING} template needs a POSIX shell terminal; on Windows set it by hand (see docs/debugging.md).`);
      return undefined;
    }
    const value = await applyAttachTemplate(extension, sidecar.settings().image);
    void vscode.window.showInformationMessage(`Set ${ATTACH_SETTING} in your user settings; remove it there to undo.`);
    return value;
  },
};
