/**
 * Where a container's sources came from in the workspace, for a debugger's
 * localRoot/remoteRoot (Node.js: the Dockerfile whose final stage COPYs the
 * running script) or substitutePath (Go: the build stage the binary is copied
 * from), read from WORKDIR and COPY/ADD lines, the build context taken to be
 * the Dockerfile's folder. A small reading of the text, not the engine's model:
 * the extension reaches the engine only through the language server, and this
 * needs no diagnostics. No vscode import, so it is tested without VS Code.
 */
import * as path from 'path';

export interface SourceRoots {
  /** Folder in the workspace. */
  localRoot: string;
  /** The same folder inside the container. */
  remoteRoot: string;
  /** The Dockerfile that said so. */
  dockerfile: string;
}

export interface WorkspaceDockerfile {
  /** Absolute path on this machine. */
  path: string;
  text: string;
}

/** Node's options that take the next argument as their value. */
const NODE_OPTIONS_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-e', '--eval', '-p', '--print', '--inspect-port', '--title', '--env-file', '-C', '--conditions']);

/** The script a `node` argv runs, absolute in the container; undefined for `node -e`, the REPL or stdin. */
export function nodeScriptPath(argv: readonly string[], cwd: string): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '-') return undefined;
    if (NODE_OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return path.posix.resolve(cwd || '/', a);
  }
  return undefined;
}

interface Copy {
  sources: string[];
  dest: string;
  workdir: string;
}

/** Instructions joined across line continuations (backslash, or the `# escape=` character), comments dropped. */
function instructions(text: string): string[] {
  const escape = /^#\s*escape\s*=\s*`/im.test(text.split('\n').slice(0, 5).join('\n')) ? '`' : '\\';
  const out: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (/^\s*#/.test(line) && current === '') continue;
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith(escape)) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) out.push(current.trim());
    current = '';
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function words(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) return parsed as string[];
    } catch {
      // Not JSON: shell words.
    }
  }
  return trimmed.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ''));
}

interface Stage {
  /** `AS <name>`, lower-cased as Docker matches it. */
  name?: string;
  /** COPY/ADD lines with the WORKDIR each runs in; `from` for `--from=<stage>`. */
  copies: Array<Copy & { from?: string }>;
}

/** Each stage's COPY/ADD lines (globs, variables and URLs skipped). */
export function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  let workdir = '/';
  for (const instruction of instructions(text)) {
    const m = /^(\w+)\s*(.*)$/s.exec(instruction);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (keyword === 'FROM') {
      const w = words(rest).filter((x) => !x.startsWith('--'));
      const as = w.findIndex((x) => x.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? w[as + 1]?.toLowerCase() : undefined, copies: [] });
      workdir = '/';
    } else if (keyword === 'WORKDIR') {
      workdir = path.posix.resolve(workdir, words(rest)[0] ?? '/');
    } else if ((keyword === 'COPY' || keyword === 'ADD') && stages.length > 0) {
      const all = words(rest);
      const from = all.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      const plain = all.filter((w) => !w.startsWith('--'));
      if (plain.length < 2 || plain.some((w) => w.includes('$') || /[*?[]/.test(w) || /^[a-z]+:\/\//i.test(w))) continue;
      stages[stages.length - 1]!.copies.push({ sources: plain.slice(0, -1), dest: plain[plain.length - 1]!, workdir, ...(from ? { from: from.toLowerCase() } : {}) });
    }
  }
  return stages;
}

/** COPY/ADD lines of the last stage that copy from the build context, with the WORKDIR each runs in. */
export function finalStageCopies(text: string): Copy[] {
  return (stagesOf(text).at(-1)?.copies ?? []).filter((c) => c.from === undefined).map(({ sources, dest, workdir }) => ({ sources, dest, workdir }));
}

/** Where a COPY puts `source`: a folder destination (trailing slash, `.`, several sources) takes its base name. */
function destinations(copy: Copy, source: string): string[] {
  const dest = path.posix.resolve(copy.workdir, copy.dest);
  const destIsDir = copy.dest.endsWith('/') || copy.dest === '.' || copy.sources.length > 1;
  // A destination without a trailing slash is still a folder when the image has one there (often the WORKDIR).
  return destIsDir ? [path.posix.join(dest, path.posix.basename(source))] : [dest, path.posix.join(dest, path.posix.basename(source))];
}

/**
 * For a Go program: the final stage copies `exePath` from a build stage; the
 * folder that stage copied its Go sources into (its `COPY . .` or `COPY go.mod
 * main.go ./`) is where the binary's recorded source paths start. Those are
 * Delve's `substitutePath` (workspace folder → build folder).
 */
export function goSourceRoots(dockerfiles: readonly WorkspaceDockerfile[], exePath: string, isFile: (p: string) => boolean, isDirectory: (p: string) => boolean): SourceRoots | undefined {
  for (const dockerfile of dockerfiles) {
    const context = path.dirname(dockerfile.path);
    const stages = stagesOf(dockerfile.text);
    for (const copy of stages.at(-1)?.copies ?? []) {
      if (copy.from === undefined || !copy.sources.some((s) => destinations(copy, s).includes(exePath))) continue;
      const build = /^\d+$/.test(copy.from) ? stages[Number(copy.from)] : stages.find((s) => s.name === copy.from);
      for (const sourceCopy of build?.copies ?? []) {
        if (sourceCopy.from !== undefined) continue;
        for (const source of sourceCopy.sources) {
          const local = path.resolve(context, source);
          if (!local.startsWith(context)) continue;
          if (isDirectory(local)) return { localRoot: local, remoteRoot: path.posix.resolve(sourceCopy.workdir, sourceCopy.dest), dockerfile: dockerfile.path };
          if (isFile(local) && /(\.go|^go\.mod)$/.test(path.basename(local))) {
            return { localRoot: path.dirname(local), remoteRoot: path.posix.dirname(destinations(sourceCopy, source)[0]!), dockerfile: dockerfile.path };
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * The roots under which `scriptPath` (in the container) and its file in the
 * workspace have the same relative path, from the first Dockerfile that COPYs
 * it from a file that exists; undefined when none does.
 */
export function matchSourceRoots(dockerfiles: readonly WorkspaceDockerfile[], scriptPath: string, isFile: (p: string) => boolean, isDirectory: (p: string) => boolean): SourceRoots | undefined {
  for (const dockerfile of dockerfiles) {
    const context = path.dirname(dockerfile.path);
    for (const copy of finalStageCopies(dockerfile.text)) {
      const dest = path.posix.resolve(copy.workdir, copy.dest);
      for (const source of copy.sources) {
        const local = path.resolve(context, source);
        if (!local.startsWith(context)) continue;
        if (isDirectory(local)) {
          // COPY dir/ dest: the directory's contents land in dest.
          const rel = path.posix.relative(dest, scriptPath);
          if (rel.startsWith('..') || path.posix.isAbsolute(rel)) continue;
          if (isFile(path.join(local, ...rel.split('/')))) return { localRoot: local, remoteRoot: dest, dockerfile: dockerfile.path };
        } else if (isFile(local)) {
          if (destinations(copy, source).includes(scriptPath)) return { localRoot: path.dirname(local), remoteRoot: path.posix.dirname(scriptPath), dockerfile: dockerfile.path };
        }
      }
    }
  }
  return undefined;
}
