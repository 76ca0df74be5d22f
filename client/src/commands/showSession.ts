import type { CommandDefinition } from './types';

/** Clicking a debug shell under a container brings its terminal forward. */
export const showSessionCommand: CommandDefinition = {
  id: 'distroless.showSession',
  async run({ sidecar }, node) {
    const id = (node as { sessionId?: unknown } | undefined)?.sessionId;
    const session = typeof id === 'string' ? sidecar.sessions.get(id) : undefined;
    if (!session) return false;
    if (session.kind === 'shell') session.show();
    return true;
  },
};
