/**
 * Reads of dockerfile-ast instructions that the model, the rules, the converter and
 * dockerfile-utils' syntax checks share, each computed once per instruction.
 *
 * dockerfile-ast re-tokenises an instruction's text on every getArguments() call, and
 * everything else it offers is built on that (the flags, the argument ranges, the
 * content, the variables). Its own parser asks three or four times per RUN, CMD and
 * ENTRYPOINT, dockerfile-utils asks again per check, and the engine once per rule, per
 * stage that inherits the instruction, per path the converter looks for. A parsed tree
 * is never modified, so remembering per instruction is exact.
 *
 * What argumentsOf() and argumentsContentOf() return is shared: callers must not
 * modify it.
 */
import { Argument as ArgumentClass, type Argument, type Dockerfile, type From, type Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';

/** One instruction's reads; a class so that every instance has the same shape. */
class Reads {
  raw: Argument[] | undefined = undefined;
  arguments: Argument[] | undefined = undefined;
  variables: unknown[] | undefined = undefined;
  ranges: Range[] | undefined = undefined;
  /** undefined: not read yet; null: the instruction has no arguments (as dockerfile-ast says). */
  content: string | null | undefined = undefined;
  keyword: string | undefined = undefined;
}

const READS = Symbol('remembered reads');

/** The getters rememberReads() replaces, as dockerfile-ast's classes define them. */
interface Getters {
  getRawArguments(): Argument[];
  getArguments(): Argument[];
  getVariables(): unknown[];
  getArgumentsRanges(): Range[];
  getArgumentsContent(): string | null;
  getKeyword(): string;
  getFlags?(): unknown[];
}

type Remembering = Getters & { [READS]: Reads };

/** Instructions of trees parsed elsewhere (an ONBUILD trigger, a caller's own parse). */
const readsElsewhere = new WeakMap<Instruction, Reads>();

function readsOf(instruction: Instruction): Reads {
  const own = (instruction as unknown as Partial<Remembering>)[READS];
  if (own) return own;
  let r = readsElsewhere.get(instruction);
  if (!r) {
    r = new Reads();
    readsElsewhere.set(instruction, r);
  }
  return r;
}

/** The getter of the instruction's own class, under the own property rememberReads() sets. */
function classGetter<K extends keyof Getters>(instruction: object, name: K): Getters[K] {
  return (Object.getPrototypeOf(instruction) as Getters)[name];
}

/** instruction.getArguments(): flags excluded for the instructions that take flags. */
export function argumentsOf(instruction: Instruction): readonly Argument[] {
  const r = readsOf(instruction);
  return (r.arguments ??= classGetter(instruction, 'getArguments').call(instruction));
}

/** instruction.getArgumentsContent(): the arguments as written, continuations removed; null when there are none. */
export function argumentsContentOf(instruction: Instruction): string | null {
  const r = readsOf(instruction);
  if (r.content === undefined) r.content = classGetter(instruction, 'getArgumentsContent').call(instruction);
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
 * Makes every instruction of a tree this engine parsed answer its argument getters
 * from the reads above, so that dockerfile-utils' syntax checks (validateSyntax runs
 * them on the same tree) and the rules share one computation. Own properties of those
 * objects only, never dockerfile-ast's prototypes: a tree parsed by anyone else is
 * untouched.
 *
 * The getters hand out a fresh copy of a remembered list, because dockerfile-ast's own
 * methods change what they get (ModifiableInstruction.getArguments shifts its flags off
 * the raw list, Label.getVariables splices quoted variables out). The objects inside are
 * not changed by anyone except From's getters, which move the range of their first
 * Argument: a FROM hands out Arguments with range objects of their own.
 */
export function rememberReads(dockerfile: Dockerfile): Dockerfile {
  // The same functions assigned in the same order to every instruction: V8 keeps one
  // object shape for them all (a closure per instruction made parsing slower).
  for (const instruction of dockerfile.getInstructions() as unknown as Remembering[]) {
    // From's own getters (getRegistryRange, getImageNameRange) move the start and end
    // of the range of the Argument they get: a FROM hands out Arguments with ranges of
    // their own, so that the remembered ones never move.
    const from = instruction.getKeyword() === 'FROM';
    instruction[READS] = new Reads();
    instruction.getRawArguments = from ? rememberedFromRawArguments : rememberedRawArguments;
    // dockerfile-ast's getFlags() fills this.flags while it calls getArguments(), which
    // then leaves the flags in (FROM and HEALTHCHECK read their flags on demand, some
    // through super.getFlags()): were getArguments remembered before that, the flags
    // would stay in the remembered arguments. So the flags are read here, from the
    // remembered raw arguments (no second tokenising), before getArguments is remembered.
    instruction.getFlags?.();
    instruction.getArguments = from ? rememberedFromArguments : rememberedArguments;
    instruction.getVariables = rememberedVariables;
    instruction.getArgumentsRanges = rememberedArgumentsRanges;
    instruction.getArgumentsContent = rememberedArgumentsContent;
    // Upper-cases the keyword as written on every call; rules filter on it constantly.
    instruction.getKeyword = rememberedKeyword;
  }
  return dockerfile;
}

/** A fresh copy of one remembered list; the key is a literal at each caller, so V8 reads a fixed field. */
function rememberedList<T>(instruction: Remembering, key: 'raw' | 'arguments' | 'variables' | 'ranges', name: 'getRawArguments' | 'getArguments' | 'getVariables' | 'getArgumentsRanges'): T[] {
  const r = instruction[READS] as unknown as Record<typeof key, unknown[] | undefined>;
  return (r[key] ??= (classGetter(instruction, name) as () => unknown[]).call(instruction)).slice() as T[];
}

function rememberedRawArguments(this: Remembering): Argument[] {
  return rememberedList(this, 'raw', 'getRawArguments');
}
function rememberedArguments(this: Remembering): Argument[] {
  return rememberedList(this, 'arguments', 'getArguments');
}
function rememberedFromRawArguments(this: Remembering): Argument[] {
  return rememberedList<Argument>(this, 'raw', 'getRawArguments').map(withOwnRange);
}
function rememberedFromArguments(this: Remembering): Argument[] {
  return rememberedList<Argument>(this, 'arguments', 'getArguments').map(withOwnRange);
}
/** The same argument with a range object of its own (From's getters reassign its start and end, never a position's fields). */
function withOwnRange(argument: Argument): Argument {
  const { start, end } = argument.getRange();
  return new ArgumentClass(argument.getValue(), { start, end });
}
function rememberedVariables(this: Remembering): unknown[] {
  return rememberedList(this, 'variables', 'getVariables');
}
function rememberedArgumentsRanges(this: Remembering): Range[] {
  return rememberedList(this, 'ranges', 'getArgumentsRanges');
}

function rememberedArgumentsContent(this: Remembering): string | null {
  return argumentsContentOf(this as unknown as Instruction);
}

function rememberedKeyword(this: Remembering): string {
  const r = this[READS];
  return (r.keyword ??= classGetter(this, 'getKeyword').call(this));
}
