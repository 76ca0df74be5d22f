/**
 * What the app needs at run time that the Dockerfile's text shows and a distroless
 * runtime stage would not have: programs and libraries the OS package manager
 * installed, the Docker socket (root only), a start program that the build writes as a
 * shell script, apt package names a newer Debian builder lacks, and /root paths the
 * non-root user cannot enter. Each check names what it found and the image or stage it
 * found it in, so a refusal is one line a user can act on.
 */
import { basename, values } from '../shell';
import { SYSTEM_PACKAGE_MANAGERS, installedPackages } from '../packages';
import type { Command } from '../shell';
import type { Stage } from '../model';
import { isInside, originOf, resolvePath, stageChainFromBase } from '../stages';
import { runSteps } from './common';
import { imageOf } from '../instructions';
import type { LanguageContext, Plan, RunStep } from './types';

/** How a stage is named in a reason: `stage "build" (golang:1.22)`, never the alias alone. */
export function stageLabel(stage: Stage): string {
  const image = stage.resolvedImage ?? imageOf(stage.from) ?? '';
  return stage.name ? `stage "${stage.name}" (FROM ${image})` : `the stage FROM ${image}`;
}

/**
 * OS packages a shipped stage installs that never reach the app's run time: certificates
 * and time zones (every distroless image has both), HTTP clients used by HEALTHCHECK,
 * init wrappers (`docker run --init`), shells and user tools the runtime replaces.
 */
export const NOT_NEEDED_AT_RUNTIME = /^(?:ca-certificates|tzdata|curl|wget|tini|dumb-init|su-exec|gosu|bash|shadow|coreutils|busybox|procps|libc6-compat|gcompat|apt-utils|gnupg2?|lsb-release|locales|netbase|openssl|iproute2|iputils-ping|net-tools|nano|vim|less|unzip|zip|jq)$/;

/**
 * Programs an app typically runs at run time (image, video, document and PDF tools,
 * browsers, database clients): installed in a build that ships the app, they are there
 * because the app calls them, and a distroless image cannot have them.
 */
const RUNTIME_PROGRAMS = /^(?:ffmpeg|imagemagick|graphicsmagick|ghostscript|poppler-utils|tesseract-ocr(?:-\w+)?|chromium(?:-driver)?|chromium-browser|google-chrome-stable|firefox-esr|wkhtmltopdf|libreoffice(?:-\w+)?|pandoc|exiftool|libimage-exiftool-perl|sox|mediainfo|gifsicle|optipng|pngquant|jpegoptim|webp|qpdf|pdftk|unoconv|postgresql-client(?:-\d+)?|default-mysql-client|mariadb-client|mysql-client|openjdk-\d+-jre(?:-headless)?|default-jre(?:-headless)?|git-lfs|rpm|nmap|openvpn|wireguard-tools|kubectl|helm|docker-ce-cli|docker\.io|docker-cli)$/;

/** Libraries every distroless glibc image carries (base: glibc, libssl, CA certificates; cc adds libgcc and libstdc++). */
const IN_DISTROLESS_BASE = /^(?:libc6(?:-dev)?|libc-dev|libssl-dev|libssl3(?:t64)?|openssl|libgcc-\d+-dev|libstdc\+\+-\d+-dev|libstdc\+\+6|libgcc-s1|zlib1g(?:-dev)?|libgomp1|linux-libc-dev|ca-certificates)$/;

export function packagesOf(runs: RunStep[], managers: 'os' | 'any' = 'os'): { name: string; manager: string }[] {
  const commands: Command[] = runs.flatMap((r) => r.shell);
  return installedPackages(commands)
    .filter((p) => !p.removedBy && (managers === 'any' || p.change.manager in SYSTEM_PACKAGE_MANAGERS))
    .map((p) => ({ name: p.name, manager: p.change.manager }))
    .filter((p, i, all) => all.findIndex((q) => q.name === p.name) === i);
}

/**
 * Packages the shipped stage installs that the app may run or load: in a stage that only
 * assembles an artifact built elsewhere (`apk add git rpm xz` beside a Go binary) every
 * package is there for run time; in a stage that also builds, the known run-time
 * programs (ffmpeg, chromium, a database client) are.
 */
