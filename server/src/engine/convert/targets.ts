/**
 * Which image family a conversion ships on (`convert --to`, the `convertTo` key):
 * distroless (the default, what every language converter picks), or the Chainguard or
 * Docker Hardened Image known to run the converted app the same way. The language
 * converters plan for distroless; here that plan moves to the other family: its image,
 * the start command the image needs (the families differ in what ENTRYPOINT they set),
 * and the owner of the app's files (the user the image runs as). Every fact below names
 * its source; a runtime whose equivalent is not documented is refused with the reason,
 * never guessed (docs/image-facts.md, "Converting to another family").
 */
import { classifyImage, DISTROLESS_PYTHON_VERSION } from '../imageFacts';
import type { Plan } from './types';

export type ImageTarget = 'distroless' | 'chainguard' | 'dhi';
export const IMAGE_TARGETS: readonly ImageTarget[] = ['distroless', 'chainguard', 'dhi'];

/** What a distroless runtime image holds, as the language converters chose it. */
type Runtime =
  | { kind: 'static' | 'glibc' | 'libstdc++' }
  | { kind: 'node'; major: string }
  | { kind: 'python'; version: string }
  | { kind: 'java'; major: string };

interface Equivalent {
  image: string;
  /** The user the image runs as, who must own what the distroless plan gave 65532. */
  user: { uid: number; gid: number };
  /** CMD for the distroless plan's CMD, given the image's own ENTRYPOINT (none, or the interpreter). */
  cmd?: (cmd: readonly string[]) => string[];
  /** The image sets a WORKDIR (`work-dir: /app`), so the converted stage writes its own even when it is `/`. */
  setsWorkdir?: boolean;
}

type Answer = Equivalent | { refuse: string };

const NONROOT = { uid: 65532, gid: 65532 };
const CHAINGUARD = 'Chainguard';
const DHI = 'Docker Hardened Images';

/**
 * Chainguard's free images (cgr.dev/chainguard, `:latest` only; the sources are the
 * image definitions in github.com/chainguard-images/images).
 */
function chainguard(runtime: Runtime): Answer {
  switch (runtime.kind) {
    case 'static':
      // Nonroot 65532, CA bundle, no libc: edu.chainguard.dev/chainguard/migration/porting-apps-to-chainguard/
      return { image: 'cgr.dev/chainguard/static:latest', user: NONROOT };
    case 'glibc':
    case 'libstdc++':
      // packages glibc, libgcc, libstdc++, ca-certificates-bundle: images/glibc-dynamic/configs/latest.apko.yaml;
      // nonroot 65532: edu.chainguard.dev/chainguard/migration/porting-apps-to-chainguard/
      return { image: 'cgr.dev/chainguard/glibc-dynamic:latest', user: NONROOT };
    case 'java': {
      // ENTRYPOINT /usr/bin/java, user java (65532), work-dir /app: images/jre/config/template.apko.yaml.
      // Which OpenJDK :latest carries is not pinned; images/jre/configs/latest.apko.yaml had openjdk-17-jre,
      // and :latest only moves to newer releases, which run older class files.
      if (Number(runtime.major) > 17) {
        return { refuse: `the jar is built for Java ${runtime.major}, and ${CHAINGUARD}'s free jre image is published as :latest only, whose Java release is not pinned (its catalog definition showed 17): convert with --to dhi or --to distroless` };
      }
      return { image: 'cgr.dev/chainguard/jre:latest', user: NONROOT, cmd: (cmd) => ['-jar', ...cmd], setsWorkdir: true };
    }
    case 'node':
      // ENTRYPOINT /usr/bin/node, user node (65532): images/node/config/template.apko.yaml; but :latest only.
      return { refuse: `the app is built with Node.js ${runtime.major}, and ${CHAINGUARD}'s free node image is published as :latest only, whose Node.js release need not be ${runtime.major} (native addons and "engines" ranges depend on it): convert with --to dhi or --to distroless` };
    case 'python':
      // ENTRYPOINT /usr/bin/python, nonroot 65532: images/python/config/template.apko.yaml; but :latest only.
      return { refuse: `the packages are installed for Python ${runtime.version}, and ${CHAINGUARD}'s free python image is published as :latest only, whose Python release need not be ${runtime.version} (compiled packages are built for one): convert with --to dhi or --to distroless` };
  }
}

/** Node.js, Python and Java releases of the Debian 13 runtime images in the DHI catalog (image/<name>/debian-13/<version>.yaml). */
const DHI_NODE = new Set(['20', '22', '24', '25', '26']);
const DHI_PYTHON = new Set(['3.10', '3.11', '3.12', '3.13', '3.14']);
const DHI_JAVA = new Set(['8', '11', '17', '21', '25', '26']);

