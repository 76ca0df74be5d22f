/**
 * What the packages a replaced runtime stage installs are for, read from the built image
 * (`distroless convert --build`, evidence from server/src/docker/buildFacts.ts): a package
 * whose library the program links is carried by copying that library (groundPlan); one
 * that puts programs in the image is there for the app to run them (`apt-get install
 * git xz-utils` beside a server), which a distroless image cannot give it, so the
 * conversion is refused naming the package and its programs; one whose files the program
 * neither links nor runs (a library it may dlopen, data it may read) is refused naming them,
 * and so is one with no files of its own (a metapackage: its dependencies are what it installs).
 */
import type { GroundedEvidence } from './grounded';
import { NOT_NEEDED_AT_RUNTIME, packagesOf, stageLabel } from './runtimeNeeds';
import type { LanguageContext, Plan } from './types';

/** Files of a package that are documentation or packaging, not something a program uses. */
const PACKAGING = /^\/usr\/share\/(?:doc|doc-base|man|info|lintian|bug|locale)\//;
const PROGRAM = /^\/(?:usr\/)?(?:local\/)?s?bin\/[^/]+$/;

/** With usrmerge, /lib/x86_64-linux-gnu and /usr/lib/x86_64-linux-gnu are one directory: the loader may name either. */
function merged(file: string): string {
  return file.replace(/^\/usr\/(?=(?:lib|lib64|bin|sbin)\/)/, '/');
}

/** A list's files: a path that is the prefix of another is a directory. */
function filesOf(list: string[]): string[] {
  const dirs = new Set<string>();
  for (const f of list) for (let i = f.lastIndexOf('/'); i > 0; i = f.lastIndexOf('/', i - 1)) dirs.add(f.slice(0, i));
  return list.filter((f) => !dirs.has(f) && !PACKAGING.test(f));
}

function shortList(items: string[], max = 3): string {
  return items.length > max ? `${items.slice(0, max).join(', ')}, …` : items.join(', ');
}

/**
 * For a runtime stage that only assembles (replaced), with dpkg's lists read from the
 * built image: a refusal naming the first package whose files the program does not link,
 * or `carried` when every package is a library the program links (copied by groundPlan).
 * Undefined when there is nothing to ground (the stage also builds, no lists were read,
 * or a package has no list in the image): the text-only check then speaks.
 */
export function groundedRuntimePackages(context: LanguageContext, plan: Plan, evidence: GroundedEvidence): { refuse: string } | 'carried' | undefined {
  if (!plan.replaceShipped || evidence.packages === undefined) return undefined;
  const own = context.runs.filter((r) => context.chain.includes(r.stage));
  const installed = packagesOf(own).filter((p) => (p.manager === 'apt-get' || p.manager === 'apt') && !NOT_NEEDED_AT_RUNTIME.test(p.name) && !/-dev$/.test(p.name));
  if (installed.length === 0) return undefined;
  const program = evidence.program?.path ?? context.start[0] ?? 'the program';
  const linked = new Set((evidence.program?.libraries ?? []).map((l) => l.path).filter((p): p is string => p !== undefined).map(merged));
  for (const p of installed) {
    const list = evidence.packages.find((q) => q.name === p.name);
    if (!list) return undefined;
    const files = filesOf(list.files);
    const programs = files.filter((f) => PROGRAM.test(f));
    if (programs.length > 0) {
      return { refuse: `${stageLabel(context.stage)} installs ${p.name} with ${p.manager}, which puts programs in the image (${shortList(programs)}) that ${program} does not link, so they are there for the app to run, and a distroless image cannot provide them: drop ${p.name} if the app never runs them, or keep this stage on a Debian image, and convert again` };
    }
    if (files.some((f) => linked.has(merged(f)))) continue;
    // A metapackage (default-mysql-client, imagemagick) has only its docs: what it installs
    // are its dependencies, whose lists are not read, so nothing here shows they are unused.
    if (files.length === 0) {
      return { refuse: `${stageLabel(context.stage)} installs ${p.name} with ${p.manager}, which has no files of its own: it is there for the packages it depends on, which the app may run or load and a distroless image cannot provide: drop ${p.name} if the app does not use them, or keep this stage on a Debian image, and convert again` };
    }
    return { refuse: `${stageLabel(context.stage)} installs ${p.name} with ${p.manager}, whose files (${shortList(files)}) ${program} does not link, so the app may load or read them at run time, and a distroless image has no package manager to add them: drop ${p.name} if the app does not use it, or copy those files from a stage of the same distribution, and convert again` };
  }
  return 'carried';
}

/**
 * The build stage to copy the program's libraries from when the shipped stage installed
 * them itself: the one the program was copied from, else the first the build showed to
 * have every one of them at the same path.
 */
export function stageWithLibraries(evidence: GroundedEvidence, libraries: string[], context: LanguageContext): string | undefined {
  const complete = (evidence.stages ?? []).filter((s) => libraries.every((l) => s.has.includes(l))).map((s) => s.name.toLowerCase());
  const artifact = evidence.program ? context.copiedFrom(evidence.program.path)?.stage.name : undefined;
  const names = context.model.stages.map((s) => s.name).filter((n): n is string => n !== undefined && complete.includes(n.toLowerCase()));
  return artifact && names.includes(artifact) ? artifact : names[0];
}
