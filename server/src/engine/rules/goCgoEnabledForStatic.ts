import { explained } from '../messages';
import { DockerfileModel, Stage, rangeOf } from '../model';
import type { Finding, Rule } from '../types';
import { distrolessImage } from '../imageFacts';
import { GoBuild, cgoOnByDefault, shippedGoBuilds } from '../goBuilds';
import { nonRuntimeStage } from './runtimeStage';

/**
 * A `go build` whose binary lands in a static or scratch runtime without CGO_ENABLED=0:
 * with cgo on (the default where a C compiler is installed) the binary links libc
 * dynamically and fails to start where there is none. Only builds whose binary the
 * shipped stage copies in are judged (a tool a build stage installs for itself never
 * runs there), and a build on golang:*-alpine without a C compiler installed is
 * already static (cgo turns itself off there, see cgoOnByDefault).
 */
export const goCgoEnabledForStatic: Rule = {
  id: 'go-cgo-enabled-for-static',
  defaultSeverity: 'warning',
  summary: 'A Go binary copied into a static or scratch image is built without CGO_ENABLED=0.',
  check({ model, distrolessRegistry }) {
    const runtime = model.shipped;
    // An export stage hands files to the host or to another stage, which may have a libc.
    if (!runtime || !runtime.base.staticOnly || nonRuntimeStage(model, runtime)) return [];
    const findings: Finding[] = [];
    for (const { build } of shippedGoBuilds(model, runtime)) {
      if (build.cgo === '0' || (build.cgo === undefined && !cgoOnByDefault(model, build.stage))) continue;
      findings.push(finding(model, build, runtime, distrolessRegistry));
    }
    return findings;
  },
};

function finding(model: DockerfileModel, build: GoBuild, runtime: Stage, registry?: string): Finding {
  const explicitOn = build.cgo === '1';
  const target = runtime.name ? `stage "${runtime.name}"` : 'the runtime stage';
  const message = explained(
    explicitOn
      ? 'CGO_ENABLED=1 links libc, which the runtime image lacks: build with CGO_ENABLED=0'
      : 'cgo is on by default here, so the binary needs libc, which the runtime lacks: set CGO_ENABLED=0',
    `This go build's binary is copied into ${target} on ${runtime.resolvedImage ?? 'a static image'}, which has no C library; ` +
    `with cgo ${explicitOn ? 'enabled' : 'left on (the default where a C compiler exists)'} the binary is linked dynamically and fails there with "no such file or directory". ` +
    (explicitOn ? `Build with CGO_ENABLED=0, or ship on ${distrolessImage('base', registry)} if the code needs cgo.` : 'Build it with CGO_ENABLED=0.'));
  const [go, verb] = build.command.words;
  const matchRange = rangeOf(model, go.start, verb.end);
  return {
    range: matchRange,
    message,
    // Exec form has no place for an assignment.
    fixes: explicitOn || build.command.exec ? [] : [{ title: 'Prefix the build with CGO_ENABLED=0', edits: [{ range: { start: matchRange.start, end: matchRange.start }, newText: 'CGO_ENABLED=0 ' }], preferred: true }],
  };
}
