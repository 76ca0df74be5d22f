import { attachDebugShell } from '../terminal/sidecarTerminal';
import { maybeOfferContainerToolsAttach } from '../containerTools/offer';
import type { CommandDefinition } from './types';

/** Right-click on a running container (ours, Container Tools', Docker's), or a quick pick. Mode from the settings. */
export const attachDebugShellCommand: CommandDefinition = {
  id: 'distroless.attachDebugShell',
  async run({ sidecar, extension }, arg) {
    const terminal = await attachDebugShell(sidecar, arg);
    // Offered once, after the first debug shell: Container Tools' own Attach Shell can use the sidecar too.
    if (terminal) void maybeOfferContainerToolsAttach(extension, sidecar.settings().image).catch(() => undefined);
    return terminal;
  },
};
