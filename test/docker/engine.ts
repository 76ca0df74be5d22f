import type { TestContext } from 'node:test';
import { createDockerService, DockerService } from '../../server/src/docker';

let cached: Promise<DockerService | Error> | undefined;

/** The engine the tests use: the same resolution as the product (DOCKER_HOST, context, default sockets). */
export function findEngine(): Promise<DockerService | Error> {
  cached ??= createDockerService({ pingTimeoutMs: 5000 }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  return cached;
}

/**
 * Returns the engine, or skips the test with the reason. Under CI=true a
 * missing engine is a failure: CI starts one (.ci/docker-engine.sh), so its
 * absence means the setup broke, not that the tests may be skipped.
 */
export async function engineOrSkip(t: TestContext): Promise<DockerService | undefined> {
  const engine = await findEngine();
  if (!(engine instanceof Error)) return engine;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but no Docker engine is available (start one with: bash .ci/docker-engine.sh start): ${engine.message}`);
  }
  t.skip(`no Docker engine: ${engine.message}`);
  return undefined;
}
