/**
 * The before/after pair of a describe() block that uses the real engine: removes the
 * block's own leftover containers (by name prefix and label, so other worktrees'
 * runs on the same engine are untouched), prepares the images it needs, and removes
 * its containers again at the end. Without an engine the hooks do nothing and each
 * test's engineOrSkip decides between skip and fail.
 */
import { before, after } from 'node:test';
import type Docker from 'dockerode';
import { findEngine } from './engine';
import { removeTestContainersNamed } from './fixtures';

export function cleanEngineAroundSuite(prefix: string, label: string, prepare: ((docker: Docker) => Promise<unknown>)[]): void {
  let docker: Docker | undefined;
  before(async () => {
    const engine = await findEngine();
    if (engine instanceof Error) return;
    docker = engine.docker;
    await removeTestContainersNamed(docker, prefix, label);
    for (const step of prepare) await step(docker);
  });
  after(async () => {
    if (docker) await removeTestContainersNamed(docker, prefix, label);
  });
}
