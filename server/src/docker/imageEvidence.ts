/**
 * Evidence for `distroless convert --build`: the original Dockerfile built on the local
 * engine (the classic builder API with a tar of the context: dockerode's BuildKit
 * session is not bundled, see esbuild.mjs), then read without exporting the image: a
 * created, never-started container and the engine's archive API on the few paths that
 * matter (stat, and bounded reads of the start program, its script, its libraries and
 * ld.so.conf). Everything created is labelled and removed at the end.
 *
 * The result is plain data (no engine types), so the converter, which may not import
 * this room, takes it as GroundedEvidence.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type Docker from 'dockerode';
import type { Readable } from 'stream';
import { OperationCancelledError } from './errors';
import { parseTar } from './files';
import { isMuslInterpreter, ldSoConfDirectories, librarySearchPath, readElf, type ElfFacts } from './elf';
import { buildWithCli } from './verify';
import type { GroundedEvidence } from '../shared/groundedEvidence';
import { addBuildFacts, type ImageReader } from './buildFacts';

export const BUILD_LABEL = 'io.distroless.convert-build';

export interface BuildRequest {
  contextDir: string;
  /** The Dockerfile, relative to the context (as `docker build -f`). */
  dockerfile: string;
  buildArgs?: Record<string, string>;
  target?: string;
  platform?: string;
  signal?: AbortSignal;
  /** Each line of build output, and progress messages. */
  onOutput?: (line: string) => void;
  /**
   * The docker command line against the same engine: a Dockerfile that needs BuildKit
   * (RUN --mount, COPY --chmod/--link, here-documents), which the engine's classic
   * builder API refuses, is built with it instead.
   */
  cli?: { args: string[]; env?: NodeJS.ProcessEnv; command?: string };
}

/** What the built image showed: one declaration for this room, the protocol and the engine. */
export type ImageEvidence = GroundedEvidence;

export class BuildFailedError extends Error {}

/** Bytes read from one file at most: enough for an ELF's dynamic section in all but huge binaries. */
const MAX_READ = 64 * 1024 * 1024;
const SCRIPT_READ = 64 * 1024;
const READ_TIMEOUT_MS = 60_000;
const MAX_LIBRARIES = 200;
const SHELLS = /^(?:\/usr)?\/bin\/(?:sh|bash|ash|dash)$/;
/** What the classic builder says about Dockerfile features only BuildKit has. */
const NEEDS_BUILDKIT = /requires BuildKit|unknown flag: (?:mount|chmod|link|parents|exclude|network|security|checksum|keep-git-dir)|heredoc|the --\w+ option requires/i;

/** Builds the original, reads what its start program needs, and removes the image and container; throws BuildFailedError with the failing output. */
export async function evidenceFromBuild(docker: Docker, request: BuildRequest): Promise<ImageEvidence> {
  const run = crypto.randomBytes(6).toString('hex');
  const tag = `distroless-convert-build-${run}:original`;
  const say = request.onOutput ?? (() => undefined);
  let container: Docker.Container | undefined;
  try {
    say(`Building the original image (${tag})`);
    await buildTagged(docker, request, tag, run, say);
    container = await docker.createContainer({ Image: tag, Labels: { [BUILD_LABEL]: run }, HostConfig: { AutoRemove: false } });
    say('Reading the start program from the image (archive API, never started)');
    const evidence = await readEvidence(docker, tag, container, request.signal);
    await addBuildFacts(evidence, readText(path.join(request.contextDir, request.dockerfile)), {
      image: containerReader(container, request.signal),
      target: request.target,
      say,
      withStage: (name, use) => withStageImage(docker, { ...request, target: name }, `distroless-convert-build-${run}:stage-${name.toLowerCase()}`, run, say, use),
    });
    await readAppEvidence(docker, tag, container, evidence, request.signal, say);
    return evidence;
  } finally {
    if (container) await container.remove({ force: true }).catch(() => undefined);
    // Also when the build "failed" or was cancelled after it tagged: the tag is this run's own, and absent is a 404.
    await docker.getImage(tag).remove({ force: true, noprune: false }).catch(() => undefined);
  }
}

