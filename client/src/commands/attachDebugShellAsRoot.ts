import { attachDebugShell } from '../terminal/sidecarTerminal';
import type { CommandDefinition } from './types';

/** For tools that need root (tcpdump) or when matching the target's user is not enough to read its files. */
export const attachDebugShellAsRootCommand: CommandDefinition = {
  id: 'distroless.attachDebugShellAsRoot',
  run({ sidecar }, arg) {
    return attachDebugShell(sidecar, arg, 'root');
  },
};
