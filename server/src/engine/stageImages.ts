/**
 * The images a model's stages run on, as the host and the editor need them: the
 * references to look up, the stage under a position (hover), and the note a finding
 * gets when it rests on a fact about its base image that is not known.
 */
import type { Position } from 'vscode-languageserver-types';
import type { DockerfileModel, Stage } from './model';
import { fromPlatform } from './buildArgs';
import { imageRangeOf } from './instructions';
import { absenceWords, imageKey, provenanceOf, type FactName } from './observedImage';

/**
 * The image references a model's FROM lines resolve to (stage names, `scratch` and
 * references with an unset variable left out): what the host should look up.
 */
export function baseImageReferences(model: DockerfileModel): string[] {
  const out = new Set<string>();
  for (const stage of model.stages) {
    const ref = stage.resolvedImage?.trim();
    if (stage.parent || !ref || ref.toLowerCase() === 'scratch') continue;
    out.add(imageKey(ref, fromPlatform(stage.from, model.globalArgs)));
  }
  return [...out];
}

/** The stage whose FROM image is under `position`, for hover. */
export function stageAtImage(model: DockerfileModel, position: Position): Stage | undefined {
  return model.stages.find((stage) => {
    const r = imageRangeOf(stage.from);
    if (!r) return false;
    const after = (a: Position, b: Position) => a.line > b.line || (a.line === b.line && a.character >= b.character);
    return after(position, r.start) && after(r.end, position);
  });
}

/** The image facts each rule's findings rest on. */
const RESTS_ON: Readonly<Record<string, readonly FactName[]>> = {
  'shell-form-in-shellless-stage': ['shell'],
  'run-in-shellless-stage': ['shell'],
  'healthcheck-needs-shell': ['shell'],
  'missing-program-in-shellless-stage': ['shell'],
  'runs-as-root': ['user'],
  'user-not-resolvable': ['user'],
};

const FACT_WORDS: Record<FactName, (image: string) => string> = {
  shell: (image) => `whether ${image} has /bin/sh`,
  user: (image) => `which user ${image} runs as`,
  entrypoint: (image) => `the entrypoint of ${image}`,
  runtime: (image) => `the runtime of ${image}`,
  libc: (image) => `the libc of ${image}`,
  caBundle: (image) => `whether ${image} has a CA bundle`,
};

/**
 * A finding that rests on a fact about the base image that is not known says so, in
 * its message: the user then knows it is a judgement, and how to make it a fact
 * (have the image on the local engine).
 */
export function noteUnknownFacts(model: DockerfileModel, diagnoses: Array<{ ruleId: string; range: { start: Position }; message: string }>): void {
  for (const d of diagnoses) {
    const facts = RESTS_ON[d.ruleId];
    if (!facts) continue;
    const line = d.range.start.line;
    const stage = [...model.stages].reverse().find((s) => s.from.getRange().start.line <= line) ?? model.shipped;
    const p = stage ? provenanceOf(stage.base) : undefined;
    if (!stage || !p) continue;
    const unknown = facts.filter((f) => p.sources[f].kind === 'unknown');
    if (unknown.length === 0) continue;
    const image = p.reference || 'the base image';
    d.message = `${d.message} (This rests on an unknown fact: ${unknown.map((f) => FACT_WORDS[f](image)).join(' and ')} is not known: ${absenceWords(p.observation)}.)`;
  }
}
