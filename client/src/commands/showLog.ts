import { showLog } from '../log';
import type { CommandDefinition } from './types';

/** Opens the Distroless output channel (also the Show Log button of every error). */
export const showLogCommand: CommandDefinition = {
  id: 'distroless.showLog',
  run() {
    showLog();
  },
};
