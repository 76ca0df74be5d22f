import { explained } from '../messages';
import type { Instruction } from 'dockerfile-ast';
import { DockerfileModel, Stage, copySources, offsetOf, rangeOf } from '../model';
import type { Finding, Rule } from '../types';
import { distrolessImage } from '../imageFacts';
import { argumentsContentOf } from '../instructions';

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
      if (!stage.base.staticOnly) continue;
      for (const { from } of copySources(model, stage)) if (!builders.has(from)) builders.set(from, stage);
    }
    const findings: Finding[] = [];
    for (const [builder, runtime] of builders) {
      if (stageSetsCgoOff(builder)) continue;
      for (const instruction of builder.instructions) {
        if (instruction.getKeyword() !== 'RUN') continue;
        findings.push(...goBuildsWithoutCgoOff(model, instruction, runtime, distrolessRegistry));
      }
    }
    return findings;
  },
};

/** ENV or ARG CGO_ENABLED=0 in the stage or the stages it builds on. */
function stageSetsCgoOff(stage: Stage): boolean {
  if (stage.env.get('CGO_ENABLED') === '0') return true;
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (const i of s.instructions) {
      if (i.getKeyword() === 'ARG' && /\bCGO_ENABLED=["']?0\b/.test(argumentsContentOf(i) ?? '')) return true;
    }
  }
  return false;
}

const GO_BUILD = /\bgo\s+(?:build|install)\b/g;

function goBuildsWithoutCgoOff(model: DockerfileModel, run: Instruction, runtime: Stage, registry?: string): Finding[] {
  const range = run.getRange();
  const start = offsetOf(model, range.start);
  const text = model.text.slice(start, offsetOf(model, range.end));
  const findings: Finding[] = [];
  for (const match of text.matchAll(GO_BUILD)) {
    const at = match.index ?? 0;
    const before = text.slice(0, at);
    if (/\bexport\s+(?:[A-Za-z_]\w*=\S*\s+)*CGO_ENABLED=["']?0\b/.test(before)) continue;
    // The assignment words directly in front of this command (`A=1 CGO_ENABLED=0 go build`).
    const segment = before.replace(/\\\r?\n/g, ' ').split(/&&|\|\||[;|\n]/).pop() ?? '';
    if (/\bCGO_ENABLED=["']?0\b/.test(segment)) continue;
    const explicitOn = /\bCGO_ENABLED=["']?1\b/.test(segment);
    const target = runtime.name ? `stage "${runtime.name}"` : 'the runtime stage';
    const message = explained(
      explicitOn
        ? 'CGO_ENABLED=1 links libc, which the runtime image lacks: build with CGO_ENABLED=0'
        : 'cgo is on by default here, so the binary needs libc, which the runtime lacks: set CGO_ENABLED=0',
      `This go build's binary is copied into ${target} on ${runtime.resolvedImage ?? 'a static image'}, which has no C library; ` +
      `with cgo ${explicitOn ? 'enabled' : 'left on (the default where a C compiler exists)'} the binary is linked dynamically and fails there with "no such file or directory". ` +
      (explicitOn ? `Build with CGO_ENABLED=0, or ship on ${distrolessImage('base', registry)} if the code needs cgo.` : 'Build it with CGO_ENABLED=0.'));
    const matchRange = rangeOf(model, start + at, start + at + match[0].length);
    findings.push({
      range: matchRange,
      message,
      fixes: explicitOn ? [] : [{ title: 'Prefix the build with CGO_ENABLED=0', edits: [{ range: { start: matchRange.start, end: matchRange.start }, newText: 'CGO_ENABLED=0 ' }], preferred: true }],
    });
  }
  return findings;
}
