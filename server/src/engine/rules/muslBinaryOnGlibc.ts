import { explained } from '../messages';
import { C_COMPILER_PACKAGES, GO_CGO_OFF_WITHOUT_CC_SINCE, compareVersions } from '../imageFacts';
import type { DockerfileModel, Stage } from '../model';
import type { Finding, Rule } from '../types';
import { commandsOf } from '../shell';
import { packageInstalls, packageName } from '../packages';
import { chainInstructions, copySources, stageChainToBase } from '../stages';
import { goBuildsFromBase } from '../goBuilds';
import { argumentsOf } from '../instructions';

/**
 * A dynamically linked binary built on Alpine needs /lib/ld-musl-*.so.1; glibc
 * distroless images do not have it, so exec fails with "no such file or directory"
 * although the file is there.
 */
export const muslBinaryOnGlibc: Rule = {
  id: 'musl-binary-on-glibc',
  defaultSeverity: 'warning',
  summary: 'A binary built on Alpine (musl) without a static build is copied into a glibc distroless image.',
  check({ model }) {
    const findings: Finding[] = [];
    for (const stage of model.stages) {
      if (stage.base.family !== 'distroless' || stage.base.libc !== 'glibc') continue;
      for (const { instruction, from } of copySources(model, stage)) {
        if (from.base.libc !== 'musl') continue;
        const kind = dynamicMuslBuild(model, from);
        if (!kind) continue;
        const args = argumentsOf(instruction);
        findings.push({
          range: { start: args[0].getRange().start, end: args[args.length - 1].getRange().end },
          message: explained(`This ${kind} links musl (Alpine) but runs on glibc, so it cannot start: build it statically`,
            `This copies a ${kind} built on ${from.resolvedImage ?? 'an Alpine stage'} (musl) into ${stage.resolvedImage ?? 'a glibc distroless image'} (glibc). ` +
            'Linked dynamically against musl, it needs /lib/ld-musl-*.so.1, which is not there: the container fails with "no such file or directory". ' +
            (kind === 'Go binary'
              ? 'Either build it statically with CGO_ENABLED=0 (then gcr.io/distroless/static-debian13 is enough), or build on a glibc image such as golang:<version>-bookworm.'
              : 'Either link it statically (-static, or a musl target for Rust) and ship on static-debian13, or build on a glibc (Debian-based) image.')),
        });
      }
    }
    return findings;
  },
};

/** What dynamic musl binary the stage builds, if any. */
function dynamicMuslBuild(model: DockerfileModel, stage: Stage): string | undefined {
  const hasCompiler = chainInstructions(stage).some((i) => packageInstalls(model, i).some((p) => p.packages.some((w) => C_COMPILER_PACKAGES.has(packageName(w)))));
  const goVersion = stageChainToBase(stage).map((s) => s.base.runtimeVersion).find((v) => v !== undefined);
  // Since Go 1.20 cgo is off by default where no C compiler is installed (golang:alpine ships none).
  const cgoDefaultOn = hasCompiler || (goVersion !== undefined && compareVersions(goVersion, GO_CGO_OFF_WITHOUT_CC_SINCE) < 0);
  for (const build of goBuildsFromBase(model, stage)) {
    if (build.cgo === '1' || (build.cgo === undefined && cgoDefaultOn && stage.base.runtime === 'go')) return 'Go binary';
  }
  for (const instruction of chainInstructions(stage)) {
    if (instruction.getKeyword() !== 'RUN') continue;
    for (const c of commandsOf(model, instruction)) {
      const words = c.words.map((w) => w.value);
      const program = words[0] ?? '';
      // Rust's musl targets link statically unless crt-static is turned off.
      if (program === 'cargo' && words[1] === 'build' && [...c.assignments.map((a) => a.value), ...words].some((w) => /-crt-static/.test(w))) return 'Rust binary';
      if (/^(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)$/.test(program) && !words.includes('-static') && !words.includes('-c')) return 'C/C++ binary';
    }
  }
  return undefined;
}