/** The Dockerfile just built; empty (nothing more to look at) if it went away since. */
function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The classic builder's API first; BuildKit through the docker command line for what only it builds. */
async function buildTagged(docker: Docker, request: BuildRequest, tag: string, run: string, say: (line: string) => void): Promise<void> {
  try {
    await buildImage(docker, request, tag, run, say);
  } catch (error) {
    if (!(error instanceof BuildFailedError) || !request.cli || !NEEDS_BUILDKIT.test(error.message)) throw error;
    say(`The engine's classic builder cannot build this Dockerfile (${error.message}); building with BuildKit through the docker command line`);
    const result = await buildWithCli({ cliArgs: request.cli.args, dockerCli: request.cli.command, env: request.cli.env, contextDir: request.contextDir, dockerfile: path.join(request.contextDir, request.dockerfile), tag, labels: { [BUILD_LABEL]: run }, target: request.target, buildArgs: request.buildArgs, platform: request.platform, signal: request.signal }, say);
    if (request.signal?.aborted) throw new OperationCancelledError('Building the original image');
    if (!result.ok) throw new BuildFailedError(result.failedStep ? `${result.failedStep} failed` : 'the build failed');
  }
}

/** An earlier stage built on its own (its steps come from the build's cache), read through a never-started container, then removed. */
async function withStageImage(docker: Docker, request: BuildRequest, tag: string, run: string, say: (line: string) => void, use: (image: ImageReader) => Promise<void>): Promise<void> {
  let container: Docker.Container | undefined;
  try {
    await buildTagged(docker, request, tag, run, () => undefined);
    container = await docker.createContainer({ Image: tag, Labels: { [BUILD_LABEL]: run }, HostConfig: { AutoRemove: false } });
    await use(containerReader(container, request.signal));
  } catch (error) {
    if (error instanceof OperationCancelledError) throw error;
    say(`Stage ${request.target} could not be read (${(error as Error).message}); nothing is copied from it`);
  } finally {
    if (container) await container.remove({ force: true }).catch(() => undefined);
    // Also when the build "failed" or was cancelled after it tagged: the tag is this run's own, and absent is a 404.
    await docker.getImage(tag).remove({ force: true, noprune: false }).catch(() => undefined);
  }
}

/** What buildFacts.ts may ask of an image: whether a path is a file (symlinks followed), and a bounded read. */
function containerReader(container: Docker.Container, signal: AbortSignal | undefined): ImageReader {
  return {
    isFile: async (file) => {
      if (signal?.aborted) throw new OperationCancelledError('Reading the image');
      return (await resolveFile(container, file)) !== undefined;
    },
    read: async (file, limit) => {
      if (signal?.aborted) throw new OperationCancelledError('Reading the image');
      return readHead(container, file, limit);
    },
  };
}

/** What a classic build has made so far, from its output: the step's container and the newest layer it committed (not a cached one). */
interface BuildTrail {
  stepContainer?: string;
  newestLayer?: string;
}

/**
 * After a cancelled or failed build: the engine neither stops a step whose client went away
 * (a `go build` runs on) nor removes the layers committed before it, and the build's label
 * is only on the final image. So the step's container is removed by force, then the newest
 * layer this build committed, and with it (noprune false) the untagged parents no other
 * image uses; a layer committed on top of it meanwhile is removed first.
 */
async function removeBuildLeftovers(docker: Docker, trail: BuildTrail): Promise<void> {
  if (trail.stepContainer) await docker.getContainer(trail.stepContainer).remove({ force: true }).catch(() => undefined);
  if (!trail.newestLayer) return;
  const images = await docker.listImages({ all: true }).catch(() => [] as Docker.ImageInfo[]);
  const same = (full: string | undefined, id: string) => !!full && full.replace(/^sha256:/, '').startsWith(id.replace(/^sha256:/, ''));
  let tip = trail.newestLayer;
  const chain = [tip];
  for (let depth = 0; depth < 50; depth++) {
    const child = images.find((i) => same(i.ParentId, tip));
    if (!child || child.RepoTags?.some((t) => t !== '<none>:<none>')) break;
    tip = child.Id;
    chain.unshift(tip);
  }
  // Never by force: a layer another image or build uses is refused by the engine and stays.
  for (const layer of chain) await docker.getImage(layer).remove({ noprune: false }).catch(() => undefined);
}

