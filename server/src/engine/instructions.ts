/**
 * Reads of dockerfile-ast instructions that the model, the rules and the converter
 * share, each computed once per instruction.
 *
 * dockerfile-ast re-tokenises an instruction's text on every getArguments() call
 * (and getArgumentsContent() tokenises it twice more), and the same instructions are
 * asked again and again: once per rule, per stage that inherits them, per path the
 * converter looks for. A parsed tree is never modified, so keying by instruction is
 * exact; the WeakMap lets a tree and its entries go together.
 *
 * What these return is shared: callers must not modify it.
 */
import type { Argument, From, Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';

interface Reads {
  arguments?: readonly Argument[];
  /** undefined: not read yet; null: the instruction has no arguments (as dockerfile-ast says). */
  content?: string | null;
}

const reads = new WeakMap<Instruction, Reads>();

function readsOf(instruction: Instruction): Reads {
  let r = reads.get(instruction);
  if (!r) {
    r = {};
    reads.set(instruction, r);
  }
  return r;
}

/** instruction.getArguments(): flags excluded for the instructions that take flags. */
export function argumentsOf(instruction: Instruction): readonly Argument[] {
  const r = readsOf(instruction);
  return (r.arguments ??= instruction.getArguments());
}

/** instruction.getArgumentsContent(): the arguments as written, continuations removed; null when there are none. */
export function argumentsContentOf(instruction: Instruction): string | null {
  const r = readsOf(instruction);
  if (r.content === undefined) r.content = instruction.getArgumentsContent();
  return r.content;
}

/** from.getImage(). */
export function imageOf(from: From): string | null {
  const args = argumentsOf(from);
  return args.length > 0 ? args[0].getValue() : null;
}

/** from.getImageRange(). */
export function imageRangeOf(from: From): Range | null {
  const args = argumentsOf(from);
  return args.length > 0 ? args[0].getRange() : null;
}

