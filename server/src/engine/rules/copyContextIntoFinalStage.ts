import type { Stage } from '../model';
import type { Finding, Rule } from '../types';
import type { DockerfileModel } from '../model';
import { copyAt, goBuildsFromBase, stageChainToBase, stageReference } from '../stages';
import { argumentsOf } from '../instructions';

/**
 * `COPY . .` into the stage that ships, in a build that has a build stage: the
 * sources, tests, .git and any secrets in the context ship alongside the artifact.
 */
export const copyContextIntoFinalStage: Rule = {
  id: 'copy-context-into-final-stage',
  defaultSeverity: 'warning',
  summary: 'The whole build context is copied into the shipped stage of a multi-stage build.',
  check({ model }) {
    const stage = model.shipped;
    if (!stage || model.stages.length < 2) return [];
    const chain = new Set(stageChainToBase(stage));
    // A build whose other stages are only ancestors of the shipped one separates nothing.
    const builders = model.stages.filter((s) => !chain.has(s) && s.index < stage.index);
    if (builders.length === 0) return [];
    const findings: Finding[] = [];
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'COPY' && keyword !== 'ADD') continue;
      const paths = copyAt(model, instruction);
      if (!paths || paths.flags.from !== undefined || !paths.sources.some((s) => /^\.\/?$/.test(s))) continue;
      const args = argumentsOf(instruction);
      findings.push({
        range: { start: args[0].getRange().start, end: args[args.length - 1].getRange().end },
        message: `${keyword} ${paths.sources.join(' ')} copies the whole build context into the stage that ships: sources, tests, .git and any secret files in the folder end up in the image, ` +
          `and every edit invalidates this layer. ${artifactAdvice(model, builders)}`,
      });
    }
    return findings;
  },
};

function artifactAdvice(model: DockerfileModel, builders: Stage[]): string {
  const builder = builders[builders.length - 1];
  const outputs = buildOutputs(model, builder);
  const ref = stageReference(builder);
  if (outputs.length > 0) return `Copy only what the build produced, e.g. COPY --from=${ref} ${outputs[0]} ${outputs[0]}, plus the files the program reads at run time.`;
  return `Copy only the built artifact from the build stage (COPY --from=${ref} <path> <dest>) and the files the program reads at run time.`;
}

/** Where the stage's builds put their results (`go build -o`, followed through mv/cp), absolute. */
function buildOutputs(model: DockerfileModel, stage: Stage): string[] {
  return goBuildsFromBase(model, stage).filter((b) => !b.install).flatMap((b) => b.paths);
}
