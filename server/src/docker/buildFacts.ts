/**
 * Facts beyond the start program that grounded conversion needs from a build
 * (`distroless convert --build`): which earlier stage has the libraries the program
 * links (to copy them from when the shipped stage installed them itself), and what the
 * apt packages the Dockerfile installs put in the image (dpkg's own file lists), so the
 * converter can tell a package carried as a linked library from one that brings programs
 * the app runs.
 *
 * The Dockerfile's text is only scanned for what to look at (stage names, apt package
 * names): asking about a stage or a package that does not matter costs a cached build or
 * a missing file, never a decision. The converter decides with its own parse (engine).
 */
import type { GroundedEvidence } from '../shared/groundedEvidence';

export interface ImageReader {
  /** True when the path is a regular file (symlinks followed). */
  isFile(file: string): Promise<boolean>;
  /** The first `limit` bytes of a regular file, or undefined. */
  read(file: string, limit: number): Promise<Buffer | undefined>;
}

export interface BuildFactsSources {
  /** The built image. */
  image: ImageReader;
  /** The stage `--target` built, when it was not the last. */
  target?: string;
  /** Builds stage `name` alone (from the build's cache) and reads it; removes what it made. */
  withStage(name: string, use: (image: ImageReader) => Promise<void>): Promise<void>;
  say(line: string): void;
}

const LIST_READ = 1024 * 1024;
const MAX_PACKAGES = 40;
const MAX_STAGES = 8;

/** Stage names (in order) and apt package names a Dockerfile's text mentions. */
export function buildProbes(text: string): { stages: string[]; aptPackages: string[] } {
  // A continuation may have blanks after its backslash, and comment lines inside it are dropped (as Docker does).
  const lines = text.replace(/\\[ \t]*\r?\n(?:[ \t]*#[^\n]*\n)*/g, ' ').split(/\r?\n/);
  const stages: string[] = [];
  const aptPackages: string[] = [];
  for (const line of lines) {
    const from = /^\s*FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (from) {
      stages.push(from[1] ?? '');
      continue;
    }
    if (!/^\s*RUN\s/i.test(line)) continue;
    for (const m of line.matchAll(/\bapt(?:-get)?\s+(?:-\S+\s+)*install\s+([^;&|]*)/g)) {
      for (const word of m[1].trim().split(/\s+/)) {
        const name = word.replace(/[=:].*$/, '');
        if (/^[a-z0-9][a-z0-9+.-]+$/.test(name) && !aptPackages.includes(name)) aptPackages.push(name);
      }
    }
  }
  return { stages, aptPackages };
}

/** dpkg's list of what `name` installed: `<name>.list`, or `<name>:<arch>.list` for Multi-Arch: same packages. */
async function dpkgList(image: ImageReader, name: string): Promise<string[] | undefined> {
  for (const file of [`${name}.list`, `${name}:amd64.list`, `${name}:arm64.list`, `${name}:armhf.list`, `${name}:i386.list`]) {
    const text = await image.read(`/var/lib/dpkg/info/${file}`, LIST_READ);
    if (text) return text.toString('utf8').split('\n').filter((l) => l.startsWith('/') && l !== '/.');
  }
  return undefined;
}

/** Adds `packages` and `stages` to the evidence the start program gave. */
export async function addBuildFacts(evidence: GroundedEvidence, dockerfileText: string, sources: BuildFactsSources): Promise<void> {
  const probes = buildProbes(dockerfileText);
  if (probes.aptPackages.length > 0 && (await sources.image.isFile('/var/lib/dpkg/status'))) {
    evidence.packages = [];
    for (const name of probes.aptPackages.slice(0, MAX_PACKAGES)) {
      const files = await dpkgList(sources.image, name);
      if (files) evidence.packages.push({ name, files });
    }
  }
  const libraries = (evidence.program?.libraries ?? []).map((l) => l.path).filter((p): p is string => p !== undefined);
  if (libraries.length === 0) return;
  // The shipped stage is the target, or the last; only stages before it can be copied from.
  const end = sources.target ? probes.stages.findIndex((s) => s.toLowerCase() === sources.target!.toLowerCase()) : probes.stages.length - 1;
  const earlier = probes.stages.slice(0, Math.max(end, 0)).filter((s) => s !== '').slice(0, MAX_STAGES);
  if (earlier.length === 0) return;
  evidence.stages = [];
  for (const name of earlier) {
    sources.say(`Reading stage ${name} for the program's libraries`);
    await sources.withStage(name, async (stage) => {
      const has: string[] = [];
      for (const file of libraries) if (await stage.isFile(file)) has.push(file);
      evidence.stages!.push({ name, has });
    });
  }
}
