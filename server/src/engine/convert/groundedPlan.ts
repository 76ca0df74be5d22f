/**
 * The converter's decisions with the built image's evidence (grounded.ts): the start
 * command behind a plain wrapper script, and for native programs the runtime image and
 * the libraries copied from the build stage. Kept apart from index.ts so the pipeline
 * only asks two questions.
 */
import { distrolessNativeImage } from '../imageFacts';
import { envLines, librariesToCopy, plainWrapper, type GroundedEvidence } from './grounded';
import { stageWithLibraries } from './groundedPackages';
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
