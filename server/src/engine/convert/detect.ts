/**
 * Which language an app is written in, from the strongest evidence down: the
 * interpreter the start command runs, the base image of the stage that produced the
 * artifact, the build commands, and last the files beside the Dockerfile.
 */
import type { Runtime } from '../imageFacts';
import type { Stage } from '../model';
import type { Language, RunStep } from './types';
import type { WorkspaceFiles } from '../types';

const RUNTIME_LANGUAGE: Partial<Record<Runtime, Language>> = { go: 'go', node: 'node', python: 'python', java: 'java', rust: 'rust', dotnet: 'dotnet', c: 'c' };

export function languageOfRuntime(runtime: Runtime): Language | undefined {
  return RUNTIME_LANGUAGE[runtime];
}

function interpreterLanguage(program: string | undefined): Language | undefined {
  if (!program) return undefined;
  const name = program.split('/').pop() ?? program;
  if (/^(?:node|nodejs|npm|yarn|pnpm)$/.test(name)) return 'node';
  if (/^python[\d.]*$/.test(name) || /\.py$/.test(name) || /^(?:gunicorn|uvicorn|flask|hypercorn|celery|daphne)$/.test(name)) return 'python';
  if (name === 'java' || /\.jar$/.test(name)) return 'java';
  if (name === 'dotnet' || /\.dll$/.test(name)) return 'dotnet';
  return undefined;
}

const COMMAND_LANGUAGE: Array<[RegExp, Language]> = [
  [/^go$/, 'go'],
  [/^cargo$/, 'rust'],
  [/^(?:npm|yarn|pnpm|npx|node)$/, 'node'],
  [/^(?:pip[\d.]*|python[\d.]*|poetry|pipenv|uv)$/, 'python'],
  [/^(?:mvn|gradle|\.\/gradlew|\.\/mvnw|javac|java)$/, 'java'],
  [/^dotnet$/, 'dotnet'],
];
const C_COMMANDS = /^(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|make|cmake)$/;

function commandLanguage(runs: RunStep[]): Language | undefined {
  const counts = new Map<Language, number>();
  let c = false;
  for (const run of runs) {
    for (const words of run.commands) {
      const program = words[0];
      const hit = COMMAND_LANGUAGE.find(([p]) => p.test(program));
      if (hit) counts.set(hit[1], (counts.get(hit[1]) ?? 0) + 1);
      else if (C_COMMANDS.test(program)) c = true;
    }
  }
  // make and gcc also drive other languages' builds, so they count only alone.
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return best ? best[0] : c ? 'c' : undefined;
}

const FILE_LANGUAGE: Array<[string, Language]> = [
  ['go.mod', 'go'], ['Cargo.toml', 'rust'], ['package.json', 'node'], ['pyproject.toml', 'python'], ['requirements.txt', 'python'],
  ['Pipfile', 'python'], ['setup.py', 'python'], ['pom.xml', 'java'], ['build.gradle', 'java'], ['build.gradle.kts', 'java'],
];

function fileLanguage(workspace: WorkspaceFiles | undefined): Language | undefined {
  if (!workspace) return undefined;
  const found = FILE_LANGUAGE.filter(([f]) => workspace.readFile(f) !== undefined).map(([, l]) => l);
  const distinct = [...new Set(found)];
  if (distinct.length === 1) return distinct[0];
  if (distinct.length === 0 && (workspace.findFiles?.(/\.(?:cs|fs)proj$/, 1) ?? []).length > 0) return 'dotnet';
  // Several manifests (a Node front end beside a Go service): the files alone cannot decide.
  return undefined;
}

export interface DetectInput {
  start: string[];
  /** The stage the artifact comes from, when another stage's COPY put it into the shipped stage. */
  artifactStage?: Stage;
  chain: Stage[];
  runs: RunStep[];
  artifactRuns: RunStep[];
  workspace?: WorkspaceFiles;
}

export function detectLanguage(input: DetectInput): Language | undefined {
  return interpreterLanguage(input.start[0])
    ?? (input.artifactStage ? languageOfRuntime(input.artifactStage.base.runtime) ?? commandLanguage(input.artifactRuns) : undefined)
    ?? languageOfRuntime(input.chain[0].base.runtime)
    ?? commandLanguage(input.runs)
    ?? fileLanguage(input.workspace);
}