export function runtimePackages(context: LanguageContext, replaced: boolean): string | undefined {
  const own = context.runs.filter((r) => r.stage === context.stage || (replaced && context.chain.includes(r.stage)));
  const installed = packagesOf(own);
  // Nothing is built in a replaced stage, so what it installs (git too) is there for the app.
  const needed = installed.filter((p) => (replaced ? !NOT_NEEDED_AT_RUNTIME.test(p.name) && !/-dev(?:el)?$/.test(p.name) : RUNTIME_PROGRAMS.test(p.name)));
  if (needed.length === 0) return undefined;
  const names = needed.map((p) => p.name).join(', ');
  const where = stageLabel(context.stage);
  return `${where} installs ${names} with ${needed[0].manager}, which the app may run or load at run time, and a distroless image has no package manager to add ${needed.length > 1 ? 'them' : 'it'}: drop ${needed.length > 1 ? 'them' : 'it'} if the app does not use ${needed.length > 1 ? 'them' : 'it'}, or convert with --build (which carries the files the program uses), and convert again`;
}

/**
 * `-dev` packages the build of a native program installed: the binary links their
 * libraries (libncursesw, Qt, libpq), which cc/base-debian13 do not have. Static
 * builds are exempt.
 */
export function linkedDevPackages(runs: RunStep[], buildStage: Stage): string | undefined {
  const dev = packagesOf(runs).filter((p) => /-dev(?:el)?$/.test(p.name) && !IN_DISTROLESS_BASE.test(p.name) && !/^(?:python3?(?:\.\d+)?-dev|musl-dev|linux-headers)$/.test(p.name));
  if (dev.length === 0) return undefined;
  const names = dev.map((p) => p.name).join(', ');
  return `the native program is built in ${stageLabel(buildStage)} after installing ${names}, so it links ${dev.length > 1 ? 'their libraries' : 'its library'}, which the distroless cc image does not have: link statically, copy the shared libraries from the build stage by hand, or convert with --build (which finds and copies them), and convert again`;
}

/** The Docker socket is root:docker 0660 on the host: a non-root distroless user cannot open it. */
export function dockerSocket(context: LanguageContext): string | undefined {
  const texts: string[] = [...context.start];
  for (const st of context.chain) {
    for (const i of st.instructions) {
      const keyword = i.getKeyword();
      if (keyword === 'VOLUME' || keyword === 'ENV') texts.push(i.getTextContent());
    }
  }
  const hit = texts.find((t) => /docker\.sock\b/.test(t));
  if (!hit) return undefined;
  return `${stageLabel(context.stage)} uses the Docker socket (${/\S*docker\.sock/.exec(hit)?.[0] ?? 'docker.sock'}), which only root or the host's docker group can open, and the distroless image runs as the non-root user 65532: this app needs root, so it is not converted`;
}

/**
 * Where the chain writes `path` as a text file: a redirect (`echo … > start`, `cat <<EOF > start`),
 * `tee`, or a COPY of a here-document; the instruction's first line, or undefined.
 */