async function buildImage(docker: Docker, request: BuildRequest, tag: string, run: string, say: (line: string) => void): Promise<void> {
  const trail: BuildTrail = {};
  try {
    await buildStream(docker, request, tag, run, say, trail);
  } catch (error) {
    await removeBuildLeftovers(docker, trail);
    throw error;
  }
}

function buildStream(docker: Docker, request: BuildRequest, tag: string, run: string, say: (line: string) => void, trail: BuildTrail): Promise<void> {
  const entries = fs.readdirSync(request.contextDir);
  const options: Record<string, unknown> = {
    t: tag, dockerfile: request.dockerfile, rm: true, forcerm: true,
    labels: JSON.stringify({ [BUILD_LABEL]: run }),
    abortSignal: request.signal,
  };
  if (request.buildArgs && Object.keys(request.buildArgs).length > 0) options.buildargs = JSON.stringify(request.buildArgs);
  if (request.target) options.target = request.target;
  if (request.platform) options.platform = request.platform;
  return new Promise((resolve, reject) => {
    docker.buildImage({ context: request.contextDir, src: entries }, options, (err, stream) => {
      if (err || !stream) {
        reject(err ?? new Error('the engine returned no build output'));
        return;
      }
      let failure: string | undefined;
      let cached = false;
      const tail: string[] = [];
      docker.modem.followProgress(stream, (done: Error | null) => {
        if (request.signal?.aborted) reject(new OperationCancelledError('Building the original image'));
        else if (done || failure) reject(new BuildFailedError(failure ?? done?.message ?? "the build failed"));
        else resolve();
      }, (event: { stream?: string; error?: string; status?: string }) => {
        if (event.error) failure = event.error.trim();
        const text = event.stream ?? event.status;
        for (const line of (text ?? '').split('\n')) {
          if (!line.trim()) continue;
          const step = /^\s*---> (?:Running in ([0-9a-f]{12,64})|([0-9a-f]{12,64})|(Using cache))\s*$/.exec(line);
          if (step?.[1]) trail.stepContainer = step[1];
          else if (step?.[3]) cached = true;
          else if (step?.[2]) {
            if (!cached) trail.newestLayer = step[2];
            cached = false;
            trail.stepContainer = undefined;
          }
          tail.push(line);
          if (tail.length > 40) tail.shift();
          say(line);
        }
      });
    });
  });
}

interface PathStat { name: string; size: number; mode: number; linkTarget: string }

async function statPath(container: Docker.Container, file: string): Promise<PathStat | undefined> {
  try {
    const response = (await container.infoArchive({ path: file })) as unknown as { headers?: Record<string, string>; resume?: () => void };
    response.resume?.();
    const header = response.headers?.['x-docker-container-path-stat'];
    return header ? (JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat) : undefined;
  } catch {
    return undefined;
  }
}

/** Directory bit of Go's os.FileMode, as the engine reports modes. */
const MODE_DIR = 0x80000000;
const MODE_SYMLINK = 0x08000000;

/** The first `limit` bytes of a regular file, read from the archive stream of its path and then abandoned. */
async function readHead(container: Docker.Container, file: string, limit: number): Promise<Buffer | undefined> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await container.getArchive({ path: file })) as unknown as NodeJS.ReadableStream;
  } catch {
    return undefined;
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let have = 0;
    let dataStart: number | undefined;
    let dataSize = 0;
    const finish = (buf: Buffer | undefined) => {
      clearTimeout(timer);
      (stream as unknown as { destroy?: () => void }).destroy?.();
      resolve(buf);
    };
    // An engine that stops sending must not hang the conversion: the file counts as unreadable.
    const timer = setTimeout(() => finish(undefined), READ_TIMEOUT_MS);
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      const all = Buffer.concat(chunks);
      if (dataStart === undefined) {
        const entry = firstFileEntry(all);
        if (entry === 'more') return;
        if (!entry) return finish(undefined);
        dataStart = entry.start;
        dataSize = entry.size;
      }
      const want = Math.min(limit, dataSize);
      if (have >= dataStart + want) finish(all.subarray(dataStart, dataStart + want));
    });
    stream.on('end', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      if (dataStart === undefined) {
        const entry = firstFileEntry(all);
        if (!entry || entry === 'more') return resolve(undefined);
        dataStart = entry.start;
        dataSize = entry.size;
      }
      resolve(all.subarray(dataStart, dataStart + Math.min(limit, dataSize)));
    });
    stream.on('error', () => finish(undefined));
  });
}

