/**
 * Proof of a conversion on the user's own engine: build the original and the converted
 * Dockerfile, start each with its default command for a few seconds, and compare what
 * the images are and what their main processes do. No vscode imports: the CLI
 * (`distroless convert --verify`) and the editor (Convert and Verify) share it.
 *
 * Builds go through the docker CLI pointed at the engine connectEngine found (the
 * sidecar's discovery), so BuildKit, .dockerignore and build secrets behave exactly as
 * in the user's own `docker build`. Everything else (containers, probes, inspection,
 * cleanup) goes through the engine API.
 *
 * Everything created carries the label io.distroless.verify=<run id> and is removed at
 * the end, on failure and on cancel (the AbortSignal). Build cache stays, as it does
 * after any `docker build`.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as crypto from 'crypto';
import type Docker from 'dockerode';
import type { EngineEndpoint } from './connection';
import { inspectTarget } from './containers';
import { OperationCancelledError, statusCodeOf } from './errors';
import { ensureImage } from './sidecar';
import { DEFAULT_TOOLS_IMAGE } from './plan';
import { diagnose } from './diagnosis';

export const VERIFY_LABEL = 'io.distroless.verify';

export interface PortReport {
  port: number;
  protocol: string;
  /** A TCP connection from inside the container's network namespace was accepted. */
  answering: boolean;
}

export interface ImageReport {
  /** The tag verify gave the image while it existed. */
  image: string;
  built: boolean;
  /** When the build failed: the step that failed and the end of the build output. */
  failedStep?: string;
  buildOutput?: string;
  sizeBytes?: number;
  layers?: number;
  /** A shell at /bin/sh, /usr/bin/sh, /bin/bash, /bin/ash or /busybox/sh; undefined when it could not be told. */
  hasShell?: boolean;
  shellPath?: string;
  /** The main process's uid:gid, read from the running process as the sidecar does; undefined when it never ran. */
  user?: string;
  /** Where `user` was read from: the running process, or the image config when the process had already ended. */
  userSource?: 'process' | 'config' | 'default';
  /** The container started (the engine ran its default command). */
  started: boolean;
  /** Still running after the observation window. */
  stayedUp: boolean;
  exitCode?: number;
  /** The last lines the container wrote, when it did not stay up or a port did not answer (or the start error). */
  logs?: string;
  ports: PortReport[];
}

export interface VerifyReport {
  original: ImageReport;
  converted: ImageReport;
  /** The converted image built, started, stayed up (or ended as the original did), has no shell, and answers on every port the original answers on. */
  verified: boolean;
  /** Why it is not verified, one reason per line. */
  problems: string[];
  /** Seconds each container was observed. */
  observedSeconds: number;
}

