import { clip, explained } from '../messages';
import type { Stage } from '../model';
import type { Finding, Rule } from '../types';
import type { DockerfileModel } from '../model';
import { copyAt, stageChainToBase, stageReference } from '../stages';
import { goBuildsFromBase } from '../goBuilds';
import { argumentsContentOf, argumentsOf } from '../instructions';
import { execFormArguments } from '../model';
import { basename } from '../shell';
import { effectiveCmd } from './runtimeStage';
import { imageName } from '../imageFacts';
import type { WorkspaceFiles } from '../types';

/**
 * `COPY . .` into the stage that ships, in a build that has a build stage: the
 * sources, tests, .git and any secrets in the context ship alongside the artifact.
 */
export const copyContextIntoFinalStage: Rule = {
  id: 'copy-context-into-final-stage',
  defaultSeverity: 'warning',
  summary: 'The whole build context is copied into the shipped stage of a multi-stage build.',
  check({ model, workspace }) {
    const stage = model.shipped;
    if (!stage || model.stages.length < 2) return [];
    const language = interpretedLanguage(stage);
    const dockerignore = readDockerignore(workspace);
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
      if (language) {
        // The source is what runs: "copy the artifact" cannot be followed. With a .dockerignore
        // beside the Dockerfile the author has chosen what the context holds.
        if (dockerignore !== undefined) continue;
        findings.push({
          range: { start: args[0].getRange().start, end: args[args.length - 1].getRange().end },
          message: explained(workspace
            ? `${keyword} ${clip(paths.sources.join(' '), 20)} ships the whole context and no .dockerignore: add one without .git, .env`
            : `${keyword} ${clip(paths.sources.join(' '), 20)} ships the whole build context: keep .git and secrets out with .dockerignore`,
          `${keyword} ${paths.sources.join(' ')} copies the whole build context into the stage that ships${workspace ? ', and there is no .dockerignore beside the Dockerfile' : ''}: ` +
            `.git, tests, local environment files and any secrets in the folder end up in the image. For a ${language} app the source is what runs, so keep the copy but ` +
            `add a .dockerignore that leaves out .git, tests, .env and other secrets, or copy the named paths the app needs (e.g. COPY ${namedPathsExample(language)} ./).`),
        });
        continue;
      }
      findings.push({
        range: { start: args[0].getRange().start, end: args[args.length - 1].getRange().end },
        message: explained(`${keyword} ${clip(paths.sources.join(' '), 20)} ships the whole build context: copy only the built artifact`,
          `${keyword} ${paths.sources.join(' ')} copies the whole build context into the stage that ships: sources, tests, .git and any secret files in the folder end up in the image, ` +
          `and every edit invalidates this layer. ${artifactAdvice(model, builders)}`),
      });
    }
    return findings;
  },
};

/**
 * The interpreted language of the shipped stage, where the source is the program: from
 * the image, or from the interpreter its start command runs (`FROM alpine` +
 * `apk add nodejs` + `ENTRYPOINT ["node", "server.js"]`).
 */
function interpretedLanguage(stage: Stage): string | undefined {
  if (stage.base.runtime === 'node') return 'Node.js';
  if (stage.base.runtime === 'python') return 'Python';
  const name = imageName(stage.base.ref);
  if (name === 'ruby') return 'Ruby';
  if (name === 'php') return 'PHP';
  if (name === 'perl') return 'Perl';
  const start = [stage.entrypoint, effectiveCmd(stage)].find((i) => i !== undefined);
  if (!start) return undefined;
  const program = basename((execFormArguments(start) ?? (argumentsContentOf(start) ?? '').trim().split(/\s+/))[0] ?? '');
  if (/^(?:node|nodejs|npm|yarn|pnpm)$/.test(program)) return 'Node.js';
  if (/^(?:python[23]?(?:\.\d+)?|gunicorn|uvicorn|flask|celery)$/.test(program)) return 'Python';
  if (/^(?:ruby|bundle|rails|puma)$/.test(program)) return 'Ruby';
  if (/^(?:php|php-fpm)$/.test(program)) return 'PHP';
  return undefined;
}

function namedPathsExample(language: string): string {
  switch (language) {
    case 'Node.js': return 'package.json package-lock.json src/';
    case 'Python': return 'requirements.txt app/';
    case 'Ruby': return 'Gemfile Gemfile.lock app/ config/';
    default: return 'src/';
  }
}

function readDockerignore(workspace: WorkspaceFiles | undefined): string | undefined {
  try {
    return workspace?.readFile('.dockerignore');
  } catch {
    return undefined;
  }
}

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
