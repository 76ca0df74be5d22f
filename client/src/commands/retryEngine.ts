import type { CommandDefinition } from './types';
import { showError, summarize } from '../log';

/** The welcome view's Retry link: resolve the engine again (DOCKER_HOST, context, sockets may have changed). */
export const retryEngineCommand: CommandDefinition = {
  id: 'distroless.retryEngine',
  async run({ sidecar }) {
    sidecar.containers.reconnect();
    try {
      await sidecar.engine.get();
    } catch (err) {
      // The view shows the details; a palette user gets them here.
      const message = err instanceof Error ? err.message : String(err);
      if (!sidecar.containers.visible) void showError(summarize(message), { raw: message });
    }
  },
};