export interface VerifyOptions {
  docker: Docker;
  endpoint: EngineEndpoint;
  /** The build context (the folder of the Dockerfile, as `docker build` would use it). */
  contextDir: string;
  /** The original Dockerfile on disk. */
  dockerfile: string;
  /** The converted text; written to a temporary file for its build. */
  convertedText: string;
  /** `--target` for both builds, when the conversion was for one. */
  target?: string;
  /** How long each container runs before it is judged; default 5 s. */
  observeSeconds?: number;
  /** The image the port probes run from (it needs `nc`); the sidecar's tools image by default. */
  probeImage?: string;
  /** The docker CLI to build with; default `docker` on PATH. */
  dockerCli?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** Builds, runs and compares; always cleans up what it created. Throws OperationCancelledError when `signal` aborts. */
export async function verifyConversion(opts: VerifyOptions): Promise<VerifyReport> {
  const run = crypto.randomBytes(6).toString('hex');
  const created: { containers: string[]; images: string[] } = { containers: [], images: [] };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-verify-'));
  const observe = opts.observeSeconds ?? 5;
  const progress = opts.onProgress ?? (() => undefined);
  try {
    const convertedFile = path.join(tmp, 'Dockerfile.distroless');
    fs.writeFileSync(convertedFile, opts.convertedText);
    const probeImage = opts.probeImage ?? DEFAULT_TOOLS_IMAGE;
    const report: Partial<Record<'original' | 'converted', ImageReport>> = {};
    for (const which of ['original', 'converted'] as const) {
      checkCancelled(opts.signal);
      const tag = `distroless-verify-${run}:${which}`;
      progress(`Building the ${which} image (${tag})`);
      const build = await buildImage(opts, which === 'original' ? opts.dockerfile : convertedFile, tag, run, (line) => progress(`${which}: ${line}`));
      if (!build.ok) {
        report[which] = { image: tag, built: false, failedStep: build.failedStep, buildOutput: build.output, started: false, stayedUp: false, ports: [] };
        continue;
      }
      created.images.push(tag);
      progress(`Running the ${which} image for ${observe} s`);
      report[which] = await observeImage(opts, tag, run, observe, probeImage, created);
    }
    const original = report.original!;
    const converted = report.converted!;
    const problems = judge(original, converted);
    return { original, converted, verified: problems.length === 0, problems, observedSeconds: observe };
  } finally {
    await cleanUp(opts.docker, created);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OperationCancelledError('Verifying the conversion');
}

/** Why the converted image is not as good as the original, one reason each; empty when verified. */
export function judge(original: ImageReport, converted: ImageReport): string[] {
  const problems: string[] = [];
  if (!original.built) problems.push(`the original Dockerfile does not build (${original.failedStep ?? 'see its output'}), so there is nothing to compare with`);
  if (!converted.built) {
    problems.push(`the converted Dockerfile does not build: ${converted.failedStep ?? 'see its output'}`);
    return problems;
  }
  if (!converted.started) problems.push('the converted image did not start');
  else if (!converted.stayedUp && (original.stayedUp || converted.exitCode !== 0)) {
    problems.push(`the converted container ended within the observation time (exit code ${converted.exitCode ?? 'unknown'})${original.stayedUp ? ' while the original stayed up' : ''}`);
  }
  if (converted.hasShell === true) problems.push(`the converted image still has a shell (${converted.shellPath})`);
  let silent = false;
  for (const p of original.ports) {
    const c = converted.ports.find((x) => x.port === p.port && x.protocol === p.protocol);
    if (p.answering && !c?.answering) {
      problems.push(`port ${p.port}/${p.protocol} answers on the original but not on the converted image`);
      silent = true;
    }
  }
  // What the container said explains the failure better than its exit code: one line, with the fix.
  const failed = !converted.started || (!converted.stayedUp && (original.stayedUp || converted.exitCode !== 0)) || silent;
  const why = failed ? diagnose(converted.logs) : undefined;
  if (why) problems.push(`why: ${why.line}`);
  return problems;
}

export interface BuildResult {
  ok: boolean;
  output: string;
  failedStep?: string;
}

/** `docker build` through the CLI against the discovered engine; the output is kept for a failure report. */
function buildImage(opts: VerifyOptions, dockerfile: string, tag: string, run: string, onLine: (line: string) => void): Promise<BuildResult> {
  return buildWithCli({ ...opts, cliArgs: opts.endpoint.cliArgs, dockerfile, tag, labels: { [VERIFY_LABEL]: run } }, onLine);
}

export interface CliBuild {
  cliArgs: string[];
  dockerCli?: string;
  env?: NodeJS.ProcessEnv;
  contextDir: string;
  dockerfile: string;
  tag: string;
  labels: Record<string, string>;
  target?: string;
  buildArgs?: Record<string, string>;
  platform?: string;
  signal?: AbortSignal;
}

/** `docker build` (BuildKit, .dockerignore, build secrets as in the user's own builds) with the output streamed line by line. */
export function buildWithCli(opts: CliBuild, onLine: (line: string) => void): Promise<BuildResult> {
  const args = [...opts.cliArgs, 'build', '--force-rm', '-f', opts.dockerfile, '-t', opts.tag];
  for (const [k, v] of Object.entries(opts.labels)) args.push('--label', `${k}=${v}`);
  if (opts.target) args.push('--target', opts.target);
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  if (opts.platform) args.push('--platform', opts.platform);
  args.push(opts.contextDir);
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(opts.dockerCli ?? 'docker', args, {
      env: { ...(opts.env ?? process.env), BUILDKIT_PROGRESS: 'plain' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onAbort = () => child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let pending = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) onLine(l.trim());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (err.code === 'ENOENT') resolve({ ok: false, output: `the docker command line tool was not found (${opts.dockerCli ?? 'docker'}); verify builds with it against the same engine`, failedStep: 'docker CLI missing' });
      else reject(err);
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) {
        reject(new OperationCancelledError('Verifying the conversion'));
        return;
      }
      if (code === 0) resolve({ ok: true, output });
      else resolve({ ok: false, output: lastLines(output, 40), failedStep: failedStep(output) });
    });
  });
}

/** The build step that failed, from classic (`Step 3/7 : RUN …`) or BuildKit (`#9 [build 3/5] RUN …`) output. */
export function failedStep(output: string): string | undefined {
  const lines = output.split(/\r?\n/);
  let classic: string | undefined;
  for (const l of lines) {
    const m = /^Step \d+\/\d+ : (.*)$/.exec(l);
    if (m) classic = m[1];
  }
  const kit = /ERROR: (?:failed to solve: )?process "([^"]*)" did not complete successfully[^\n]*/.exec(output)
    ?? /^#\d+ (\[[^\]]+\] .*)$/m.exec(lines.filter((l) => /^#\d+ \[/.test(l)).pop() ?? '');
  if (kit) return kit[1].replace(/^\/bin\/sh -c /, 'RUN ');
  return classic;
}

