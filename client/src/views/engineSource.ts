/**
 * Where the engine address the extension used came from, as the welcome content of
 * an unreachable engine names it: the `distroless.docker.host` setting, DOCKER_HOST
 * inherited from the environment, a Docker context, or nothing (the usual sockets).
 * Plain data, no vscode: unit-tested.
 */
import { resolveEngineCandidates, type EngineUnreachableError } from '../../../server/src/docker';

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

/** One line for a notification: where we looked, and that the rest is in the log. */
export function engineErrorSummary(error: EngineUnreachableError, source: EngineSource): string {
  const attempts = error.attempts;
  if (attempts.length === 1) return `No Docker engine answered at ${attempts[0].endpoint} (from ${SOURCE_WORDS[source]}).`;
  if (attempts.length === 0) return `No Docker engine address is configured (${SOURCE_WORDS[source]}).`;
  return `No Docker engine answered on ${SOURCE_WORDS[source]} (${attempts.length} tried).`;
}