/** The data of the first regular file in a tar (ustar, with GNU/PAX long-name headers skipped). */
function firstFileEntry(tar: Buffer): { start: number; size: number } | undefined | 'more' {
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return undefined;
    const size = Number.parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const data = at + 512;
    if (type === '0' || type === '\0' || type === '7') return { start: data, size };
    // x/g: PAX headers, L/K: GNU long names, 5: directories, 1/2: links — skip their data.
    at = data + Math.ceil(size / 512) * 512;
  }
  return 'more';
}

/** A path with its symlinks resolved by the engine's stat (linkTarget is absolute), up to a few hops. */
async function resolveFile(container: Docker.Container, file: string): Promise<{ path: string; stat: PathStat } | undefined> {
  let current = file;
  for (let hop = 0; hop < 8; hop++) {
    const stat = await statPath(container, current);
    if (!stat) return undefined;
    if ((stat.mode & MODE_SYMLINK) === 0 || !stat.linkTarget) return (stat.mode & MODE_DIR) !== 0 ? undefined : { path: current, stat };
    current = path.posix.isAbsolute(stat.linkTarget) ? stat.linkTarget : path.posix.join(path.posix.dirname(current), stat.linkTarget);
  }
  return undefined;
}

async function elfOf(container: Docker.Container, file: string): Promise<ElfFacts | 'not-elf' | undefined> {
  let limit = 64 * 1024;
  for (let attempt = 0; attempt < 3; attempt++) {
    const head = await readHead(container, file, limit);
    if (!head) return undefined;
    const read = readElf(head);
    if ('elf' in read) return read.elf;
    if ('notElf' in read) return 'not-elf';
    if (read.needBytes > MAX_READ || head.length < limit) return undefined;
    limit = read.needBytes;
  }
  return undefined;
}

async function configuredLibraryDirs(container: Docker.Container): Promise<string[]> {
  const dirs: string[] = [];
  const main = await readHead(container, '/etc/ld.so.conf', SCRIPT_READ);
  if (main) dirs.push(...ldSoConfDirectories(main.toString('utf8')).dirs);
  // Debian's ld.so.conf only includes ld.so.conf.d/*.conf: the usual files there.
  for (const name of ['libc.conf', 'x86_64-linux-gnu.conf', 'aarch64-linux-gnu.conf', 'fakeroot-x86_64-linux-gnu.conf']) {
    const text = await readHead(container, `/etc/ld.so.conf.d/${name}`, SCRIPT_READ);
    if (text) dirs.push(...ldSoConfDirectories(text.toString('utf8')).dirs);
  }
  return dirs;
}