/**
 * Docker Hardened Images (dhi.io), from their catalog definitions
 * (github.com/docker-hardened-images/catalog): `accounts.run-as`, `cmd`, `tags`.
 */
function dhi(runtime: Runtime): Answer {
  const missing = (what: string) => ({ refuse: `${DHI} has no Debian 13 runtime image for ${what} in its catalog: convert with --to distroless` });
  switch (runtime.kind) {
    case 'static':
      // run-as nonroot (65532), base-files, ca-certificates, tzdata: image/static/debian-13/static.yaml
      return { image: 'dhi.io/static:20250419-debian13', user: NONROOT };
    case 'glibc':
      // run-as nonroot (65532), libc6, ca-certificates, tzdata: image/static/debian-13/static-glibc.yaml
      return { image: 'dhi.io/static:20250419-glibc-debian13', user: NONROOT };
    case 'libstdc++':
      return { refuse: `the program needs libstdc++ and libgcc, and ${DHI} documents no runtime image with them (static-glibc lists libc6 only: image/static/debian-13/static-glibc.yaml): convert with --to distroless` };
    case 'node':
      // run-as node (1000), CMD ["node"] and no ENTRYPOINT, work-dir /app, tag <major>-debian13: image/node/debian-13/<major>.yaml
      if (!DHI_NODE.has(runtime.major)) return missing(`Node.js ${runtime.major}`);
      return { image: `dhi.io/node:${runtime.major}-debian13`, user: { uid: 1000, gid: 1000 }, cmd: (cmd) => ['node', ...cmd], setsWorkdir: true };
    case 'python':
      // run-as nonroot (65532), CMD ["python3"] and no ENTRYPOINT, tag <version>-debian13: image/python/debian-13/<version>.yaml
      if (!DHI_PYTHON.has(runtime.version)) return missing(`Python ${runtime.version}`);
      return { image: `dhi.io/python:${runtime.version}-debian13`, user: NONROOT, cmd: (cmd) => ['python3', ...cmd] };
    case 'java':
      // run-as nonroot (65532), CMD ["java", "--help"] and no ENTRYPOINT, java on PATH (/usr/local/bin), tag <major>-debian13:
      // image/eclipse-temurin/debian-13/jre-<major>.yaml
      if (!DHI_JAVA.has(runtime.major)) return missing(`Java ${runtime.major}`);
      return { image: `dhi.io/eclipse-temurin:${runtime.major}-debian13`, user: NONROOT, cmd: (cmd) => ['java', '-jar', ...cmd] };
  }
}

/** The distroless runtime a language converter chose, by the image's name (static, base, cc, nodejs22, python3, java21). */
function runtimeOf(runtimeImage: string): Runtime | undefined {
  const name = classifyImage(runtimeImage).distroless?.name;
  if (name === 'static') return { kind: 'static' };
  if (name === 'base' || name === 'base-nossl') return { kind: 'glibc' };
  if (name === 'cc') return { kind: 'libstdc++' };
  const node = /^nodejs(\d+)$/.exec(name ?? '');
  if (node) return { kind: 'node', major: node[1] };
  if (name === 'python3') return { kind: 'python', version: DISTROLESS_PYTHON_VERSION };
  const java = /^java(\d+)$/.exec(name ?? '');
  if (java) return { kind: 'java', major: java[1] };
  return undefined;
}

/** The plan moved to the family `to`, or why the conversion cannot target it. */
export function planForTarget(plan: Plan, to: ImageTarget | undefined): Plan | { refuse: string } {
  if (!to || to === 'distroless') return plan;
  const family = to === 'dhi' ? DHI : CHAINGUARD;
  const runtime = runtimeOf(plan.runtimeImage);
  if (!runtime) {
    return { refuse: `this app needs ${plan.runtimeImage}, which has no ${family} equivalent the converter knows: convert with --to distroless` };
  }
  const answer = to === 'dhi' ? dhi(runtime) : chainguard(runtime);
  if ('refuse' in answer) return answer;
  // The language images set ENTRYPOINT to the interpreter on distroless; where the family's image does not, CMD names it.
  if (answer.cmd && plan.entrypoint) {
    return { refuse: `the converted start command sets ENTRYPOINT ${JSON.stringify(plan.entrypoint)}, and ${answer.image} is started through its interpreter: convert with --to distroless` };
  }
  const owner = `--chown=${answer.user.uid}:${answer.user.gid}`;
  return {
    ...plan,
    runtimeImage: answer.image,
    fromImage: undefined,
    copies: plan.copies.map((c) => c.replace(/--chown=65532:65532\b/, owner)),
    cmd: answer.cmd ? answer.cmd(plan.cmd ?? []) : plan.cmd,
    imageSetsWorkdir: answer.setsWorkdir,
  };
}
