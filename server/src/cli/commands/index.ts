/** The CLI's sub-commands, one per file, listed once here. */
import type { CliCommand } from './types';
import { lintCommand } from './lint';

export const COMMANDS: readonly CliCommand[] = [lintCommand];
