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
import type { Argument, Dockerfile, From, Instruction } from 'dockerfile-ast';
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


/**
 * The getters every reader of a tree asks again and again (ours, and dockerfile-utils'
 * syntax checks, which validateSyntax runs on the same tree), remembered on each
 * instruction of a tree this engine parsed: own properties of those objects only,
 * never dockerfile-ast's prototypes, so trees parsed by anyone else are untouched.
 *
 * Each call gets a fresh copy of the remembered array, because dockerfile-ast's own
 * callers change what they get (ModifiableInstruction.getArguments shifts its flags
 * off the raw list, Label.getVariables splices quoted ones out); the Argument and
 * Variable objects inside are never changed by anyone.
 */
export function rememberReads(dockerfile: Dockerfile): Dockerfile {
  // The same functions assigned in the same order to every instruction: V8 keeps one
  // object shape for them all, where defining a closure per instruction was slow.
  for (const instruction of dockerfile.getInstructions() as unknown as Remembering[]) {
    instruction.getRawArguments = rememberedRawArguments;
    instruction.getArguments = rememberedArguments;
    instruction.getVariables = rememberedVariables;
    instruction.getArgumentsRanges = rememberedArgumentsRanges;
    instruction.getArgumentsContent = rememberedArgumentsContent;
  }
  return dockerfile;
}

const REMEMBERED = Symbol('remembered reads');

type Getter = (this: Remembering) => unknown;

interface Remembering {
  [REMEMBERED]?: Partial<Record<string, unknown>>;
  getRawArguments: Getter;
  getArguments: Getter;
  getVariables: Getter;
  getArgumentsRanges: Getter;
  getArgumentsContent: Getter;
}

/** What the instruction's own class computes: the prototype's method, under the own property set here. */
function computed(instruction: Remembering, name: keyof Omit<Remembering, typeof REMEMBERED>): unknown {
  const remembered = (instruction[REMEMBERED] ??= {});
  if (!(name in remembered)) remembered[name] = (Object.getPrototypeOf(instruction) as Remembering)[name].call(instruction);
  return remembered[name];
}

function rememberedRawArguments(this: Remembering): unknown {
  return (computed(this, 'getRawArguments') as unknown[]).slice();
}
function rememberedArguments(this: Remembering): unknown {
  return (computed(this, 'getArguments') as unknown[]).slice();
}
function rememberedVariables(this: Remembering): unknown {
  return (computed(this, 'getVariables') as unknown[]).slice();
}
function rememberedArgumentsRanges(this: Remembering): unknown {
  return (computed(this, 'getArgumentsRanges') as unknown[]).slice();
}
/** A string or null: nothing to copy. */
function rememberedArgumentsContent(this: Remembering): unknown {
  return computed(this, 'getArgumentsContent');
}