async function readEvidence(docker: Docker, tag: string, container: Docker.Container, signal: AbortSignal | undefined): Promise<ImageEvidence> {
  const config = (await docker.getImage(tag).inspect()).Config ?? {};
  const entrypoint = (config.Entrypoint as string[] | null | undefined) ?? [];
  const cmd = (config.Cmd as string[] | null | undefined) ?? [];
  const workdir = config.WorkingDir || '/';
  const env = new Map((config.Env ?? []).map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]));
  const evidence: ImageEvidence = { entrypoint, cmd, workdir };
  const start = [...entrypoint, ...cmd];
  // An init wrapper (tini, dumb-init) starts the program after its options: that program is the one to read.
  let k = 0;
  while (k < start.length && /^(?:\/\S*\/)?(?:tini|tini-static|dumb-init)$/.test(start[k])) {
    k++;
    while (k < start.length && start[k].startsWith('-')) k++;
  }
  const word = start[k];
  // A shell form (`/bin/sh -c …`) is the converter's to read from the Dockerfile's text.
  if (!word || SHELLS.test(word)) return evidence;
  const candidates = word.includes('/') ? [path.posix.resolve(workdir, word)] : (env.get('PATH') ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':').map((d) => `${d}/${word}`);
  let found: { path: string; stat: PathStat } | undefined;
  let foundAt: string | undefined;
  for (const c of candidates) {
    if (signal?.aborted) throw new OperationCancelledError('Reading the image');
    found = await resolveFile(container, c);
    if (found) {
      foundAt = c;
      break;
    }
  }
  if (!found) {
    evidence.program = { path: candidates[0], kind: 'missing' };
    return evidence;
  }
  // Where PATH finds it (the name the image runs), not the file its symlinks end at.
  const programPath = foundAt ?? found.path;
  const head = await readHead(container, found.path, SCRIPT_READ);
  if (head && head.subarray(0, 2).toString() === '#!') {
    evidence.program = { path: programPath, kind: 'script', script: head.toString('utf8') };
    return evidence;
  }
  const elf = await elfOf(container, found.path);
  if (!elf || elf === 'not-elf') {
    evidence.program = { path: programPath, kind: 'other' };
    return evidence;
  }
  const program: NonNullable<ImageEvidence['program']> = { path: programPath, kind: 'elf', interpreter: elf.interpreter, musl: isMuslInterpreter(elf.interpreter), isStatic: elf.isStatic || elf.needed.length === 0, libraries: [] };
  evidence.program = program;
  if (program.isStatic || program.musl) return evidence;

  // The DT_NEEDED closure, breadth first, each soname looked up as the image's loader would.
  const configured = [...(env.get('LD_LIBRARY_PATH') ?? '').split(':').filter((d) => d.startsWith('/')), ...(await configuredLibraryDirs(container))];
  const queue: Array<{ soname: string; runpath: string[]; origin: string }> = elf.needed.map((soname) => ({ soname, runpath: elf.runpath, origin: path.posix.dirname(found!.path) }));
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_LIBRARIES) {
    if (signal?.aborted) throw new OperationCancelledError('Reading the image');
    const next = queue.shift()!;
    if (seen.has(next.soname)) continue;
    seen.add(next.soname);
    let where: string | undefined;
    let real: string | undefined;
    for (const dir of librarySearchPath(next.runpath, next.origin, configured, elf.machine)) {
      const hit = await resolveFile(container, `${dir}/${next.soname}`);
      if (hit) {
        where = `${dir}/${next.soname}`;
        real = hit.path;
        break;
      }
    }
    program.libraries!.push({ soname: next.soname, path: where });
    if (!real) continue;
    const lib = await elfOf(container, real);
    if (lib && lib !== 'not-elf') for (const soname of lib.needed) if (!seen.has(soname)) queue.push({ soname, runpath: lib.runpath, origin: path.posix.dirname(real) });
  }
  return evidence;
}

/*
 * Native extensions (issue 24: "native extensions inside node_modules and site-packages
 * count as programs"). The package directories are streamed through the archive API
 * once each, reading tar headers and keeping only the first bytes of files named like
 * extensions; every bound is said in the evidence when it is reached.
 */

/** Extension files read at most, over all package directories. */
const MAX_EXTENSIONS = 64;
/** Archive bytes streamed at most, over all package directories (node_modules can be large). */
const MAX_SCAN_BYTES = 512 * 1024 * 1024;
/** The head of each extension kept while streaming: the dynamic section of a small extension is in it; bigger ones are read again on their own, up to MAX_READ. */
const EXTENSION_HEAD = 256 * 1024;
const SCAN_TIMEOUT_MS = 120_000;
const PYTHON_MINORS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];
const NODE_START = /(?:^|[\s/])(?:node|nodejs|npm|npx|yarn|pnpm)(?:\s|$)|#!.*\bnode\b/;
const PYTHON_START = /(?:^|[\s/])(?:python[\d.]*|gunicorn|uvicorn|hypercorn|celery|flask|daphne|streamlit|waitress)(?:\s|$)|#!.*\bpython/;

