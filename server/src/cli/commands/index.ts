/** The CLI's sub-commands, one per file, listed once here. */
import type { CliCommand } from './types';
import { lintCommand } from './lint';
import { convertCommand } from './convert';
import { debugCommand } from './debug';
import { portForwardCommand } from './portForward';
import { lsCommand } from './ls';

export const COMMANDS: readonly CliCommand[] = [lintCommand, convertCommand, debugCommand, portForwardCommand, lsCommand];