function lastLines(text: string, n: number): string {
  return text.split(/\r?\n/).filter((l) => l.trim()).slice(-n).join('\n');
}

async function observeImage(opts: VerifyOptions, tag: string, run: string, seconds: number, probeImage: string, created: { containers: string[] }): Promise<ImageReport> {
  const { docker } = opts;
  const info = await docker.getImage(tag).inspect();
  const exposed = Object.keys(info.Config?.ExposedPorts ?? {}).map((k) => {
    const [port, protocol] = k.split('/');
    return { port: Number(port), protocol: protocol ?? 'tcp' };
  }).filter((p) => Number.isInteger(p.port));
  const report: ImageReport = {
    image: tag,
    built: true,
    sizeBytes: info.Size,
    layers: info.RootFS?.Layers?.length ?? 0,
    started: false,
    stayedUp: false,
    ports: exposed.map((p) => ({ ...p, answering: false })),
  };
  const container = await docker.createContainer({ Image: tag, Labels: { [VERIFY_LABEL]: run }, HostConfig: { AutoRemove: false } });
  created.containers.push(container.id);
  try {
    await container.start();
    report.started = true;
  } catch (err) {
    report.logs = String((err as Error).message ?? err);
    return report;
  }
  // The identity and shell are read while the process runs, as the sidecar reads its target.
  const target = await inspectTarget(docker, container.id);
  report.user = `${target.user.uid}:${target.user.gid}`;
  report.userSource = target.user.source === 'process' ? 'process' : target.user.source === 'default' ? 'default' : 'config';
  report.hasShell = target.hasShell;
  report.shellPath = target.shellPath;

  const deadline = Date.now() + seconds * 1000;
  if (report.ports.some((p) => p.protocol === 'tcp')) await ensureImage(docker, probeImage, undefined, opts.signal);
  // Probe until each TCP port answers or the window closes: servers take a moment to bind.
  while (Date.now() < deadline) {
    checkCancelled(opts.signal);
    for (const p of report.ports) {
      if (p.protocol !== 'tcp' || p.answering) continue;
      p.answering = await probePort(docker, container.id, p.port, probeImage, run, created);
    }
    if (report.ports.every((p) => p.protocol !== 'tcp' || p.answering)) break;
    await sleep(500, opts.signal);
  }
  const remaining = deadline - Date.now();
  if (remaining > 0) await sleep(remaining, opts.signal);
  const state = (await container.inspect()).State;
  report.stayedUp = state.Running;
  if (!state.Running) report.exitCode = state.ExitCode;
  // A server that stays up but does not answer says why in its output (x509, permission denied).
  if (!state.Running || report.ports.some((p) => p.protocol === 'tcp' && !p.answering)) report.logs = await logsOf(container);
  return report;
}

/** A TCP connect to localhost:port from a probe that joins the container's network namespace. */
async function probePort(docker: Docker, id: string, port: number, image: string, run: string, created: { containers: string[] }): Promise<boolean> {
  const probe = await docker.createContainer({
    Image: image,
    // BusyBox nc (through the busybox binary: images need not link the applet) exits 0 once
    // connected and its empty stdin ends, 1 when the connection is refused.
    Entrypoint: ['busybox', 'nc'],
    Cmd: ['-w', '2', '127.0.0.1', String(port)],
    Labels: { [VERIFY_LABEL]: run },
    HostConfig: { NetworkMode: `container:${id}`, AutoRemove: false },
  });
  created.containers.push(probe.id);
  try {
    await probe.start();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 4000)));
    const result = await Promise.race([probe.wait() as Promise<{ StatusCode?: number }>, timedOut]);
    clearTimeout(timer);
    // Still connected after the connect timeout: a refused or unreachable port ends nc at once.
    if (result === 'timeout') return (await probe.inspect()).State.Running;
    return result.StatusCode === 0;
  } catch {
    // A probe the engine could not run proves nothing either way; the port counts as not answering.
    return false;
  } finally {
    await probe.remove({ force: true }).catch(() => undefined);
    created.containers.splice(created.containers.indexOf(probe.id), 1);
  }
}

async function logsOf(container: Docker.Container): Promise<string> {
  try {
    const raw = (await container.logs({ stdout: true, stderr: true, tail: 20 })) as unknown as Buffer;
    return demux(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))).trim();
  } catch {
    return '';
  }
}