/**
 * What the build showed beyond the start program: the image's user, the owner of its
 * working directory, and for a Node.js or Python start command the native extensions
 * of its packages with their libraries.
 */
async function readAppEvidence(docker: Docker, tag: string, container: Docker.Container, evidence: ImageEvidence, signal: AbortSignal | undefined, say: (line: string) => void): Promise<void> {
  const config = (await docker.getImage(tag).inspect()).Config ?? {};
  evidence.user = config.User ?? '';
  // The archive of / would be the whole image: its owner is root in every base image anyway.
  evidence.workdirOwner = evidence.workdir === '/' ? 0 : await ownerOf(container, evidence.workdir);
  const env = new Map((config.Env ?? []).map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]));
  const start = [...evidence.entrypoint, ...evidence.cmd];
  const described = [start.join(' '), evidence.program?.path ?? '', evidence.program?.script?.split('\n')[0] ?? ''].join('\n');
  const roots: Array<{ dir: string; pattern: RegExp }> = [];
  if (NODE_START.test(described)) for (const dir of await nodeModuleDirs(container, evidence.workdir, start, env)) roots.push({ dir, pattern: /\.node$/ });
  if (PYTHON_START.test(described)) for (const dir of await pythonPackageDirs(container, evidence.workdir, env)) roots.push({ dir, pattern: /\.so(?:\.\d+)*$/ });
  if (!NODE_START.test(described) && !PYTHON_START.test(described)) return;
  say(`Reading native extensions under ${roots.length > 0 ? roots.map((r) => r.dir).join(', ') : 'no package directory'}`);
  const unique = roots.filter((r, i) => roots.findIndex((o) => o.dir === r.dir) === i);
  // A directory inside another one searched (PYTHONPATH=/app/site-packages beside /app) is read with it.
  evidence.extensions = await readExtensions(container, unique.filter((r) => !unique.some((o) => r.dir.startsWith(`${o.dir}/`))), env, signal);
}

async function isDirectory(container: Docker.Container, dir: string): Promise<boolean> {
  const stat = await statPath(container, dir);
  return stat !== undefined && (stat.mode & MODE_DIR) !== 0;
}

/** node_modules where Node.js looks from the working directory and the script's directory (each parent in turn), and NODE_PATH. */
async function nodeModuleDirs(container: Docker.Container, workdir: string, start: string[], env: Map<string, string>): Promise<string[]> {
  const script = start.slice(1).find((w) => /\.[cm]?js$/.test(w));
  const from = [workdir, ...(script ? [path.posix.dirname(path.posix.resolve(workdir, script))] : [])];
  const candidates: string[] = [];
  for (const dir of from) for (let d = dir; ; d = path.posix.dirname(d)) {
    candidates.push(path.posix.join(d, 'node_modules'));
    if (d === '/') break;
  }
  candidates.push(...(env.get('NODE_PATH') ?? '').split(':').filter((d) => d.startsWith('/')));
  const found: string[] = [];
  for (const c of candidates.filter((c, i) => candidates.indexOf(c) === i)) if (await isDirectory(container, c)) found.push(c);
  return found;
}

/** site-packages and dist-packages of the prefixes a Python app installs into (system, venvs, user base), and PYTHONPATH. */
async function pythonPackageDirs(container: Docker.Container, workdir: string, env: Map<string, string>): Promise<string[]> {
  const prefixes = ['/usr/local', '/usr', '/root/.local', `${workdir}/.venv`, `${workdir}/venv`, '/opt/venv', '/venv'];
  for (const v of ['VIRTUAL_ENV', 'PYTHONUSERBASE']) if (env.get(v)?.startsWith('/')) prefixes.push(env.get(v)!);
  if (env.get('HOME')?.startsWith('/')) prefixes.push(`${env.get('HOME')}/.local`);
  // A venv's bin directory put first on PATH: its prefix holds the packages.
  for (const d of (env.get('PATH') ?? '').split(':')) if (/^\/.+\/bin$/.test(d) && !/^\/(?:usr\/)?(?:local\/)?s?bin$/.test(d)) prefixes.push(path.posix.dirname(d));
  const found: string[] = (env.get('PYTHONPATH') ?? '').split(':').filter((d) => d.startsWith('/'));
  for (const prefix of prefixes.filter((p, i) => prefixes.indexOf(p) === i)) {
    for (const minor of PYTHON_MINORS) {
      const lib = `${prefix}/lib/python${minor}`;
      if (!(await isDirectory(container, lib))) continue;
      found.push(`${lib}/site-packages`, `${lib}/dist-packages`);
    }
  }
  found.push('/usr/lib/python3/dist-packages', '/usr/local/lib/python3/dist-packages');
  const dirs: string[] = [];
  for (const d of found.map((f) => f.replace(/\/+$/, '')).filter((f, i, all) => all.indexOf(f) === i)) if (await isDirectory(container, d)) dirs.push(d);
  return dirs;
}

