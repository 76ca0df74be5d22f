import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createDockerService, DockerService } from '../../server/src/docker';
import { ensureShelllessImage, ensureToolsImage, removeContainer, startTarget, TOOLS_IMAGE } from '../docker/fixtures';

const run = promisify(execFile);
const RUNS = 5;
const TARGET = 'distroless-bench-target';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Request to the first byte the sidecar's shell prints (the prompt), through the whole openSidecar path. */
async function timeSidecar(svc: DockerService): Promise<number> {
  const start = performance.now();
  const session = await svc.openSidecar({ target: TARGET, cols: 80, rows: 24, banner: false });
  const firstByte = await new Promise<number>((resolve) => {
    const sub = session.onData(() => {
      sub.dispose();
      resolve(performance.now());
    });
  });
  await session.close();
  return firstByte - start;
}

/** The bare engine cost: `docker run --rm --pid=container:X --network=container:X <image> true`. */
async function timeBaseline(env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  await run('docker', ['run', '--rm', `--pid=container:${TARGET}`, `--network=container:${TARGET}`, TOOLS_IMAGE, 'true'], { env });
  return performance.now() - start;
}

export async function benchSidecar(): Promise<void> {
  let svc: DockerService;
  try {
    svc = await createDockerService({ pingTimeoutMs: 3000 });
  } catch (err) {
    console.log(`sidecar: skipped (no Docker engine: ${(err as Error).message})`);
    return;
  }
  await ensureToolsImage(svc.docker);
  await ensureShelllessImage(svc.docker);
  await startTarget(svc.docker, { name: TARGET });
  // The docker CLI must reach the engine we resolved, whatever its own defaults are.
  const env = { ...process.env, ...(svc.endpoint.source === 'context' ? {} : { DOCKER_HOST: svc.endpoint.url }) };
  try {
    // One untimed round each: image and page caches, the CLI's first start.
    await timeSidecar(svc);
    await timeBaseline(env);
    const sidecar: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      sidecar.push(await timeSidecar(svc));
      baseline.push(await timeBaseline(env));
    }
    const s = median(sidecar);
    const b = median(baseline);
    console.log(`sidecar: request to first shell byte, median of ${RUNS}: ${s.toFixed(0)} ms (runs: ${sidecar.map((v) => v.toFixed(0)).join(', ')})`);
    console.log(`sidecar: baseline docker run --rm --pid/--network=container: ${TOOLS_IMAGE} true, median of ${RUNS}: ${b.toFixed(0)} ms (runs: ${baseline.map((v) => v.toFixed(0)).join(', ')})`);
    console.log(`sidecar: ratio sidecar/baseline = ${(s / b).toFixed(2)}`);
  } finally {
    await removeContainer(svc.docker, TARGET);
  }
}

if (require.main === module) {
  benchSidecar().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
