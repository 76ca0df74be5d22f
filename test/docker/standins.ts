/**
 * The stand-in base images (test/docker/standins.sh) from code that must not block
 * its thread: the editor suite runs in the extension host, the journeys drive a page
 * meanwhile. Seconds when the images exist; standins.sh waits for a run already
 * building them (CI starts one in the background).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

export function buildStandins(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(REPO_ROOT, 'test/docker/standins.sh')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the stand-in images could not be built (exit ${code}):\n${stderr}`))));
  });
}
