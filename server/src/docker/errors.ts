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
  | 'invalid-reference'
  | 'cancelled'
  | 'port-unavailable'
  | 'path-not-found'
  | 'debugger-unavailable'
  | 'ptrace-not-allowed';

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
  constructor(readonly attempts: readonly EngineAttempt[], advice = 'Start Docker (or Podman\'s Docker-compatible socket), or point DOCKER_HOST / DOCKER_CONTEXT at a running engine.') {
    super(
      'engine-unreachable',
      'No Docker engine answered. Tried: ' +
        (attempts.length === 0 ? 'nothing (no endpoint configured)' : attempts.map((a) => `${a.endpoint}: ${a.reason}`).join('; ')) +
        `. ${advice}`,
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
      `Container "${target}" is not running (state: ${state}). A debug sidecar joins a running container's processes and network; ` +
        (state === 'paused'
          ? `unpause it first (docker unpause ${target}).`
          : state === 'restarting'
            ? `it is restarting: wait until \`docker ps\` shows it up, or read why it keeps stopping (docker logs ${target}).`
            : `start it first (docker start ${target}).`),
    );
    this.name = 'TargetNotRunningError';
  }
}

export class ImageUnavailableError extends DockerError {
  constructor(
    readonly image: string,
    readonly reason: string,
  ) {
    // The advice first: a notification clips its end, and the engine's words are the part a reader can spare.
    super(
      'image-unavailable',
      `The tools image "${image}" is not on the engine and could not be pulled. ` +
        `Pull or load it yourself (docker pull ${image}, or docker load on an offline machine), ` +
        `or choose another tools image with a shell (setting distroless.sidecar.image, CLI --image). The engine said: ${reason.replace(/\.$/, '')}.`,
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

/** A container or image name (or another value bound for a command line) that Docker would never accept; caught before any engine call. */
export class InvalidReferenceError extends DockerError {
  constructor(
    readonly what: string,
    readonly value: string,
    readonly why: string,
  ) {
    super('invalid-reference', `${JSON.stringify(value)} is not a valid ${what} ${what === 'container' || what === 'image' ? 'name or ID' : 'value'}: ${why}. ${what === 'container' ? 'Use the name or ID that `docker ps` shows.' : what === 'image' ? 'Pass an image reference such as busybox:latest.' : 'Check the value.'}`);
    this.name = 'InvalidReferenceError';
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

/**
 * Any failure from the engine or the socket, as a DockerError whose message says what
 * happened and what to do; a DockerError passes through. Used at the edges (CLI,
 * editor) so that no raw dockerode error or stack trace reaches the user.
 */
export function toDockerError(err: unknown, doing = 'talking to the Docker engine'): DockerError {
  if (err instanceof DockerError) return err;
  const status = statusCodeOf(err);
  const detail = engineMessage(err).replace(/^\(HTTP code \d+\)\s*/, '').trim();
  const said = detail ? ` (the engine said: ${detail})` : '';
  switch (status) {
    case 301:
      return new SidecarFailedError(`The engine redirected the request while ${doing} (HTTP 301): a name with characters Docker does not allow. Use the container's name or ID as \`docker ps\` shows it.`, { cause: err });
    case 400:
      return new SidecarFailedError(`The engine refused the request while ${doing} (HTTP 400)${said}. Check the names and options given.`, { cause: err });
    case 401:
    case 403:
      return new SidecarFailedError(`The engine denied the request while ${doing} (HTTP ${status})${said}. Check your access to this engine (docker login, or its authorization plugin).`, { cause: err });
    case 404:
      return new SidecarFailedError(`The engine has no such object while ${doing} (HTTP 404)${said}. Check the name with \`docker ps -a\` or \`docker images\`.`, { cause: err });
    case 409:
      return new SidecarFailedError(`The engine reported a conflict while ${doing} (HTTP 409)${said}. The container may be paused, restarting or being removed: check \`docker ps -a\` and try again.`, { cause: err });
    case 500:
    case 502:
    case 503:
      return new SidecarFailedError(`The engine failed while ${doing} (HTTP ${status})${said}. Check the engine's log (journalctl -u docker, or Docker Desktop's troubleshoot page) and try again.`, { cause: err });
  }
  if (status !== undefined) return new SidecarFailedError(`The engine answered HTTP ${status} while ${doing}${said}.`, { cause: err });
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOENT':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new DockerError('engine-unreachable', `Lost the connection to the Docker engine while ${doing} (${code}). Check that the engine is running (docker info) and try again.`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new DockerError('engine-unreachable', `Permission denied on the Docker engine's socket while ${doing}. Add your user to the docker group (then log in again), or use a rootless engine.`, { cause: err });
  }
  return new SidecarFailedError(`Failed while ${doing}: ${detail || String(err)}.`, { cause: err });
}
