import { DockerfileModel, Stage, rangeOf } from '../model';
import type { Finding, Rule } from '../types';
import { distrolessImage } from '../imageFacts';
import { copySources, goBuildsFromBase } from '../stages';
import { nonRuntimeStage } from './runtimeStage';

/**
 * A `go build` whose binary lands in a static or scratch stage without CGO_ENABLED=0:
 * with cgo on (the default on images with a C compiler) the binary links glibc
 * dynamically and fails to start where there is no libc.
 */
export const goCgoEnabledForStatic: Rule = {
  id: 'go-cgo-enabled-for-static',
  defaultSeverity: 'warning',
  summary: 'A Go binary copied into a static or scratch image is built without CGO_ENABLED=0.',
  check({ model, distrolessRegistry }) {
    const builders = new Map<Stage, Stage>();
    for (const stage of model.stages) {
      // An export stage hands files to the host or to another stage, which may have a libc.
      if (!stage.base.staticOnly || nonRuntimeStage(model, stage)) continue;
      for (const { from } of copySources(model, stage)) if (!builders.has(from)) builders.set(from, stage);
    }
    const findings: Finding[] = [];
    for (const [builder, runtime] of builders) {
      findings.push(...goBuildsWithoutCgoOff(model, builder, runtime, distrolessRegistry));
    }
    return findings;
  },
};

/** The stage's own go builds that run with cgo on or unset (inline, export, go env -w, ENV and ARG all count). */
function goBuildsWithoutCgoOff(model: DockerfileModel, builder: Stage, runtime: Stage, registry?: string): Finding[] {
  const findings: Finding[] = [];
  for (const build of goBuildsFromBase(model, builder)) {
    if (build.stage !== builder || build.cgo === '0') continue;
    const explicitOn = build.cgo === '1';
    const target = runtime.name ? `stage "${runtime.name}"` : 'the runtime stage';
    const message =
      `This go build's binary is copied into ${target} on ${runtime.resolvedImage ?? 'a static image'}, which has no C library; ` +
      `with cgo ${explicitOn ? 'enabled' : 'left on (the default where a C compiler exists)'} the binary is linked dynamically and fails there with "no such file or directory". ` +
      (explicitOn ? `Build with CGO_ENABLED=0, or ship on ${distrolessImage('base', registry)} if the code needs cgo.` : 'Build it with CGO_ENABLED=0.');
    const [go, verb] = build.command.words;
    const matchRange = rangeOf(model, go.start, verb.end);
    findings.push({
      range: matchRange,
      message,
      // Exec form has no place for an assignment.
      fixes: explicitOn || build.command.exec ? [] : [{ title: 'Prefix the build with CGO_ENABLED=0', edits: [{ range: { start: matchRange.start, end: matchRange.start }, newText: 'CGO_ENABLED=0 ' }], preferred: true }],
    });
  }
  return findings;
}
