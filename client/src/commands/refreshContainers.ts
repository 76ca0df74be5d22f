import type { CommandDefinition } from './types';

export const refreshContainersCommand: CommandDefinition = {
  id: 'distroless.refreshContainers',
  run({ sidecar }) {
    sidecar.containers.refresh();
  },
};
