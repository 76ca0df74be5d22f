import type { CommandDefinition } from './types';

/** Stop on a debug shell or port forward under a container: its sidecar is removed. */
export const stopSessionCommand: CommandDefinition = {
  id: 'distroless.stopSession',
  async run({ sidecar }, node) {
    const id = (node as { sessionId?: unknown } | undefined)?.sessionId;
    const session = typeof id === 'string' ? sidecar.sessions.get(id) : undefined;
    if (!session) return false;
    await session.stop();
    sidecar.sessions.remove(session.id);
    return true;
  },
};
