/**
 * The debug sidecar engine: everything that talks to Docker (or Podman's
 * Docker-compatible API). No vscode imports: the extension and the CLI share it.
 */
import type Docker from 'dockerode';
import { connectEngine, ConnectOptions, EngineEndpoint } from './connection';
import { ContainerSummary, inspectTarget, listContainers, TargetInfo } from './containers';
import { dockerRunCommand } from './dockerRunCommand';
import { planSidecar, SidecarPlan, SidecarPlanOptions } from './plan';
import { ContainerDirectoryListing, ContainerFileEntry, ContainerFileStream, ContainerPathStat, describeContainerPath, readContainerFileStream, statContainerPath } from './files';
import { listContainerDirectory, ListDirectoryOptions } from './directoryListing';
import { openPortForward, PortForward, PortForwardOptions } from './portForward';
import { attachDebugger, AttachDebuggerOptions, DebuggerSession } from './debugger';
import { ensureImage, imagePresent, openSidecar, OpenSidecarOptions, PullProgress, removeOrphanSidecars, SidecarSession } from './sidecar';

export * from './errors';
export { resolveEngineCandidates, connectEngine } from './connection';
export type { ConnectOptions, EngineEndpoint, EndpointSource, ResolveOptions } from './connection';
export { LISTING_HELPER_LABEL, SIDECAR_LABEL, SIDECAR_OWNER_LABEL, SIDECAR_TARGET_NAME_LABEL, parseProcStatus, parseTop } from './containers';
export { isOurSidecar, sessionLabelFor, sidecarKeyFile, SIDECAR_SESSION_LABEL } from './sidecarIdentity';
export type { ContainerSummary, TargetIdentity, TargetInfo } from './containers';
export { DEFAULT_TOOLS_IMAGE, DEFAULT_COMMAND, planSidecar } from './plan';
export type { SidecarMode, SidecarPlan, SidecarPlanOptions } from './plan';
export { dockerRunCommand, shellQuote } from './dockerRunCommand';
export { checkContainerRef, checkImageRef, checkNotOption } from './references';
export type { DockerRunOptions } from './dockerRunCommand';
export { MAX_LISTING_CONTENT_BYTES, modeString, normalizeContainerPath, PathNotFoundError } from './files';
export type { ListDirectoryOptions } from './directoryListing';
export type { ContainerDirectoryListing, ContainerFileEntry, ContainerFileStream, ContainerFileType, ContainerPathStat } from './files';
export { FORWARD_PORT_LABEL, parsePortSpec, PortUnavailableError } from './portForward';
export type { PortForward, PortForwardCarrier, PortForwardEnd, PortForwardEndReason, PortForwardEvent, PortForwardOptions, PortSpec } from './portForward';
export { DebuggerUnavailableError, PtraceNotAllowedError, DEBUGGER_LABEL, DEBUGGING_DOCS, UNSUPPORTED_RUNTIMES, describeProcess } from './debugger';
export type { AttachDebuggerOptions, DebuggerSession, NodeInspector, Runtime, TargetProcess } from './debugger';
export type { Disposable, FileAccess, OpenSidecarOptions, OutputStream, PullProgress, SidecarEnd, SidecarEndReason, SidecarSession } from './sidecar';

export interface DockerService {
  /** The engine we are talking to and how it was found. */
  readonly endpoint: EngineEndpoint;
  /** The dockerode client, for callers that need more than this interface. */
  readonly docker: Docker;
  listContainers(opts?: { all?: boolean }): Promise<ContainerSummary[]>;
  /** Throws TargetNotFoundError. */
  inspectTarget(idOrName: string): Promise<TargetInfo>;
  /** What openSidecar would create for this target (does not check the target is running). */
  planSidecar(idOrName: string, opts?: SidecarPlanOptions): Promise<SidecarPlan>;
  /** The equivalent `docker run ...` line, POSIX-quoted, reaching the same engine. */
  dockerRunCommand(idOrName: string, opts?: SidecarPlanOptions): Promise<string>;
  /** Whether the image is on the engine already (no pull needed). */
  imagePresent(image: string): Promise<boolean>;
  /** Present locally, or pulled with progress; throws ImageUnavailableError, or OperationCancelledError once `signal` aborts. */
  ensureImage(image: string, onProgress?: (p: PullProgress) => void, signal?: AbortSignal): Promise<void>;
  /** Throws TargetNotFoundError, TargetNotRunningError, ImageUnavailableError, SidecarFailedError. */
  openSidecar(opts: OpenSidecarOptions): Promise<SidecarSession>;
  /** Forwards a local port into the target's network namespace; throws PortUnavailableError, TargetNotFoundError, TargetNotRunningError, ImageUnavailableError, SidecarFailedError. */
  openPortForward(opts: PortForwardOptions): Promise<PortForward>;
  /** Turns on a Node.js process's inspector (SIGUSR1) or attaches Delve to a Go one, and forwards it to this machine's loopback. */
  attachDebugger(opts: AttachDebuggerOptions): Promise<DebuggerSession>;
  /** One path in a container (HEAD archive); throws PathNotFoundError, TargetNotFoundError. Works on stopped containers. */
  statPath(container: string, filePath: string): Promise<ContainerPathStat>;
  /**
   * A directory's entries (owner, mode, size, link target): a running container's from stat in a
   * helper container of the tools image (no contents moved), else from the archive API's tar headers.
   */
  listDirectory(container: string, dirPath: string, signal?: AbortSignal, options?: Omit<ListDirectoryOptions, 'signal'>): Promise<ContainerDirectoryListing>;
  /** The path itself as `ls -ld` sees it (not followed). */
  describePath(container: string, filePath: string): Promise<ContainerFileEntry>;
  /** A regular file's bytes, streamed (symlinks followed). Read-only: nothing here writes to a container. */
  readFile(container: string, filePath: string, signal?: AbortSignal): Promise<ContainerFileStream>;
  /** Removes sidecars left by crashed owners or whose target stopped; returns their IDs. */
  removeOrphanSidecars(): Promise<string[]>;
}

/** Connects (first endpoint that answers /_ping) or throws EngineUnreachableError. */
export async function createDockerService(opts: ConnectOptions = {}): Promise<DockerService> {
  const { docker, endpoint } = await connectEngine(opts);
  return {
    endpoint,
    docker,
    listContainers: (o) => listContainers(docker, o),
    inspectTarget: (id) => inspectTarget(docker, id),
    planSidecar: async (id, o) => planSidecar(await inspectTarget(docker, id), o),
    dockerRunCommand: async (id, o) => dockerRunCommand(planSidecar(await inspectTarget(docker, id), o), { engineArgs: endpoint.cliArgs }),
    imagePresent: (image) => imagePresent(docker, image),
    ensureImage: (image, onProgress, signal) => ensureImage(docker, image, onProgress, signal),
    openSidecar: (o) => openSidecar(docker, o),
    removeOrphanSidecars: () => removeOrphanSidecars(docker),
    openPortForward: (o) => openPortForward(docker, o),
    attachDebugger: (o) => attachDebugger(docker, o),
    statPath: (c, p) => statContainerPath(docker, c, p),
    listDirectory: (c, p, signal, o) => listContainerDirectory(docker, c, p, { ...o, signal }),
    describePath: (c, p) => describeContainerPath(docker, c, p),
    readFile: (c, p, signal) => readContainerFileStream(docker, c, p, signal),
  };
}
export { verifyConversion, formatVerifyReport, verifyReportJson, failedStep, VERIFY_LABEL } from './verify';
export type { ImageReport, PortReport, VerifyOptions, VerifyReport } from './verify';
