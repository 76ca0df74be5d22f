/**
 * Errors the sidecar engine raises. Every message is written for the person at
 * the keyboard: what went wrong and what to do next, because the editor shows it
 * verbatim in a notification and the CLI prints it as-is.
 */
export type DockerErrorCode =
  | 'engine-unreachable'
  | 'target-not-found'
  | 'target-not-running'
  | 'image-unavailable'
  | 'file-access-denied'
  | 'sidecar-failed'
  | 'cancelled'
  | 'port-unavailable'
  | 'path-not-found';

export class DockerError extends Error {
  constructor(
    readonly code: DockerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DockerError';
  }
}

export interface EngineAttempt {
  /** Where we looked, e.g. `unix:///var/run/docker.sock (default socket)`. */
  endpoint: string;
  /** Why it did not answer. */
  reason: string;
}

export class EngineUnreachableError extends DockerError {
  constructor(readonly attempts: readonly EngineAttempt[]) {
    super(
      'engine-unreachable',
      'No Docker engine answered. Tried: ' +
        (attempts.length === 0 ? 'nothing (no endpoint configured)' : attempts.map((a) => `${a.endpoint}: ${a.reason}`).join('; ')) +
        '. Start Docker (or Podman\'s Docker-compatible socket), or point DOCKER_HOST / DOCKER_CONTEXT at a running engine.',
    );
    this.name = 'EngineUnreachableError';
  }
}

export class TargetNotFoundError extends DockerError {
  constructor(readonly target: string) {
    super('target-not-found', `No container named or with ID "${target}" exists on this engine. List containers with \`docker ps\`.`);
    this.name = 'TargetNotFoundError';
  }
}

export class TargetNotRunningError extends DockerError {
  constructor(
    readonly target: string,
    readonly state: string,
  ) {
    super(
      'target-not-running',
      `Container "${target}" is not running (state: ${state}). A debug sidecar joins a running container's processes and network; start it first (docker start ${target}).`,
    );
    this.name = 'TargetNotRunningError';
  }
}

export class ImageUnavailableError extends DockerError {
  constructor(
    readonly image: string,
    readonly reason: string,
  ) {
    super(
      'image-unavailable',
      `The tools image "${image}" is not on the engine and could not be pulled: ${reason}. ` +
        `Pull or load it yourself (docker pull ${image}, or docker load on an offline machine), ` +
        'or choose another tools image with a shell (setting distroless.sidecar.image, CLI --image).',
    );
    this.name = 'ImageUnavailableError';
  }
}

export class FileAccessDeniedError extends DockerError {
  constructor(
    readonly target: string,
    readonly user: string,
  ) {
    super(
      'file-access-denied',
      `Permission denied on /proc/1/root: the sidecar runs as ${user}, which the kernel does not allow to see the files of "${target}". ` +
        'Retry as root with SYS_PTRACE (CLI --root, or the "root" sidecar mode).',
    );
    this.name = 'FileAccessDeniedError';
  }
}

export class SidecarFailedError extends DockerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('sidecar-failed', message, options);
    this.name = 'SidecarFailedError';
  }
}

/** The user cancelled a slow step (a tools image pull); not a failure worth a notification. */
export class OperationCancelledError extends DockerError {
  constructor(readonly what: string) {
    super('cancelled', `${what} was cancelled.`);
    this.name = 'OperationCancelledError';
  }
}

/** The HTTP status dockerode attaches to engine errors, if any. */
export function statusCodeOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's own message without dockerode's "(HTTP code 404) no such container -" prefix. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return err instanceof Error ? err.message : String(err);
}
