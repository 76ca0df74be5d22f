import type { CommandDefinition } from './types';

export const restartServerCommand: CommandDefinition = {
  id: 'distroless.restartServer',
  async run({ languageClient }) {
    await languageClient.restart();
  },
};
