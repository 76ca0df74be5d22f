import type { CommandDefinition } from './types';

/** Detach on a debug shell row: its terminal closes, its sidecar keeps running (Reconnect with Show Terminal, or Stop). */
export const detachSessionCommand: CommandDefinition = {
  id: 'distroless.detachSession',
  run({ sidecar }, node) {
    const id = (node as { sessionId?: unknown } | undefined)?.sessionId;
    const session = typeof id === 'string' ? sidecar.sessions.get(id) : undefined;
    if (session?.kind !== 'shell' || !session.attached) return false;
    session.detach();
    return true;
  },
};
