/** Helpers several rules share: where to edit an image reference, shell syntax, stage ends. */
import type { Instruction } from 'dockerfile-ast';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import { DockerfileModel, Stage, offsetOf } from '../model';
import { argumentsOf, imageRangeOf } from '../instructions';

export interface ImageTextLocation {
  /** The literal image reference text at `range` (no variables). */
  text: string;
  range: Range;
  /** True when the literal sits in a global ARG default rather than in FROM itself. */
  viaArg: boolean;
}

/**
 * Where the image of `stage` is written literally: in FROM itself, or in the
 * default of the global ARG that FROM consists of (`FROM ${BASE}`). Undefined when
 * the reference mixes variables and text, where no single edit is safe.
 */
export function imageTextLocation(model: DockerfileModel, stage: Stage): ImageTextLocation | undefined {
  if (stage.parent) return undefined;
  const range = imageRangeOf(stage.from);
  if (!range) return undefined;
  const written = model.text.slice(offsetOf(model, range.start), offsetOf(model, range.end));
  if (!written.includes('$')) return { text: written, range, viaArg: false };
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(written);
  if (!m) return undefined;
  const name = m[1] ?? m[2];
  const args = model.dockerfile.getInitialARGs().filter((a) => a.getProperty()?.getName() === name);
  const arg = args[args.length - 1];
  const valueRange = arg?.getProperty()?.getValueRange();
  const value = arg?.getProperty()?.getValue();
  if (!valueRange || !value) return undefined;
  const literal = model.text.slice(offsetOf(model, valueRange.start), offsetOf(model, valueRange.end));
  if (literal !== value || literal.includes('$')) return undefined;
  return { text: literal, range: valueRange, viaArg: true };
}

/** Rewrites the image reference of `stage`, or undefined when it cannot be done with one safe edit. */
export function replaceImageEdit(model: DockerfileModel, stage: Stage, rewrite: (text: string) => string | undefined): TextEdit | undefined {
  const location = imageTextLocation(model, stage);
  if (!location) return undefined;
  const next = rewrite(location.text);
  if (next === undefined || next === location.text) return undefined;
  return { range: location.range, newText: next };
}

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