/** The engine multiplexes stdout/stderr with 8-byte frame headers when there is no TTY. */
function demux(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString();
    i += 8 + size;
  }
  return i === 0 ? buf.toString() : out;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new OperationCancelledError('Verifying the conversion'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new OperationCancelledError('Verifying the conversion'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Removes exactly what this run created: its containers (forced) and its two tags. */
async function cleanUp(docker: Docker, created: { containers: string[]; images: string[] }): Promise<void> {
  for (const id of created.containers) {
    await docker.getContainer(id).remove({ force: true, v: true }).catch((err: unknown) => {
      if (statusCodeOf(err) !== 404) throw err;
    });
  }
  for (const image of created.images) {
    await docker.getImage(image).remove({ force: true }).catch((err: unknown) => {
      if (statusCodeOf(err) !== 404) throw err;
    });
  }
}

/** The report as the side-by-side table the CLI prints and the editor shows. */
export function formatVerifyReport(report: VerifyReport): string {
  const rows: Array<[string, string, string]> = [];
  const cell = (r: ImageReport, f: (r: ImageReport) => string) => (r.built ? f(r) : '-');
  const both = (label: string, f: (r: ImageReport) => string) => rows.push([label, cell(report.original, f), cell(report.converted, f)]);
  rows.push(['built', report.original.built ? 'yes' : `NO: ${report.original.failedStep ?? 'failed'}`, report.converted.built ? 'yes' : `NO: ${report.converted.failedStep ?? 'failed'}`]);
  both('image size', (r) => formatBytes(r.sizeBytes ?? 0));
  both('layers', (r) => String(r.layers ?? 0));
  both('shell', (r) => (r.hasShell === undefined ? 'unknown' : r.hasShell ? r.shellPath ?? 'yes' : 'none'));
  both('main process user', (r) => (r.user === undefined ? 'unknown' : `${r.user}${r.userSource === 'process' ? '' : ' (from the image config)'}`));
  both('started', (r) => (r.started ? 'yes' : 'no'));
  both(`up after ${report.observedSeconds} s`, (r) => (r.stayedUp ? 'yes' : r.started ? `no (exit ${r.exitCode ?? '?'})` : 'no'));
  const ports = [...new Set([...report.original.ports, ...report.converted.ports].map((p) => `${p.port}/${p.protocol}`))];
  for (const key of ports) {
    const answer = (r: ImageReport) => {
      const p = r.ports.find((x) => `${x.port}/${x.protocol}` === key);
      return p === undefined ? 'not exposed' : p.protocol !== 'tcp' ? 'not checked (udp)' : p.answering ? 'answers' : 'no answer';
    };
    both(`port ${key}`, answer);
  }
  const width = [Math.max(...rows.map((r) => r[0].length), 8), Math.max(...rows.map((r) => r[1].length), 8)];
  const line = (a: string, b: string, c: string) => `${a.padEnd(width[0])}  ${b.padEnd(width[1])}  ${c}`.trimEnd();
  const out = [line('', 'original', 'converted'), ...rows.map((r) => line(...r))];
  if (report.original.built && report.converted.built && report.original.sizeBytes && report.converted.sizeBytes) {
    const saved = 1 - report.converted.sizeBytes / report.original.sizeBytes;
    out.push('', `The converted image is ${formatBytes(report.converted.sizeBytes)}, ${(saved * 100).toFixed(0)}% ${saved >= 0 ? 'smaller' : 'larger'} than the original.`);
  }
  out.push('', report.verified ? 'Verified: the converted image builds, starts, keeps running and answers like the original, without a shell.' : `NOT verified:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`);
  for (const which of ['original', 'converted'] as const) {
    const r = report[which];
    if (!r.built && r.buildOutput) out.push('', `The ${which} build failed at: ${r.failedStep ?? '(step unknown)'}`, r.buildOutput.split('\n').map((l) => `  | ${l}`).join('\n'));
    else if (r.built && r.logs) out.push('', `Last output of the ${which} container:`, r.logs.split('\n').map((l) => `  | ${l}`).join('\n'));
  }
  return `${out.join('\n')}\n`;
}

/** The JSON form: {"original":{"image","sizeBytes","hasShell","user","started","ports"},"converted":{…},"verified":…}. */
export function verifyReportJson(report: VerifyReport): string {
  const side = (r: ImageReport) => ({
    image: r.image,
    built: r.built,
    ...(r.built ? {} : { failedStep: r.failedStep ?? null, buildOutput: r.buildOutput ?? '' }),
    sizeBytes: r.sizeBytes ?? null,
    layers: r.layers ?? null,
    hasShell: r.hasShell ?? null,
    shellPath: r.shellPath ?? null,
    user: r.user ?? null,
    started: r.started,
    stayedUp: r.stayedUp,
    exitCode: r.exitCode ?? null,
    ports: r.ports.map((p) => ({ port: p.port, protocol: p.protocol, answering: p.answering })),
  });
  return `${JSON.stringify({ original: side(report.original), converted: side(report.converted), verified: report.verified, problems: report.problems, observedSeconds: report.observedSeconds }, null, 2)}\n`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
