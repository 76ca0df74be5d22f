import { clip, explained } from '../messages';
import type { Instruction } from 'dockerfile-ast';
import { DockerfileModel, Stage, execFormArguments } from '../model';
import type { Finding, Fix, Rule } from '../types';
import { basename, commandsOf } from '../shell';
import { chainInstructions, copySources, stageReference } from '../stages';
import { MISSING_PROGRAMS, appendToStage } from './util';
import { knownShellless } from './runtimeStage';
import { argumentsContentOf, imageOf } from '../instructions';

/** Where the fix stages directories in the builder, away from anything the build put there. */
export const STAGING_DIR = '/distroless-dirs';

/** RUN in a stage whose image has no /bin/sh: the build stops at that step. */
export const runInShelllessStage: Rule = {
  id: 'run-in-shellless-stage',
  defaultSeverity: 'error',
  summary: 'RUN in a stage whose image has no shell.',
  check({ model }) {
    const findings: Finding[] = [];
    for (const stage of model.stages) {
      if (!knownShellless(model, stage)) continue;
      // A SHELL instruction means the Dockerfile brings its own shell (e.g. a copied busybox).
      if (chainInstructions(stage).some((i) => i.getKeyword() === 'SHELL')) continue;
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'RUN') continue;
        const exec = execFormArguments(instruction);
        // Exec form runs the program directly; it only fails when the program is one the image lacks.
        if (exec && exec.length > 0 && !MISSING_PROGRAMS.has(basename(exec[0]))) continue;
        const image = stage.resolvedImage ?? imageOf(stage.from) ?? 'this image';
        const fix = moveToBuilder(model, stage, instruction);
        findings.push({
          range: instruction.getRange(),
          message: explained(`RUN needs ${clip(exec ? exec[0] : '/bin/sh', 20)}, which this image lacks: do it in a build stage and COPY`,
            `RUN needs ${exec ? exec[0] : '/bin/sh'}, and ${image} has no shell or coreutils: the build fails at this step with "no such file or directory". ` +
            (fix
              ? 'It only prepares directories: create them in the build stage and COPY them in with the owner set.'
              : 'Do this work in a build stage and COPY --from the result (COPY --chown sets ownership).')),
          fixes: fix ? [fix] : [],
        });
      }
    }
    return findings;
  },
};

interface DirPlan {
  dirs: string[];
  chown?: string;
}

/**
 * `mkdir -p` and `chown` on the same directories are the one case that maps onto COPY
 * exactly: the directory is made in the builder and the owner set by COPY --chown.
 * chmod is left alone: whether COPY keeps a copied directory's own mode differs
 * between builders, so that edit would not be safe.
 */
function planDirectories(model: DockerfileModel, instruction: Instruction): DirPlan | undefined {
  if (execFormArguments(instruction)) return undefined;
  const content = argumentsContentOf(instruction) ?? '';
  // Only `&&` may join the commands; anything else is shell logic the plan would lose.
  if (/\|\||[;|<>$`*?(){}'"\\~]/.test(content.replace(/&&/g, ''))) return undefined;
  const plan: DirPlan = { dirs: [] };
  for (const c of commandsOf(model, instruction)) {
    if (c.assignments.length > 0) return undefined;
    const [program, ...args] = c.words.map((w) => w.value);
    const flags = args.filter((a) => a.startsWith('-'));
    const operands = args.filter((a) => !a.startsWith('-'));
    if (program === 'mkdir') {
      if (flags.some((f) => !/^(?:-p|--parents)$/.test(f)) || operands.length === 0) return undefined;
      if (operands.some((p) => !p.startsWith('/'))) return undefined;
      plan.dirs.push(...operands);
    } else if (program === 'chown') {
      if (flags.some((f) => !/^(?:-R|--recursive)$/.test(f)) || operands.length < 2) return undefined;
      const [owner, ...paths] = operands;
      if (plan.chown !== undefined && plan.chown !== owner) return undefined;
      plan.chown = owner;
      if (paths.some((p) => !plan.dirs.includes(p))) return undefined;
    } else {
      return undefined;
    }
  }
  return plan.dirs.length > 0 ? plan : undefined;
}

function moveToBuilder(model: DockerfileModel, stage: Stage, instruction: Instruction): Fix | undefined {
  const plan = planDirectories(model, instruction);
  if (!plan) return undefined;
  const builder = copySources(model, stage).map((c) => c.from).filter((s) => !s.shellless && s.index < stage.index).pop();
  if (!builder) return undefined;
  // A chown to a name would need /etc/passwd in the runtime image; only numeric owners are safe.
  if (plan.chown !== undefined && !/^\d+(?::\d+)?$/.test(plan.chown)) return undefined;
  const staged = (dir: string) => `${STAGING_DIR}${dir.replace(/\/+$/, '')}`;
  const builderStep = `mkdir -p ${plan.dirs.map(staged).join(' ')}`;
  const ref = stageReference(builder);
  const chown = plan.chown ? ` --chown=${plan.chown}` : '';
  const eol = model.eol;
  const copies = plan.dirs.map((d) => `COPY --from=${ref}${chown} ${staged(d)} ${d.replace(/\/+$/, '')}`).join(eol);
  const r = instruction.getRange();
  return {
    title: `Create ${plan.dirs.join(', ')} in stage "${ref}" and COPY ${plan.dirs.length === 1 ? 'it' : 'them'} in`,
    preferred: true,
    edits: [
      appendToStage(model, builder, `RUN ${builderStep}`),
      { range: { start: r.start, end: r.end }, newText: copies },
    ],
  };
}