function scriptWrittenBy(context: LanguageContext, stage: Stage, path: string): string | undefined {
  const runs = stage === context.stage ? context.runs : runSteps(context.model, stage).runs;
  for (const run of runs) {
    for (const command of run.shell) {
      const words = values(command.words);
      const targets = [
        ...command.redirects.filter((r) => (r.op === '>' || r.op === '>>' || r.op === '>|' || r.op === '&>') && r.fd !== '2').map((r) => r.target?.value ?? ''),
        ...(basename(words[0] ?? '') === 'tee' ? words.slice(1).filter((w) => !w.startsWith('-')) : []),
      ];
      const target = targets.find((t) => t && !t.includes('$') && resolvePath(t, run.workdir) === path);
      if (target) {
        const written = `${words.join(' ').replace(/\s+/g, ' ')}${basename(words[0] ?? '') === 'tee' ? '' : ` > ${target}`}`;
        return written.length > 90 ? `${written.slice(0, 87)}...` : written;
      }
    }
  }
  for (const st of stageChainFromBase(stage)) {
    for (const i of st.instructions) {
      if (i.getKeyword() !== 'COPY' && i.getKeyword() !== 'ADD') continue;
      const text = i.getTextContent();
      if (!/<<-?\s*["']?\w+/.test(text.split('\n')[0])) continue;
      const words = text.split('\n')[0].trim().split(/\s+/);
      const dest = words[words.length - 1];
      if (dest && !dest.startsWith('<<') && resolvePath(dest, '/') === path) return text.split('\n')[0].trim();
    }
  }
  return undefined;
}

/**
 * The start program is a shell script the build produced (`./start` written by
 * `echo … > start`, or a file of the build context that begins with `#!/bin/sh`): the
 * converted image would ship it as if it were compiled, and it cannot run without a shell.
 */
export function builtShellScript(context: LanguageContext, programPath: string): string | undefined {
  const written = scriptWrittenBy(context, context.stage, programPath);
  if (written) {
    return `the start command runs ${programPath}, a shell script the build writes (${written}), and the runtime image has no shell: start the program the script runs directly (put its settings in ENV), or convert with --build, and convert again`;
  }
  const copied = context.copiedFrom(programPath);
  if (copied) {
    const elsewhere = scriptWrittenBy(context, copied.stage, copied.source);
    if (elsewhere) return `the start command runs ${programPath}, a shell script ${stageLabel(copied.stage)} writes (${elsewhere}), and the runtime image has no shell: start the program the script runs directly, and convert again`;
  }
  // A file of the build context put there by COPY: its first line says what it is.
  const origin = originOf(context.model, context.stage, programPath);
  if (origin && origin.fromStage === undefined && origin.copy.fromImage === undefined) {
    const head = context.workspace?.readFile(origin.source)?.split('\n')[0] ?? '';
    if (/^#!\s*\S*\/(?:env\s+)?(?:ba|da|a|z|k)?sh\b/.test(head)) {
      return `the start command runs ${programPath}, a shell script (${origin.source} in the build context begins with ${head.trim()}), and the runtime image has no shell: start the program the script runs directly (put its settings in ENV), or convert with --build, and convert again`;
    }
  }
  return undefined;
}

/**
 * apt package names that the Debian release a converted builder moves to does not have
 * (checked with apt-cache policy on debian:trixie and bookworm, 2026-12-07): the
 * `apt-get install` of the kept build would fail. The name the release has instead,
 * where there is one.
 */
const ABSENT_FROM_BOOKWORM: Record<string, string | undefined> = {
  python: 'python3', python2: undefined, 'python-dev': 'python3-dev', 'python-pip': 'python3-pip', netcat: 'netcat-openbsd',
  'libssl1.1': 'libssl3', libffi7: 'libffi8', 'mysql-client': 'default-mysql-client', 'gcc-10': 'gcc', 'libmariadbclient-dev': 'libmariadb-dev',
  'libappindicator3-1': 'libayatana-appindicator3-1', libtiff5: 'libtiff6',
};
const ABSENT_FROM_TRIXIE: Record<string, string | undefined> = {
  ...ABSENT_FROM_BOOKWORM,
  'software-properties-common': undefined, 'libgl1-mesa-glx': 'libgl1', 'python3-distutils': undefined, libncurses5: 'libncurses6',
  libtinfo5: 'libtinfo6', libssl3: 'libssl3t64', libaio1: 'libaio1t64', libasound2: 'libasound2t64', 'libgdk-pixbuf2.0-0': 'libgdk-pixbuf-2.0-0',
  libicu72: 'libicu76', 'libgconf-2-4': undefined, 'libpng16-16': 'libpng16-16t64', 'libglib2.0-0': 'libglib2.0-0t64', libcurl4: 'libcurl4t64',
  'libatk1.0-0': 'libatk1.0-0t64', libcups2: 'libcups2t64', 'libgtk-3-0': 'libgtk-3-0t64', libreadline8: 'libreadline8t64',
  'libevent-2.1-7': 'libevent-2.1-7t64', 'libgeos-c1v5': 'libgeos-c1t64', exa: 'eza', libgdbm6: 'libgdbm6t64', 'libdb5.3': 'libdb5.3t64',
  libpcre3: 'libpcre2-8-0', 'libpcre3-dev': 'libpcre2-dev', libvpx7: 'libvpx9', libavcodec59: 'libavcodec61',
  'openjdk-17-jdk': 'openjdk-21-jdk', 'openjdk-17-jre-headless': 'openjdk-21-jre-headless', wkhtmltopdf: undefined,
};

/** The Debian release of a Debian-based builder tag, when the tag names it. */
export function debianReleaseOfTag(tag: string | undefined): 'bookworm' | 'trixie' | undefined {
  const m = /(bookworm|trixie)/.exec(tag ?? '');
  return m ? (m[1] as 'bookworm' | 'trixie') : undefined;
}

/**
 * The first apt package of `runs` that `release` lacks, as one line naming the stage and
 * the new builder image; undefined when all exist (or are not in the table).
 */
export function vanishedAptPackage(runs: RunStep[], stage: Stage, newImage: string, release: 'bookworm' | 'trixie'): string | undefined {
  const table = release === 'trixie' ? ABSENT_FROM_TRIXIE : ABSENT_FROM_BOOKWORM;
  const missing = packagesOf(runs).filter((p) => (p.manager === 'apt-get' || p.manager === 'apt') && p.name in table);
  if (missing.length === 0) return undefined;
  const p = missing[0];
  const instead = table[p.name];
  return `the build moves from ${stage.resolvedImage ?? imageOf(stage.from) ?? 'its image'} to ${newImage} (Debian ${release}) to match the runtime, and ${release} has no apt package ${p.name}, so apt-get install in ${stageLabel(stage)} would fail: ${instead ? `install ${instead} instead` : 'drop it'}, and convert again`;
}

/** The home of the runtime image's non-root user: distroless `nonroot` (uid 65532), chiseled .NET `app` (uid 1654). */
export function runtimeHome(runtimeImage: string): string | undefined {
  if (/\/dotnet\/[^:]+:[^@]*chiseled/.test(runtimeImage)) return '/home/app';
  if (/:(?:debug-)?nonroot\b/.test(runtimeImage)) return '/home/nonroot';
  return undefined;
}

const UNDER_ROOT = /(^|[\s"'=:[,])\/root(?=\/|[\s"',\]:]|$)/g;

/**
 * A runtime stage line with its /root paths moved to the non-root user's home:
 * distroless and chiseled images keep /root 0700 for root, so a WORKDIR, a copied app
 * or a PYTHONPATH there cannot be entered by the user the image runs as. COPY sources
 * (paths in the build stage) stay as they are.
 */
export function movedOutOfRoot(line: string, home: string): string {
  const keyword = /^\s*(\w+)/.exec(line)?.[1]?.toUpperCase();
  if (keyword === 'COPY' || keyword === 'ADD') {
    const m = /^(.*\s)(\S+)$/.exec(line);
    if (!m) return line;
    return `${m[1]}${m[2].replace(UNDER_ROOT, (_all, lead: string) => `${lead}${home}`)}`;
  }
  if (keyword === 'WORKDIR' || keyword === 'ENV' || keyword === 'ENTRYPOINT' || keyword === 'CMD' || keyword === 'VOLUME') {
    return line.replace(UNDER_ROOT, (_all, lead: string) => `${lead}${home}`);
  }
  return line;
}

/** True when the runtime stage's working directory (or an app copy) lies under /root. */
export function livesUnderRoot(context: LanguageContext, plan: Plan): boolean {
  const workdir = plan.workdir ?? context.workdir;
  return isInside(workdir, '/root') || plan.copies.some((c) => /\s\/root(?:\/\S*)?$/.test(c));
}

/**
 * The first thing the app needs at run time that the planned runtime stage would lack,
 * as a one-line refusal; undefined when nothing the text shows is missing.
 */
export function missingAtRuntime(context: LanguageContext, plan: Plan, language: string, artifact: { stage: Stage; runs: RunStep[] } | undefined, known: { script: boolean; libraries: boolean; packages?: boolean } = { script: false, libraries: false }): string | undefined {
  const socket = dockerSocket(context);
  if (socket) return socket;
  const program = context.start[0];
  // With the built image read (--build), the start program and its libraries are known, not guessed.
  if (!known.script && program && (program.includes('/') || program.startsWith('.'))) {
    const script = builtShellScript(context, resolvePath(program, context.workdir));
    if (script) return script;
  }
  if (language !== 'dotnet' && !known.packages) {
    const packages = runtimePackages(context, plan.replaceShipped);
    if (packages) return packages;
  }
  if (!known.libraries && (language === 'c' || language === 'rust' || language === 'go') && /\/(?:cc|base)-debian\d+/.test(plan.runtimeImage)) {
    const linked = linkedDevPackages(artifact?.runs ?? context.runs, artifact?.stage ?? context.stage);
    if (linked) return linked;
  }
  return undefined;
}

/**
 * EXPOSEd ports below 1024 under a non-root runtime user: Docker Engine 20.10 and later
 * let any user bind them (it sets net.ipv4.ip_unprivileged_port_start=0 in each
 * container, moby/moby#41030), Kubernetes and other runtimes do not by default. Said in
 * the comment, so the move to non-root does not surprise there.
 */
export function lowPortNote(context: LanguageContext, runtimeImage: string): string | undefined {
  if (!runtimeHome(runtimeImage)) return undefined;
  const ports: number[] = [];
  for (const st of context.chain) {
    for (const i of st.instructions) {
      if (i.getKeyword() !== 'EXPOSE') continue;
      for (const m of i.getTextContent().matchAll(/\b(\d{1,5})(?:\/(?:tcp|udp))?\b/g)) {
        const port = Number(m[1]);
        if (port > 0 && port < 1024 && !ports.includes(port)) ports.push(port);
      }
    }
  }
  if (ports.length === 0) return undefined;
  return `Port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} ${ports.length > 1 ? 'are' : 'is'} below 1024 and the image runs as a non-root user: Docker lets it bind ${ports.length > 1 ? 'them' : 'it'}, Kubernetes does not by default; listen on 1024 or above (8080) there.`;
}