async function readExtensions(container: Docker.Container, roots: Array<{ dir: string; pattern: RegExp }>, env: Map<string, string>, signal: AbortSignal | undefined): Promise<NonNullable<ImageEvidence['extensions']>> {
  const result: NonNullable<ImageEvidence['extensions']> = { searched: roots.map((r) => r.dir), files: [], unread: [] };
  if (roots.length === 0) return result;
  const configured = [...(env.get('LD_LIBRARY_PATH') ?? '').split(':').filter((d) => d.startsWith('/')), ...(await configuredLibraryDirs(container))];
  const lookups = new Map<string, { path?: string; real?: string }>();
  const elves = new Map<string, ElfFacts | undefined>();
  let bytes = 0;
  for (const root of roots) {
    if (signal?.aborted) throw new OperationCancelledError('Reading the image');
    const scan = await scanDirectory(container, root.dir, root.pattern, { bytes: MAX_SCAN_BYTES - bytes, files: MAX_EXTENSIONS - result.files.length - result.unread.length });
    bytes += scan.bytes;
    for (const found of scan.matches) {
      if (signal?.aborted) throw new OperationCancelledError('Reading the image');
      let read = readElf(found.head);
      if ('needBytes' in read && read.needBytes <= MAX_READ && found.head.length < found.size) {
        const elf = await elfOf(container, found.path);
        read = elf === undefined ? read : elf === 'not-elf' ? { notElf: true } : { elf };
      }
      if ('notElf' in read) continue;
      if (!('elf' in read)) {
        result.unread.push(found.path);
        continue;
      }
      const elf = read.elf;
      const musl = isMuslInterpreter(elf.interpreter) || elf.needed.some((n) => /^libc\.musl-/.test(n));
      const libraries = musl ? [] : await libraryClosure(container, elf, path.posix.dirname(found.path), configured, lookups, elves, signal);
      result.files.push({ path: found.path, musl, libraries });
    }
    if (scan.stopped) {
      result.capped = scan.stopped === 'files'
        ? `only the first ${MAX_EXTENSIONS} extension files were read`
        : scan.stopped === 'bytes' ? `only the first ${MAX_SCAN_BYTES / (1024 * 1024)} MB of the package directories were read (${root.dir} was not read to its end)` : `reading ${root.dir} took longer than ${SCAN_TIMEOUT_MS / 1000} seconds and was stopped`;
      break;
    }
  }
  return result;
}

/** The DT_NEEDED closure of an ELF file, each soname looked up as the image's loader would; lookups and library reads shared between calls. */
const NODE_ITSELF = /^libnode\.so\.\d+$/;

