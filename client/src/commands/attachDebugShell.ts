import { attachDebugShell } from '../terminal/sidecarTerminal';
import type { CommandDefinition } from './types';

/** Right-click on a running container (ours, Container Tools', Docker's), or a quick pick. Mode from the settings. */
export const attachDebugShellCommand: CommandDefinition = {
  id: 'distroless.attachDebugShell',
  run({ sidecar }, arg) {
    return attachDebugShell(sidecar, arg);
  },
};
