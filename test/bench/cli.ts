/**
 * The whole corpus linted by one CLI process, and `distroless --version` (the bundled
 * dist/cli.js, as CI and npx run it; `npm run bench` builds the production bundles),
 * next to `node -e 0` on the same machine: the ratio is what the CLI adds to Node's
 * own start-up, so it compares across machines. Median of several runs each. Also
 * prints the size of each production bundle.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { CORPUS_SKIP, corpusDir } from '../support/corpus';
import { repoRoot } from '../support/paths';
import { LocalImageFacts } from '../../server/src/host/imageFacts';

const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * CPU time (user + system) of this process's waited-for children so far, in ms, from
 * /proc/self/stat (Linux, in 1/100 s); undefined elsewhere. On a shared machine the
 * wall clock of a run mostly measures the other tenants; its CPU time much less so.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), counted from the state (field 3).
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) * 10;
  } catch {
    return undefined;
  }
}

function timeRun(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { ms: number; cpuMs?: number; status: number | null; stdout: string } {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childrenCpuMs();
  if (run.error) throw run.error;
  return { ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore, status: run.status, stdout: run.stdout };
}

/** CPU time summed over the runs of each variant (a run's 10 ms resolution averages out over the sum). */
const cpuTotals = new Map<string, number>();
function timeCounted(variant: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): ReturnType<typeof timeRun> {
  const run = timeRun(args, cwd, env);
  if (run.cpuMs !== undefined) cpuTotals.set(variant, (cpuTotals.get(variant) ?? 0) + run.cpuMs);
  return run;
}

