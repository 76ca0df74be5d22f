/**
 * The converter's decisions with the built image's evidence (grounded.ts): the start
 * command behind a plain wrapper script, and for native programs the runtime image and
 * the libraries copied from the build stage. Kept apart from index.ts so the pipeline
 * only asks two questions.
 */
import { distrolessNativeImage } from '../imageFacts';
import { envLines, extensionNeeds, librariesToCopy, plainWrapper, rootOwnedWorkdir, type GroundedEvidence } from './grounded';
import { stageWithLibraries } from './groundedPackages';
import { isInside } from '../stages';
import { runtimeHome } from './runtimeNeeds';
import type { Language, LanguageContext, Plan } from './types';

/** Programs the converters read by name (the interpreter decides the language and the runtime image). */
const INTERPRETERS = /^(?:node|nodejs|npm|npx|yarn|pnpm|python[\d.]*|pip[\d.]*|java|dotnet|gunicorn|uvicorn|flask|hypercorn|celery|daphne|streamlit|waitress|tini|dumb-init)$/;

export type GroundedStart = { words: string[]; entrypointLength: number; env: Array<[string, string]> } | { refuse: string };

/** The start command the built image runs, with a plain wrapper script replaced by the program it execs; undefined without evidence of a script. */
export function groundedStart(evidence: GroundedEvidence | undefined): GroundedStart | undefined {
  const program = evidence?.program;
  if (!evidence || !program) return undefined;
  const start = [...evidence.entrypoint, ...evidence.cmd];
  if (program.kind === 'elf' && program.musl && !program.isStatic) {
    return { refuse: `the start program ${program.path} in the built image is linked against musl (its interpreter is ${program.interpreter}), which the glibc distroless images do not have: link it statically (CGO_ENABLED=0, -static) or build it on a Debian image, and convert again` };
  }
  // A native program named through PATH: the image says which file it is.
  if (program.kind === 'elf' && start[0] !== undefined && !start[0].includes('/') && !INTERPRETERS.test(start[0])) {
    return { words: [program.path, ...start.slice(1)], entrypointLength: evidence.entrypoint.length, env: [] };
  }
  if (program.kind !== 'script') return undefined;
  const wrapper = plainWrapper(program.script ?? '', program.path);
  if ('refuse' in wrapper) return wrapper;
  const args = wrapper.passesArguments ? start.slice(1) : [];
  return { words: [...wrapper.exec, ...args], entrypointLength: wrapper.exec.length, env: wrapper.env };
}

/**
 * For a native program read from the built image: a static program ships on static; a
 * glibc one on base or cc with every library of its closure the runtime lacks copied
 * from the build stage at the path the build image's loader found it. A library the
 * image itself could not find, or one only the replaced stage installed, is refused by name.
 */
export function groundPlan(plan: Plan, language: Language, evidence: GroundedEvidence, context: LanguageContext, env: Array<[string, string]>): { librariesKnown: boolean } | { refuse: string } {
  if (env.length > 0) plan.env = [...envLines(env), ...(plan.env ?? [])];
  const program = evidence.program;
  // Go builds are made static by the conversion (CGO_ENABLED=0) unless cgo is needed; the interpreted languages ship their runtime image.
  if (!program || program.kind !== 'elf' || (language !== 'c' && language !== 'rust' && !(language === 'go' && /\/base-debian/.test(plan.runtimeImage)))) {
    return { librariesKnown: false };
  }
  if (program.isStatic) {
    if (language === 'c') plan.runtimeImage = distrolessNativeImage('static', context.distrolessRegistry);
    return { librariesKnown: true };
  }
  const runtime = /\/static-debian/.test(plan.runtimeImage) ? 'static' : /\/cc-debian/.test(plan.runtimeImage) ? 'cc' : 'base';
  const wanted = runtime === 'static' ? 'cc' : runtime;
  const { copy, missing } = librariesToCopy(evidence, wanted);
  if (missing.length > 0) {
    return { refuse: `${program.path} needs ${missing.join(', ')}, which the built image's loader does not find either (not in its library path): fix the build so the program starts there, and convert again` };
  }
  if (runtime === 'static') plan.runtimeImage = distrolessNativeImage('libstdc++', context.distrolessRegistry);
  // A shipped stage that only assembles is replaced: its libraries come from an earlier stage the build showed has them all.
  const from = copy.length > 0 && plan.replaceShipped ? stageWithLibraries(evidence, copy, context) : context.buildName;
  if (from === undefined) {
    return { refuse: `${program.path} needs ${copy.join(', ')}, which the shipped stage installs itself and which no build stage has to copy from: install them in the build stage (or a stage of the same distribution), and convert again` };
  }
  plan.copies = [...plan.copies, ...copy.map((path) => `COPY --from=${from} ${path} ${path}`)];
  // The comment's note about libraries beyond glibc is answered by the copies.
  plan.notes = (plan.notes ?? []).filter((n) => !/^Shared libraries the binary loads/.test(n));
  if (copy.length > 0) plan.notes.push(`Libraries the program links that the runtime image lacks, read from the built image: ${copy.map((p) => p.split('/').pop()).join(', ')}.`);
  return { librariesKnown: true };
}

