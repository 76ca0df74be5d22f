/**
 * Repairs of dockerfile-ast behaviour that throws on inputs an editor meets while
 * typing. Applied once, on load, to the parser's own classes: dockerfile-utils'
 * syntax check and dockerfile-language-service's features parse with the same
 * module, so they get the repair too.
 *
 * Dockerfile.resolveVariable asks getContainingImage which build stage holds a line;
 * for a line before the first instruction's start (a first line like ` t $c`, whose
 * instruction starts at character 1) that answer is the Dockerfile itself, and the
 * method then calls itself until the stack overflows (dockerfile-ast 0.6). There the
 * variable is resolved as the base class does for any stage: against the whole file.
 *
 * Instruction.getHeredocs walks an instruction's text looking for heredoc bodies and
 * throws when it meets an unescaped line break with no heredoc declared (`RUN \`
 * then `\ x`). Without a `<<` argument there is no heredoc, so the answer is none;
 * with one only after that line break, none is declared either.
 */
import { DockerfileParser } from 'dockerfile-ast';

interface Resolver {
  resolveVariable(variable: string, line: number): string | null | undefined;
  getContainingImage(position: { line: number; character: number }): unknown;
}

function guardResolveVariable(): void {
  const dockerfilePrototype = Object.getPrototypeOf(DockerfileParser.parse('')) as Resolver & { __distrolessGuarded?: boolean };
  if (dockerfilePrototype.__distrolessGuarded) return;
  const templatePrototype = Object.getPrototypeOf(dockerfilePrototype) as Resolver;
  const original = dockerfilePrototype.resolveVariable;
  const baseResolve = templatePrototype.resolveVariable;
  if (typeof original !== 'function' || typeof baseResolve !== 'function') return;
  dockerfilePrototype.resolveVariable = function (this: Resolver, variable: string, line: number) {
    if (this.getContainingImage({ line, character: 0 }) === this) return baseResolve.call(this, variable, line);
    return original.call(this, variable, line);
  };
  Object.defineProperty(dockerfilePrototype, '__distrolessGuarded', { value: true });
}

interface HeredocReader {
  getArguments(): Array<{ getValue(): string }>;
  getHeredocs(): unknown[];
}

function guardGetHeredocs(): void {
  // The base class's own reader: the deepest prototype of a RUN that defines it.
  let prototype = Object.getPrototypeOf(DockerfileParser.parse('RUN x').getInstructions()[0]) as object | null;
  let base: (HeredocReader & { __distrolessGuarded?: boolean }) | undefined;
  while (prototype && prototype !== Object.prototype) {
    if (Object.prototype.hasOwnProperty.call(prototype, 'getHeredocs')) base = prototype as HeredocReader;
    prototype = Object.getPrototypeOf(prototype) as object | null;
  }
  if (!base || base.__distrolessGuarded) return;
  const original = base.getHeredocs;
  base.getHeredocs = function (this: HeredocReader) {
    if (!this.getArguments().some((a) => a.getValue().includes('<<'))) return [];
    try {
      return original.call(this);
    } catch {
      // The same walk, when `<<` comes only after the first unescaped line break: the
      // parser took it into the instruction but declares no heredoc on its first line.
      return [];
    }
  };
  Object.defineProperty(base, '__distrolessGuarded', { value: true });
}

guardResolveVariable();
guardGetHeredocs();
