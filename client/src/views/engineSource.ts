/**
 * Where the engine address the extension used came from, as the welcome content of
 * an unreachable engine names it: the `distroless.docker.host` setting, DOCKER_HOST
 * inherited from the environment, a Docker context, or nothing (the usual sockets).
 * Plain data, no vscode: unit-tested.
 */
import { resolveEngineCandidates, type EngineUnreachableError, type ImageUnavailableError } from '../../../server/src/docker';
import type { EngineStatus } from '../../../server/src/docker/engineManager';

/** Context key for the welcome content's `when` clauses. */
export const ENGINE_SOURCE_CONTEXT_KEY = 'distroless.engineSource';

export type EngineSource = 'setting' | 'DOCKER_HOST' | 'context' | 'default';

export function engineSource(settingHost: string | undefined, env: NodeJS.ProcessEnv, homedir?: string): EngineSource {
  if (settingHost?.trim()) return 'setting';
  if (env.DOCKER_HOST?.trim()) return 'DOCKER_HOST';
  try {
    return resolveEngineCandidates({ env, homedir })[0]?.source === 'context' ? 'context' : 'default';
  } catch {
    // Only a context can fail to resolve once DOCKER_HOST is unset (a missing or broken context).
    return 'context';
  }
}

const SOURCE_WORDS: Record<EngineSource, string> = {
  setting: 'the distroless.docker.host setting',
  DOCKER_HOST: 'DOCKER_HOST',
  context: 'the current Docker context',
  default: 'the usual sockets',
};

/** What to change, for where the address came from: never DOCKER_HOST when the setting gave it. */
const ADVICE: Record<EngineSource, string> = {
  setting: 'start the engine there, or change the distroless.docker.host setting',
  DOCKER_HOST: 'start the engine there, or change DOCKER_HOST in the environment VS Code started in',
  context: 'start the engine there, or switch the Docker context (docker context use)',
  default: 'start Docker (or Podman\'s socket), or set distroless.docker.host',
};

/** One line for a notification: where we looked, where that address came from, and what to change. */
export function engineErrorSummary(error: EngineUnreachableError, source: EngineSource): string {
  const attempts = error.attempts;
  // An endpoint's description ends with its origin in parentheses; the sentence names the origin itself.
  if (attempts.length === 1) return `No Docker engine answered at ${attempts[0].endpoint.replace(/ \([^()]*\)$/, '')} (from ${SOURCE_WORDS[source]}): ${ADVICE[source]}.`;
  if (attempts.length === 0) return `No Docker engine address is configured (${SOURCE_WORDS[source]}): ${ADVICE[source]}.`;
  return `No Docker engine answered on ${SOURCE_WORDS[source]} (${attempts.length} tried): ${ADVICE[source]}.`;
}

/**
 * The notification for a tools image that cannot be had: what to do first, the engine's
 * words last (clipped there, never the advice); the whole error goes to the log.
 */
export function toolsImageAdvice(err: Pick<ImageUnavailableError, 'image' | 'reason'>): string {
  const advice = `The debug tools image ${err.image} could not be pulled: pull or load it (docker pull ${err.image}), or pick another tools image with a shell (Tools Image Setting).`;
  const whole = `${advice} Engine: ${err.reason}`;
  return whole.length <= 400 ? whole : `${whole.slice(0, 399)}…`;
}

/**
 * The log's view of the engine's status: the background reconnects ask every few
 * seconds while the engine is away, and each would log a warning; this says it once,
 * again only when the error changes, and once more when the engine is back.
 */
export function engineStatusLog(): (status: EngineStatus, source: string) => { level: 'info' | 'warn'; text: string } | undefined {
  let away: string | undefined;
  return (status, source) => {
    if (status.state === 'connecting') return away === undefined ? { level: 'info', text: `Docker engine: looking for it (${source === 'default' ? 'the usual sockets' : `address from ${source}`})` } : undefined;
    if (status.state === 'reachable') {
      away = undefined;
      return { level: 'info', text: `Docker engine: connected to ${status.endpoint ?? 'the engine'}` };
    }
    if (status.state !== 'unreachable') return undefined;
    const text = `Docker engine: unreachable. ${status.error?.message ?? ''}`.trim();
    if (text === away) return undefined;
    away = text;
    return { level: 'warn', text: `${text} (retrying in the background; logged again when this changes)` };
  };
}
