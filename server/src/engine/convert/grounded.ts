/**
 * Conversion grounded in the built image (`distroless convert --build`): the Docker
 * room builds the original, reads the start command from the image config, the start
 * script's text, and the program's ELF interpreter and DT_NEEDED closure with the
 * image's own library paths (server/src/docker/imageEvidence.ts); this file turns that
 * evidence into what the converter decides: the start command behind a plain wrapper
 * script, the libraries to copy, glibc or a refusal for musl.
 */

import type { GroundedEvidence } from '../../shared/groundedEvidence';

export type { GroundedEvidence };

/** The sonames distroless images provide: base has glibc and OpenSSL; cc adds libgcc, libstdc++ and libgomp (GoogleContainerTools/distroless base/README.md, cc/README.md). */
const GLIBC = ['libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2', 'librt.so.1', 'libresolv.so.2', 'libutil.so.1', 'libanl.so.1', 'libnss_dns.so.2', 'libnss_files.so.2', 'ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1'];
export const DISTROLESS_SONAMES: Record<'static' | 'base' | 'cc', readonly string[]> = {
  static: [],
  base: [...GLIBC, 'libssl.so.3', 'libcrypto.so.3'],
  cc: [...GLIBC, 'libssl.so.3', 'libcrypto.so.3', 'libgcc_s.so.1', 'libstdc++.so.6', 'libgomp.so.1'],
};

export type WrapperResult = { env: Array<[string, string]>; exec: string[]; passesArguments: boolean } | { refuse: string };

const WORD = /^(?:"((?:[^"\\$`]|\\.)*)"|'([^']*)'|([^\s"'$`\\;&|<>(){}*?[\]#~]+))/;

/** Words of a line where only plain quoted or unquoted words and a final "$@" may appear; undefined when it needs a shell. */
function plainWords(line: string): { words: string[]; passesArguments: boolean } | undefined {
  const words: string[] = [];
  let rest = line.trim();
  let passesArguments = false;
  while (rest.length > 0) {
    if (/^"\$@"|^\$@/.test(rest)) {
      passesArguments = true;
      rest = rest.replace(/^"\$@"|^\$@/, '').trim();
      if (rest.length > 0) return undefined;
      break;
    }
    const m = WORD.exec(rest);
    if (!m) return undefined;
    words.push((m[1] ?? m[2] ?? m[3]).replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length).trimStart();
  }
  return { words, passesArguments };
}

/**
 * A start script that only sets defaults and hands over to one program: `set -e`,
 * `export VAR="${VAR:-default}"` (or `VAR=value`), `echo`/`printf`, comments, and a
 * final `exec prog args "$@"`. It becomes ENV lines and an exec-form start command;
 * anything else is refused naming the line that needs a shell.
 */
export function plainWrapper(script: string, name: string): WrapperResult {
  const env: Array<[string, string]> = [];
  const lines = script.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  let exec: { words: string[]; passesArguments: boolean } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const at = `line ${i + 1} of ${name} (${line.length > 60 ? `${line.slice(0, 57)}...` : line})`;
    if (line === '' || line.startsWith('#')) continue;
    if (exec) return { refuse: `${name} runs more after exec (${at}), which needs a shell` };
    if (/^set(?:\s+(?:-[eux]*o\s+(?:errexit|nounset|pipefail|xtrace)|-[eux]+|\+[ex]+))+$/.test(line)) continue;
    if (/^(?:echo|printf)\b/.test(line) && !/[;&|<>`]|\$\(/.test(line)) continue;
    const assignment = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (assignment) {
      const [, variable, value] = assignment;
      const fallback = new RegExp(`^"?\\$\\{${variable}:?-([^}$\`]*)\\}"?$`).exec(value);
      if (fallback) {
        env.push([variable, fallback[1]]);
        continue;
      }
      const plain = plainWords(value);
      if (plain && plain.words.length === 1 && !plain.passesArguments) {
        env.push([variable, plain.words[0]]);
        continue;
      }
      return { refuse: `${at} computes ${variable} with the shell, and the runtime image has none: set it with ENV, and convert again` };
    }
    const defaulted = /^:\s+"?\$\{([A-Za-z_][A-Za-z0-9_]*):?=([^}$`]*)\}"?$/.exec(line);
    if (defaulted) {
      env.push([defaulted[1], defaulted[2]]);
      continue;
    }
    const command = plainWords(line.replace(/^exec\s+/, ''));
    if (!command || command.words.length === 0) return { refuse: `${at} needs a shell (variables, pipes, conditions or several commands), and the runtime image has none: start the program directly, and convert again` };
    // A last command without exec still is the program the container runs.
    exec = command;
  }
  if (!exec) return { refuse: `${name} starts no program (no exec line), so there is nothing to run without a shell` };
  return { env, exec: exec.words, passesArguments: exec.passesArguments };
}

/** ENV lines for the wrapper's defaults, as the runtime stage writes them. */
export function envLines(env: Array<[string, string]>): string[] {
  return env.map(([k, v]) => `ENV ${k}=${/^[\w./:@,+-]*$/.test(v) && v !== '' ? v : JSON.stringify(v)}`);
}

