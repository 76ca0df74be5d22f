/** Every command the extension registers, one per file, listed once here. */
import type { CommandDefinition } from './types';
import { fixAllCommand } from './fixAll';
import { restartServerCommand } from './restartServer';
import { convertToDistrolessCommand } from './convertToDistroless';

export const COMMANDS: readonly CommandDefinition[] = [fixAllCommand, convertToDistrolessCommand, restartServerCommand];
