/** Helpers several rules share: shell syntax, stage ends, descriptions (image reference edits are in ../imageText.ts). */
import type { Instruction } from 'dockerfile-ast';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import { DockerfileModel, Stage, offsetOf } from '../model';
import { argumentsOf } from '../instructions';

// Shared with the converter, which may not import rules: see engine/imageText.ts.
export { imageTextLocation, replaceImageEdit, type ImageTextLocation } from '../imageText';

/**
 * The first piece of shell syntax in a shell-form command, or undefined when the
 * command is plain words that exec form can carry unchanged.
 */
export function firstShellSyntax(command: string): string | undefined {
  const checks: Array<[RegExp, string]> = [
    [/&&/, '&&'], [/\|\|/, '||'], [/\|/, '|'], [/;/, ';'], [/[<>]/, 'a redirect'],
    [/\$/, 'a variable ($)'], [/`/, 'command substitution (`)'], [/[*?[\]]/, 'a glob'],
    [/[()]/, 'a subshell'], [/[{}]/, 'braces'], [/['"]/, 'quotes'], [/\\/, 'a backslash escape'],
    [/(^|\s)~/, '~'], [/(^|\s)#/, 'a comment'], [/(^|\s)&(\s|$)/, 'a background job (&)'],
    [/^\s*[A-Za-z_][A-Za-z0-9_]*=/, 'a variable assignment'],
  ];
  for (const [pattern, name] of checks) if (pattern.test(command)) return name;
  return undefined;
}

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
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  return { range: { start: end, end }, newText: `${eol}${line}` };
}

export function instructionText(model: DockerfileModel, instruction: Instruction): string {
  const r = instruction.getRange();
  return model.text.slice(offsetOf(model, r.start), offsetOf(model, r.end));
}

export function shippedDescription(model: DockerfileModel, stage: Stage): string {
  if (model.stages.length === 1) return 'the image';
  return stage.name ? `the shipped stage "${stage.name}"` : 'the shipped (last) stage';
}
