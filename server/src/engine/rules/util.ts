/** Helpers several rules share: where to edit an image reference, shell syntax, stage ends, missing programs. */
import type { Instruction } from 'dockerfile-ast';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Stage } from '../model';
import { argumentsOf } from '../instructions';
import { basename } from '../shell';
import { SYSTEM_PACKAGE_MANAGERS } from '../packages';
import { chainCopies } from '../stages';

// Shared readers, under the names the rules have always used.
export { replaceImageEdit } from '../stages';
export { firstShellSyntax } from '../shell';

/** Exec-form JSON for plain words. */
export function toExecForm(words: string[]): string {
  return `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

/** The range of an instruction's arguments (flags excluded), from the first to the last. */
export function argumentsRange(instruction: Instruction): Range | undefined {
  const args = argumentsOf(instruction);
  if (args.length === 0) return undefined;
  return { start: args[0].getRange().start, end: args[args.length - 1].getRange().end };
}

/** An edit that adds `line` as a new instruction after the stage's last instruction. */
export function appendToStage(model: DockerfileModel, stage: Stage, line: string): TextEdit {
  const end = stage.range.end;
  const eol = model.eol;
  return { range: { start: end, end }, newText: `${eol}${line}` };
}

export function shippedDescription(model: DockerfileModel, stage: Stage): string {
  if (model.stages.length === 1) return 'the image';
  return stage.name ? `the shipped stage "${stage.name}"` : 'the shipped (last) stage';
}

/** Programs that no shell-less image has (no shell, no package manager, no network tools). */
export const MISSING_PROGRAMS = new Set([
  'sh', 'bash', 'ash', 'dash', 'zsh', 'ksh',
  'curl', 'wget', 'nc', 'netcat',
  'npm', 'npx', 'yarn', 'pnpm', 'pip', 'pip3', 'pipenv', 'poetry',
  ...Object.keys(SYSTEM_PACKAGE_MANAGERS),
  'env', 'cat', 'ls', 'echo', 'test', 'sleep', 'chmod', 'chown', 'mkdir', 'cp', 'mv', 'rm', 'ln', 'touch',
]);

/**
 * True when the stage (or what it inherits) copies in a file with this program's
 * name, e.g. a static curl or busybox: then the program is there after all.
 */
export function stageProvidesProgram(model: DockerfileModel, stage: Stage, program: string): boolean {
  const name = basename(program);
  for (const copy of chainCopies(model, stage)) {
    if (copy.heredoc) continue;
    const all = [...copy.sources, copy.destination];
    if (all.some((p) => basename(p) === name || p === program || /busybox/.test(p))) return true;
  }
  return false;
}