async function libraryClosure(container: Docker.Container, elf: ElfFacts, origin: string, configured: string[], lookups: Map<string, { path?: string; real?: string }>, elves: Map<string, ElfFacts | undefined>, signal: AbortSignal | undefined): Promise<Array<{ soname: string; path?: string }>> {
  const libraries: Array<{ soname: string; path?: string }> = [];
  const queue = elf.needed.map((soname) => ({ soname, runpath: elf.runpath, origin }));
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_LIBRARIES) {
    if (signal?.aborted) throw new OperationCancelledError('Reading the image');
    const next = queue.shift()!;
    if (seen.has(next.soname)) continue;
    seen.add(next.soname);
    const dirs = librarySearchPath(next.runpath, next.origin, configured, elf.machine);
    const key = `${dirs.join(':')}|${next.soname}`;
    let hit = lookups.get(key);
    if (!hit) {
      hit = {};
      for (const dir of dirs) {
        const file = await resolveFile(container, `${dir}/${next.soname}`);
        if (file) {
          hit = { path: `${dir}/${next.soname}`, real: file.path };
          break;
        }
      }
      lookups.set(key, hit);
    }
    libraries.push({ soname: next.soname, path: hit.path });
    // libnode.so.N is Node.js itself (Debian's shared build): what it links is the runtime's, not the addon's.
    if (!hit.real || NODE_ITSELF.test(next.soname)) continue;
    if (!elves.has(hit.real)) {
      const lib = await elfOf(container, hit.real);
      elves.set(hit.real, lib && lib !== 'not-elf' ? lib : undefined);
    }
    const lib = elves.get(hit.real);
    for (const soname of lib?.needed ?? []) if (!seen.has(soname)) queue.push({ soname, runpath: lib!.runpath, origin: path.posix.dirname(hit.real) });
  }
  return libraries;
}

interface DirectoryScan {
  matches: Array<{ path: string; size: number; head: Buffer }>;
  bytes: number;
  stopped?: 'files' | 'bytes' | 'time';
}

/**
 * The files under `dir` whose names match, with the first EXTENSION_HEAD bytes of each,
 * from one archive stream read as it arrives (headers parsed, other files' data skipped)
 * and abandoned at a limit.
 */
async function scanDirectory(container: Docker.Container, dir: string, pattern: RegExp, limits: { bytes: number; files: number }): Promise<DirectoryScan> {
  const scan: DirectoryScan = { matches: [], bytes: 0 };
  if (limits.files <= 0) return { ...scan, stopped: 'files' };
  if (limits.bytes <= 0) return { ...scan, stopped: 'bytes' };
  let stream: Readable;
  try {
    stream = (await container.getArchive({ path: dir })) as unknown as Readable;
  } catch {
    return scan;
  }
  // Entry names are relative to the directory's parent ("site-packages/x.so").
  const parent = path.posix.dirname(dir);
  const stop = (why: NonNullable<DirectoryScan['stopped']>) => {
    scan.stopped ??= why;
    stream.destroy();
  };
  const timer = setTimeout(() => stop('time'), SCAN_TIMEOUT_MS);
  stream.on('data', (chunk: Buffer) => {
    scan.bytes += chunk.length;
    if (scan.bytes >= limits.bytes) stop('bytes');
  });
  try {
    await parseTar(stream, (header) => {
      if (header.type !== 'file' || !pattern.test(header.name)) return 'skip';
      if (scan.matches.length >= limits.files) {
        scan.stopped ??= 'files';
        return 'stop';
      }
      const want = Math.min(header.size, EXTENSION_HEAD);
      const chunks: Buffer[] = [];
      let have = 0;
      return {
        data: (chunk) => {
          if (have >= want) return;
          chunks.push(chunk.subarray(0, want - have));
          have += Math.min(chunk.length, want - have);
        },
        end: () => scan.matches.push({ path: path.posix.join(parent, header.name), size: header.size, head: Buffer.concat(chunks) }),
      };
    });
  } catch {
    // A stream cut at a limit (or broken): what was read stands, and the limit is said.
  } finally {
    clearTimeout(timer);
  }
  return scan;
}

/** The owner (uid) of a directory: the first header of its archive stream. */
async function ownerOf(container: Docker.Container, dir: string): Promise<number | undefined> {
  let stream: Readable;
  try {
    stream = (await container.getArchive({ path: dir })) as unknown as Readable;
  } catch {
    return undefined;
  }
  let uid: number | undefined;
  const timer = setTimeout(() => stream.destroy(), READ_TIMEOUT_MS);
  try {
    await parseTar(stream, (header) => {
      uid = header.uid;
      return 'stop';
    });
  } catch {
    // Unreadable: the owner stays unknown.
  } finally {
    clearTimeout(timer);
  }
  return uid;
}
