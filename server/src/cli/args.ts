/**
 * The CLI's one argument parser and its one way of refusing a command line. Each command
 * declares its options once (a CommandLine); Node's own `util.parseArgs` splits the words
 * (`--opt value`, `--opt=value`, `-o value`, `-ovalue`, grouped switches `-ni`, `--`),
 * and this module adds what it leaves to us: `-h`/`--help` everywhere, a value that is
 * missing or empty, a value given to a switch, the last value winning unless the option
 * is repeatable, a command's own command line after its operands (`debug <c> ls -l`),
 * and every refusal as one line, `distroless <command>: <what> (see distroless <command>
 * --help)`, exit 2 (docs/cli.md#command-lines-and-errors).
 */
import { parseArgs } from 'util';
import { ExitCode, type CliIo } from './commands/types';

export interface OptionSpec {
  /** The long name, without the dashes. */
  name: string;
  /** One letter, for `-x`. */
  short?: string;
  /** Other long names for the same option (`--severity` for `--failure-threshold`). */
  aliases?: readonly string[];
  /** What the value is, as --help names it (`<stage>`); absent for a switch. */
  value?: string;
  /** Every value is kept, in order; otherwise the last one given wins. */
  repeatable?: boolean;
}

export interface CommandLine {
  /** As typed after `distroless` (`port-forward`); it prefixes every refusal. */
  command: string;
  /** Printed by --help. Every option it names is declared, and every declared option is in it (test/unit/cli/arguments.test.ts). */
  usage: string;
  options: readonly OptionSpec[];
  /**
   * What follows `--`: more operands (a file named `-x`), or, for commands that run a
   * command of their own (debug), that command line, left untouched.
   */
  afterDashDash: 'operands' | 'command';
  /** With afterDashDash 'command': after this many operands the rest of the line is the command, options included (`debug web ls -l`, as `docker run` does). */
  commandAfterOperands?: number;
}

/** A command line that cannot be run: the message says what is wrong, without a final full stop. */
export class UsageError extends Error {}

/** What `read` makes of a value, its Error (a parser's "not a port") a UsageError. */
export function readValue<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof Error && !(error instanceof UsageError) ? new UsageError(error.message) : error;
  }
}

/** The words of a command line, sorted by what they are. */
export class ParsedLine {
  constructor(
    private readonly line: CommandLine,
    private readonly given: ReadonlyMap<string, string[] | true>,
    readonly operands: readonly string[],
    /** The command's own command line (after `--`, or after its operands); undefined when there is none. */
    readonly command: readonly string[] | undefined,
  ) {}

  private spec(name: string): OptionSpec {
    const spec = this.line.options.find((o) => o.name === name);
    if (!spec) throw new Error(`distroless ${this.line.command}: no option --${name} is declared`);
    return spec;
  }

  /** A switch: was it given. */
  flag(name: string): boolean {
    if (this.spec(name).value !== undefined) throw new Error(`--${name} takes a value, not a switch`);
    return this.given.has(name);
  }

  /** An option's value (the last one given), or undefined. */
  value(name: string): string | undefined {
    const spec = this.spec(name);
    if (spec.value === undefined || spec.repeatable) throw new Error(`--${name} is ${spec.value === undefined ? 'a switch' : 'repeatable'}`);
    const values = this.given.get(name);
    return values === true || values === undefined ? undefined : values[values.length - 1];
  }

  /** A repeatable option's values, in the order given. */
  values(name: string): string[] {
    if (!this.spec(name).repeatable) throw new Error(`--${name} is not repeatable`);
    const values = this.given.get(name);
    return values === true || values === undefined ? [] : [...values];
  }
}

const HELP: OptionSpec = { name: 'help', short: 'h' };

/**
 * Splits `argv` as `line` declares it. Throws UsageError for an unknown option, a missing
 * or empty value and a value given to a switch; returns 'help' when -h/--help comes before
 * the command's own command line (so `debug web -- ls --help` runs `ls --help`).
 */
export function parseCommandLine(line: CommandLine, argv: readonly string[]): ParsedLine | 'help' {
  const specs = [...line.options, HELP];
  // Each long name (and alias) once for parseArgs; what it finds is mapped back to the spec.
  const byName = new Map<string, OptionSpec>();
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const spec of specs) {
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      byName.set(name, spec);
      options[name] = { type: spec.value === undefined ? 'boolean' : 'string', ...(name === spec.name && spec.short ? { short: spec.short } : {}) };
    }
  }
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const given = new Map<string, string[] | true>();
  const operands: string[] = [];
  let command: string[] | undefined;
  let help = false;
  let refusal: string | undefined;
  const refuse = (message: string) => (refusal ??= message);
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      const rest = argv.slice(token.index + 1);
      if (line.afterDashDash === 'command') command = rest;
      else operands.push(...rest);
      break;
    }
    if (token.kind === 'positional') {
      if (line.afterDashDash === 'command' && line.commandAfterOperands !== undefined && operands.length >= line.commandAfterOperands) {
        command = argv.slice(token.index);
        break;
      }
      operands.push(token.value);
      continue;
    }
    // parseArgs names an undeclared option by its own spelling, so the spec is found by name.
    const spec = token.rawName.startsWith('--') || token.rawName.length === 2 ? byName.get(token.name) : undefined;
    if (!spec || (token.rawName.length === 2 && token.rawName !== `-${spec.short}`)) {
      refuse(`unknown option ${token.rawName}`);
      continue;
    }
    if (spec === HELP) {
      help = true;
      continue;
    }
    if (spec.value === undefined) {
      if (token.value !== undefined) refuse(`${token.rawName} takes no value`);
      given.set(spec.name, true);
      continue;
    }
    if (token.value === undefined || token.value === '') {
      refuse(`${token.rawName} needs a value: ${spec.value}`);
      continue;
    }
    const values = given.get(spec.name);
    given.set(spec.name, spec.repeatable && Array.isArray(values) ? [...values, token.value] : [token.value]);
  }
  if (help) return 'help';
  if (refusal !== undefined) throw new UsageError(refusal);
  return new ParsedLine(line, given, operands, command);
}

/** The one line every command says a command line cannot run with; returns its exit code. */
export function refuseUsage(io: Pick<CliIo, 'stderr'>, command: string, message: string): number {
  io.stderr.write(`${usageLine(command, message)}\n`);
  return ExitCode.usage;
}

const HINT = (command: string) => ` (see distroless${command ? ` ${command}` : ''} --help)`;

export function usageLine(command: string, message: string): string {
  return `distroless${command ? ` ${command}` : ''}: ${message.replace(/\.$/, '')}${HINT(command)}`;
}

/** A refusal without its pointer to --help (for the GitHub Action's annotations, where there is no --help to run). */
export function withoutHelpHint(line: string, command: string): string {
  const hint = HINT(command);
  return line.endsWith(hint) ? line.slice(0, -hint.length) : line;
}

/**
 * The whole of reading a command line: --help printed (exit 0), or a refusal (exit 2),
 * or what `interpret` makes of the words; `interpret` throws UsageError for what the
 * parser cannot know (an unknown format, two operands where one is allowed).
 */
export function readCommandLine<T>(line: CommandLine, argv: readonly string[], io: Pick<CliIo, 'stdout' | 'stderr'>, interpret: (parsed: ParsedLine) => T): T | number {
  try {
    const parsed = parseCommandLine(line, argv);
    if (parsed === 'help') {
      io.stdout.write(`${line.usage}\n`);
      return ExitCode.ok;
    }
    return interpret(parsed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return refuseUsage(io, line.command, error.message);
  }
}
