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
import { convertAndVerifyCommand } from './convertAndVerify';
import { convertFromBuildCommand } from './convertFromBuild';
import { applyConversionCommand, convertToDistrolessCommand, discardConversionCommand } from './convertToDistroless';
import { showRuleDocumentationCommand } from './showRuleDocumentation';
import { showLogCommand } from './showLog';
import { startContainerCommand } from './startContainer';
import { explainStoppedContainerCommand } from './explainStoppedContainer';
import { openSampleDockerfileCommand } from './openSampleDockerfile';
import { enableFixOnSaveCommand } from './enableFixOnSave';
import { forwardPortCommand } from './forwardPort';
import { attachDebuggerCommand } from './attachDebugger';
import { openForwardedPortCommand } from './openForwardedPort';
import { stopSessionCommand } from './stopSession';
import { showSessionCommand } from './showSession';
import { detachSessionCommand } from './detachSession';
import { useSidecarForContainerToolsCommand } from './useSidecarForContainerTools';

export const COMMANDS: readonly CommandDefinition[] = [
  fixAllCommand,
  convertToDistrolessCommand,
  convertAndVerifyCommand,
  convertFromBuildCommand,
  applyConversionCommand,
  discardConversionCommand,
  restartServerCommand,
  attachDebugShellCommand,
  attachDebugShellAsRootCommand,
  copyDebugCommandCommand,
  refreshContainersCommand,
  retryEngineCommand,
  debugPodCommand,
  showRuleDocumentationCommand,
  showLogCommand,
  startContainerCommand,
  explainStoppedContainerCommand,
  openSampleDockerfileCommand,
  enableFixOnSaveCommand,
  forwardPortCommand,
  attachDebuggerCommand,
  openForwardedPortCommand,
  stopSessionCommand,
  showSessionCommand,
  detachSessionCommand,
  useSidecarForContainerToolsCommand,
];
