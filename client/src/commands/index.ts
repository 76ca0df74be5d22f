/** Every command the extension registers, one per file, listed once here. */
import type { CommandDefinition } from './types';
import { attachDebugShellCommand } from './attachDebugShell';
import { attachDebugShellAsRootCommand } from './attachDebugShellAsRoot';
import { copyDebugCommandCommand } from './copyDebugCommand';
import { debugPodCommand } from './debugPod';
import { fixAllCommand } from './fixAll';
import { refreshContainersCommand } from './refreshContainers';
import { restartServerCommand } from './restartServer';
import { retryEngineCommand } from './retryEngine';
import { convertToDistrolessCommand } from './convertToDistroless';
import { forwardPortCommand } from './forwardPort';
import { openForwardedPortCommand } from './openForwardedPort';
import { stopSessionCommand } from './stopSession';
import { showSessionCommand } from './showSession';
import { detachSessionCommand } from './detachSession';
import { useSidecarForContainerToolsCommand } from './useSidecarForContainerTools';

export const COMMANDS: readonly CommandDefinition[] = [
  fixAllCommand,
  convertToDistrolessCommand,
  restartServerCommand,
  attachDebugShellCommand,
  attachDebugShellAsRootCommand,
  copyDebugCommandCommand,
  refreshContainersCommand,
  retryEngineCommand,
  debugPodCommand,
  forwardPortCommand,
  openForwardedPortCommand,
  stopSessionCommand,
  showSessionCommand,
  detachSessionCommand,
  useSidecarForContainerToolsCommand,
];