/** The build-stage paths the runtime stage's `COPY --from=<build>` lines bring over. */
function copiedSources(plan: Plan, buildName: string): string[] {
  return plan.copies.filter((line) => line.trim().split(/\s+/).includes(`--from=${buildName}`)).flatMap(sourcesOfCopy);
}

function sourcesOfCopy(line: string): string[] {
  return line.trim().split(/\s+/).slice(1).filter((w) => !w.startsWith('--')).slice(0, -1);
}

/**
 * A Node.js or Python app's native extensions, read from the built image like programs:
 * the libraries their closures need that the distroless runtime lacks are copied from
 * the build stage at the path the build image's loader found them; an extension built
 * against musl is refused. What could not be read is said in the comment.
 */
export function groundExtensions(plan: Plan, language: Language, evidence: GroundedEvidence, context: LanguageContext): { refuse: string } | undefined {
  const extensions = evidence.extensions;
  if (!extensions || (language !== 'python' && language !== 'node')) return undefined;
  const sources = copiedSources(plan, context.buildName);
  const needs = extensionNeeds(evidence, language, (p) => sources.some((s) => isInside(p, s)));
  const runtime = language === 'python' ? 'python3' : 'nodejs';
  if (needs.musl.length > 0) {
    return { refuse: `the native extension ${needs.musl[0]} in the built image is linked against musl (Alpine's C library), and the distroless ${runtime} image has glibc only: build the app's packages on a Debian image so they are compiled for glibc, and convert --build again` };
  }
  const notes = plan.notes ?? (plan.notes = []);
  if (needs.copy.length > 0) {
    if (plan.replaceShipped) {
      return { refuse: `the native extension ${needs.copy[0].for} needs ${needs.copy.map((c) => c.soname).join(', ')}, which the shipped stage installs itself and which no build stage has to copy from: install ${needs.copy.length > 1 ? 'them' : 'it'} in the build stage, and convert again` };
    }
    plan.copies = [...plan.copies, ...needs.copy.map((c) => `COPY --from=${context.buildName} ${c.path} ${c.path}`)];
    notes.push(`Libraries native extensions link that the ${runtime} image lacks, read from the built image: ${needs.copy.map((c) => `${c.soname} (${c.for.split('/').pop()})`).join(', ')}.`);
  }
  if (needs.absent.length > 0) {
    notes.push(`The built image does not have ${needs.absent.map((a) => `${a.soname} (for ${a.for.split('/').pop()})`).join(', ')} either: importing ${needs.absent.length > 1 ? 'those extensions' : 'that extension'} fails there as here.`);
  }
  if (extensions.capped || extensions.unread.length > 0) {
    const unread = extensions.unread.length > 0 ? `${extensions.unread.length} extension file${extensions.unread.length > 1 ? 's were' : ' was'} too large to read (${extensions.unread[0]}${extensions.unread.length > 1 ? ', ...' : ''})` : undefined;
    notes.push(`Native extensions not all read: ${[extensions.capped, unread].filter(Boolean).join('; ')}; the libraries of the rest are unchecked, run with --verify.`);
  }
  return undefined;
}

/** The note for a working directory the original's root user owned and the runtime's non-root user cannot write. */
export function groundWorkdir(plan: Plan, evidence: GroundedEvidence, context: LanguageContext): void {
  const workdir = rootOwnedWorkdir(evidence);
  const home = runtimeHome(plan.runtimeImage);
  // Under /root the static conversion already moves it to the user's home.
  if (!workdir || !home || isInside(workdir, '/root') || isInside(workdir, home)) return;
  // Only the directory the runtime stage runs in: a program copied elsewhere (/app) with no WORKDIR kept is not there.
  if ((plan.workdir ?? context.workdir).replace(/(.)\/+$/, '$1') !== workdir.replace(/(.)\/+$/, '$1')) return;
  const owner = home === '/home/app' ? '1654:1654' : '65532:65532';
  // Already the runtime user's: a copy of the directory (or a parent) with --chown.
  if (plan.copies.some((c) => c.includes(`--chown=${owner}`) && sourcesOfCopy(c).some((s) => isInside(workdir, s)))) return;
  // A builder without BuildKit creates a new WORKDIR as root (moby/moby#36677; BuildKit as the image's user, moby/buildkit#1002), and COPY --chown leaves a directory that exists as it is.
  (plan.notes ?? (plan.notes = [])).push(`The original ran as root in ${workdir}, which root owns; here the app runs as a non-root user: if it writes there (a pid or cache file), make the directory its own with COPY --from=${context.buildName} --chown=${owner} ${workdir} ${workdir} before WORKDIR (verify reports such a write as permission denied).`);
}