/** Needed libraries the runtime image lacks and the build image has: copied from the build stage at the same path. */
export function librariesToCopy(evidence: GroundedEvidence, runtime: 'static' | 'base' | 'cc'): { copy: string[]; missing: string[] } {
  const provided = new Set(DISTROLESS_SONAMES[runtime]);
  const copy: string[] = [];
  const missing: string[] = [];
  for (const lib of evidence.program?.libraries ?? []) {
    if (provided.has(lib.soname)) continue;
    if (lib.path) copy.push(lib.path);
    else missing.push(lib.soname);
  }
  return { copy, missing };
}

/**
 * The sonames the distroless language images add to cc. python3 is cc plus Debian
 * packages (GoogleContainerTools/distroless python3/python.bzl "Based on //cc so that C
 * extensions work properly", and python3/config.bzl for debian13: libbz2-1.0,
 * libdb5.3t64, libexpat1, liblzma5, libsqlite3-0, libuuid1, libncursesw6, libtinfo6,
 * zlib1g, libcom-err2, libcrypt1, libgssapi-krb5-2, libk5crypto3, libkeyutils1,
 * libkrb5-3, libkrb5support0, libnsl2, libreadline8t64, libtirpc3t64, libffi8,
 * python3.13-minimal). nodejs is cc plus the Node.js release tarball (nodejs/nodejs.bzl),
 * which brings no shared library of its own for addons to link.
 */
export const DISTROLESS_RUNTIME_SONAMES: Record<'python' | 'node', readonly string[]> = {
  python: [
    ...DISTROLESS_SONAMES.cc, 'libbz2.so.1.0', 'libdb-5.3.so', 'libexpat.so.1', 'liblzma.so.5', 'libsqlite3.so.0', 'libuuid.so.1',
    'libncursesw.so.6', 'libtinfo.so.6', 'libz.so.1', 'libcom_err.so.2', 'libcrypt.so.1', 'libgssapi_krb5.so.2', 'libk5crypto.so.3',
    'libkeyutils.so.1', 'libkrb5.so.3', 'libkrb5support.so.0', 'libnsl.so.2', 'libreadline.so.8', 'libtirpc.so.3', 'libffi.so.8',
  ],
  node: DISTROLESS_SONAMES.cc,
};

/** What the native extensions that reach the runtime need from it. */
export interface ExtensionNeeds {
  /** Extensions linked against musl, which a glibc runtime cannot load. */
  musl: string[];
  /** Libraries the runtime image lacks and the built image has (outside what the app's copies carry): copied at the same path. */
  copy: Array<{ path: string; soname: string; for: string }>;
  /** Libraries the built image's loader does not find either: the extension fails there too. */
  absent: Array<{ soname: string; for: string }>;
}

/**
 * For the extensions the runtime stage carries (`carried` says which paths the app's
 * copies bring), the libraries of their closures that the runtime image lacks: each one
 * once, in the order first needed. Libraries inside carried directories (a wheel's
 * `*.libs`, found through $ORIGIN) come with the app.
 */
export function extensionNeeds(evidence: GroundedEvidence, runtime: 'python' | 'node', carried: (path: string) => boolean): ExtensionNeeds {
  const provided = new Set(DISTROLESS_RUNTIME_SONAMES[runtime]);
  const needs: ExtensionNeeds = { musl: [], copy: [], absent: [] };
  for (const file of evidence.extensions?.files ?? []) {
    if (!carried(file.path)) continue;
    if (file.musl) {
      needs.musl.push(file.path);
      continue;
    }
    for (const lib of file.libraries) {
      if (provided.has(lib.soname) || (lib.path && carried(lib.path)) || isRuntimeItself(lib.soname, runtime)) continue;
      if (lib.path) {
        if (!needs.copy.some((c) => c.path === lib.path)) needs.copy.push({ path: lib.path, soname: lib.soname, for: file.path });
      } else if (!needs.absent.some((a) => a.soname === lib.soname)) needs.absent.push({ soname: lib.soname, for: file.path });
    }
  }
  return needs;
}

/**
 * Node.js built as a shared library (Debian's nodejs package: libnode.so.N): addons built
 * against it name it, and the runtime's node provides those symbols itself. A second
 * copy would be a second Node.js in the process. (Addons built on the official node
 * image name no library for it; builds on Debian's nodejs are refused by the Node.js
 * converter, but the stand-in node image is one.)
 */
function isRuntimeItself(soname: string, runtime: 'python' | 'node'): boolean {
  return runtime === 'node' && /^libnode\.so\.\d+$/.test(soname);
}

/**
 * The working directory the app had as root, if the runtime user cannot write it: the
 * built image shows who owns it, not whether the app writes there (a pid file, a cache),
 * so this is said in the comment, and verify names a failed write as permission denied.
 */
export function rootOwnedWorkdir(evidence: GroundedEvidence): string | undefined {
  const asRoot = evidence.user === undefined || evidence.user === '' || /^(?:0|root)(?::.*)?$/.test(evidence.user);
  if (!asRoot || evidence.workdirOwner !== 0 || evidence.workdir === '/') return undefined;
  return evidence.workdir;
}