export async function benchCli(): Promise<void> {
  const root = repoRoot();
  const cli = path.join(root, 'dist', 'cli.js');
  // Found as the tests find it (beside the checkout or above it: a worktree sits one level deeper).
  const corpus = CORPUS_SKIP === false ? corpusDir() : path.resolve(root, '..', 'shared', 'corpus', 'dockerfiles');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first.`);
  if (!fs.existsSync(corpus)) throw new Error(`${corpus} is missing: the benchmark reads the shared corpus beside the repository.`);
  const files = fs.readdirSync(corpus).filter((f) => fs.statSync(path.join(corpus, f)).isFile()).length;
  // Corpus names are `<repo>__<path>`, not Dockerfile names, so a glob selects them all.
  const args = [cli, 'lint', '--format', 'json', path.join(corpus, '*')];
  const noInspect = [cli, 'lint', '--no-image-inspect', '--format', 'json', path.join(corpus, '*')];
  // What a CI job usually runs: one project's Dockerfile.
  const oneFile = [cli, 'lint', '--no-image-inspect', path.join(root, 'examples', 'go-single-stage', 'Dockerfile')];
  // `distroless lint` reads base images from the local engine by default: say whether one answers.
  const probe = new LocalImageFacts({ env: process.env, cacheDir: null, pingTimeoutMs: 1500 });
  await probe.load(['distroless-bench-probe.invalid/none:none']);
  const answer = probe.peek('distroless-bench-probe.invalid/none:none');
  const engine = answer?.state === 'absent' && answer.reason === 'no-engine' ? `no engine answered (${answer.detail ?? ''}): lookups end at once` : 'a Docker engine answers: every base image is looked up';
  const cliTimes: number[] = [];
  const noInspectTimes: number[] = [];
  const versionTimes: number[] = [];
  const oneFileTimes: number[] = [];
  const nodeTimes: number[] = [];
  // NODE_EXTRA_CA_CERTS makes Node read a CA bundle at start-up (100 ms and more here),
  // which flatters every ratio to `node -e 0`: the same runs without it, alternated too.
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  const bareEnv = { ...process.env };
  delete bareEnv.NODE_EXTRA_CA_CERTS;
  const bareNoInspectTimes: number[] = [];
  const bareOneFileTimes: number[] = [];
  const bareNodeTimes: number[] = [];
  let report: { files: unknown[]; errors: unknown[]; summary: Record<string, number> } | undefined;
  // Alternated, so that a busy moment of the machine weighs on all three alike.
  for (let i = 0; i < RUNS; i++) {
    const run = timeCounted('lint', args, root);
    if (run.status === null || run.status > 2) throw new Error(`the CLI failed on the corpus (exit ${run.status})`);
    cliTimes.push(run.ms);
    report = JSON.parse(run.stdout);
    noInspectTimes.push(timeCounted('noInspect', noInspect, root).ms);
    versionTimes.push(timeCounted('version', [cli, '--version'], root).ms);
    oneFileTimes.push(timeCounted('oneFile', oneFile, root).ms);
    nodeTimes.push(timeCounted('node', ['-e', '0'], root).ms);
    if (extraCa) {
      bareNoInspectTimes.push(timeCounted('bareNoInspect', noInspect, root, bareEnv).ms);
      bareOneFileTimes.push(timeCounted('bareOneFile', oneFile, root, bareEnv).ms);
      bareNodeTimes.push(timeCounted('bareNode', ['-e', '0'], root, bareEnv).ms);
    }
  }
  const cliMs = median(cliTimes);
  const noInspectMs = median(noInspectTimes);
  const versionMs = median(versionTimes);
  const oneFileMs = median(oneFileTimes);
  const nodeMs = median(nodeTimes);
  const bare = extraCa
    ? (() => {
      const [lintMs, oneMs, bareNodeMs] = [median(bareNoInspectTimes), median(bareOneFileTimes), median(bareNodeTimes)];
      return `cli: without NODE_EXTRA_CA_CERTS (set here to ${extraCa}), median of ${RUNS}: node -e 0 ${bareNodeMs.toFixed(0)} ms, lint --no-image-inspect ${lintMs.toFixed(0)} ms, one file ${oneMs.toFixed(0)} ms; ratio to node -e 0: lint --no-image-inspect ${(lintMs / bareNodeMs).toFixed(1)}x, one file ${(oneMs / bareNodeMs).toFixed(2)}x\n`;
    })()
    : 'cli: NODE_EXTRA_CA_CERTS is not set: the ratios above are the ones without it\n';
  const cpuRatio = (variant: string, base: string) => `${((cpuTotals.get(variant) ?? 0) / (cpuTotals.get(base) ?? 1)).toFixed(2)}x`;
  const cpu = cpuTotals.size === 0
    ? ''
    : `cli: CPU time (user + system, summed over the ${RUNS} runs) as a ratio to node -e 0's: lint ${cpuRatio('lint', 'node')}, lint --no-image-inspect ${cpuRatio('noInspect', 'node')}, one file ${cpuRatio('oneFile', 'node')}, --version ${cpuRatio('version', 'node')}` +
      (extraCa ? `; without NODE_EXTRA_CA_CERTS: lint --no-image-inspect ${cpuRatio('bareNoInspect', 'bareNode')}, one file ${cpuRatio('bareOneFile', 'bareNode')}` : '') +
      ` (node -e 0: ${((cpuTotals.get('node') ?? 0) / RUNS).toFixed(0)} ms${extraCa ? `, ${((cpuTotals.get('bareNode') ?? 0) / RUNS).toFixed(0)} ms without` : ''} per run)\n`;
  const counted = report ? `${report.files.length} linted, ${report.errors.length} refused as not Dockerfiles; ${Object.entries(report.summary).map(([k, v]) => `${v} ${k}`).join(', ')}` : '';
  const kb = (file: string) => `${(fs.statSync(path.join(root, 'dist', file)).size / 1024).toFixed(0)} KB`;
  const commandBundles = fs.readdirSync(path.join(root, 'dist', 'cli')).filter((f) => f.endsWith('.js')).map((f) => `cli/${f} ${kb(`cli/${f}`)}`);
  process.stdout.write(
    `cli: distroless lint over the corpus (${files} files: ${counted})\n` +
    `cli: image inspection on (the default); ${engine}\n` +
    `cli: one process, median of ${RUNS}: ${cliMs.toFixed(0)} ms (${(cliMs / files).toFixed(2)} ms per file); with --no-image-inspect ${noInspectMs.toFixed(0)} ms\n` +
    `cli: distroless --version, median of ${RUNS}: ${versionMs.toFixed(0)} ms\n` +
    `cli: distroless lint --no-image-inspect of one Dockerfile (examples/go-single-stage), median of ${RUNS}: ${oneFileMs.toFixed(0)} ms\n` +
    `cli: node -e 0, median of ${RUNS}: ${nodeMs.toFixed(0)} ms\n` +
    `cli: ratio to node -e 0: lint ${(cliMs / nodeMs).toFixed(1)}x, lint --no-image-inspect ${(noInspectMs / nodeMs).toFixed(1)}x, one file ${(oneFileMs / nodeMs).toFixed(2)}x, --version ${(versionMs / nodeMs).toFixed(2)}x (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})\n` +
    bare +
    cpu +
    `bundles: client.js ${kb('client.js')}, server.js ${kb('server.js')}, cli.js ${kb('cli.js')}, ${commandBundles.join(', ')}\n`,
  );
}

if (require.main === module) {
  benchCli().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
