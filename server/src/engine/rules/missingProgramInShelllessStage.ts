import type { Instruction } from 'dockerfile-ast';
import { interpreterWords } from '../imageFacts';
import { knownShellless } from './runtimeStage';
import { Stage, execFormArguments } from '../model';
import type { Finding, Fix, Rule, WorkspaceFiles } from '../types';
import { basename } from '../shell';
import { chainInstructions } from '../stages';
import { packageScript, packageScriptRun, plainNodeArguments } from '../packageScripts';
import { MISSING_PROGRAMS, argumentsRange, stageProvidesProgram, toExecForm } from './util';

/**
 * Exec-form commands that start a program the shell-less image does not have
 * (a shell, curl, npm, pip, a package manager): the container fails at start, or
 * every health probe fails.
 */
export const missingProgramInShelllessStage: Rule = {
  id: 'missing-program-in-shellless-stage',
  defaultSeverity: 'error',
  summary: 'An exec-form CMD, ENTRYPOINT or HEALTHCHECK starts a program the shell-less image does not have.',
  check({ model, workspace }) {
    const stage = model.shipped;
    if (!stage || !knownShellless(model, stage)) return [];
    const findings: Finding[] = [];
    const all = chainInstructions(stage);
    const last = (keyword: string) => all.filter((i) => i.getKeyword() === keyword).pop();
    const entrypoint = last('ENTRYPOINT');
    const cmd = last('CMD');
    const healthcheck = last('HEALTHCHECK');
    const entrypointArgs = entrypoint ? execFormArguments(entrypoint) : undefined;
    // CMD names the program only when no ENTRYPOINT of the Dockerfile takes it as arguments.
    const checks: Array<[Instruction | undefined, string]> = [[entrypoint, 'ENTRYPOINT'], [entrypointArgs && entrypointArgs.length > 0 ? undefined : cmd, 'CMD'], [healthcheck, 'HEALTHCHECK']];
    for (const [instruction, keyword] of checks) {
      if (!instruction) continue;
      const args = execFormArguments(instruction);
      if (!args || args.length === 0) continue;
      const program = basename(args[0]);
      if (!MISSING_PROGRAMS.has(program) || stageProvidesProgram(model, stage, args[0])) continue;
      const range = argumentsRange(instruction);
      if (!range) continue;
      const interpreter = keyword === 'CMD' && !stage.entrypointOverridden && stage.base.entrypoint && stage.base.entrypoint.length > 0
        ? ` (the image's ENTRYPOINT ${stage.base.entrypoint.join(' ')} would be handed "${args[0]}" as its script)` : '';
      const base = `${keyword} starts ${args[0]}, which ${stage.resolvedImage ?? 'this image'} does not have${interpreter}: it has no shell, package manager, npm or network tools, so ${keyword === 'HEALTHCHECK' ? 'every probe fails and the container is reported unhealthy' : 'the container fails to start'}.`;
      findings.push(startScriptFinding(stage, keyword, args, range, base, workspace) ?? {
        range,
        message: `${base} ${advice(program, keyword)}`,
      });
    }
    return findings;
  },
};

function advice(program: string, keyword: string): string {
  if (program === 'curl' || program === 'wget') {
    return 'Either copy a static curl binary from a build stage (COPY --from=<stage> /path/to/static-curl /usr/bin/curl), or give the app a health sub-command (HEALTHCHECK CMD ["/app", "health"]).';
  }
  if (['npm', 'npx', 'yarn', 'pnpm'].includes(program)) {
    return `Start the program with the runtime directly: ${keyword} ["server.js"] on a distroless nodejs image (its ENTRYPOINT is node).`;
  }
  if (['pip', 'pip3', 'pipenv', 'poetry'].includes(program)) {
    return 'Install dependencies in a build stage and copy them in; start the script directly (CMD ["app.py"] on distroless python3).';
  }
  return 'Run the program itself in exec form, without a shell or helper in front of it.';
}

/** `npm start` / `yarn start` resolved through package.json to the script node runs. */
function startScriptFinding(
  stage: Stage, keyword: string, args: string[],
  range: Finding['range'], base: string, workspace: WorkspaceFiles | undefined,
): Finding | undefined {
  const run = packageScriptRun(args);
  if (run?.name !== 'start' || keyword === 'HEALTHCHECK') return undefined;
  const node = interpreterWords('node');
  const imageEntrypoint = stage.base.entrypoint;
  if (stage.base.runtime !== 'node' || !node || !imageEntrypoint || imageEntrypoint.length === 0) return undefined;
  const packageJson = workspace?.readFile('package.json');
  if (packageJson === undefined) {
    return { range, message: `${base} Run the start script's file with node directly (CMD ["server.js"]); package.json was not found beside the Dockerfile, so the file could not be read from its start script.` };
  }
  const script = packageScript(packageJson, 'start');
  const nodeArgs = script === undefined ? undefined : plainNodeArguments(script);
  if (!script || !nodeArgs) {
    return { range, message: `${base} The start script in package.json is ${script === undefined ? 'missing' : `"${script}"`}, not a plain "node <file>": run that file with node directly in exec form.` };
  }
  const rest = [...nodeArgs, ...run.extra];
  // CMD on the image's node ENTRYPOINT takes only node's arguments; an ENTRYPOINT (or a CMD
  // under an ENTRYPOINT the Dockerfile set) must name node itself.
  const replacement = keyword === 'CMD' && !stage.entrypointOverridden ? rest : [...imageEntrypoint, ...rest];
  const exec = toExecForm(replacement);
  return {
    range,
    message: `${base} package.json's start script is "${script.trim()}": run it directly with ${keyword} ${exec}.`,
    fixes: [{ title: `Run the start script directly: ${keyword} ${exec}`, edits: [{ range, newText: exec }], preferred: true } satisfies Fix],
  };
}

