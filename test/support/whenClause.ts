/**
 * Evaluates the subset of VS Code `when` clauses our package.json uses:
 * `key`, `!key`, `key == value`, `key != value`, `key =~ /regex/flags`, `&&`,
 * `||`. Anything else throws, so a clause this cannot read fails the test
 * instead of silently evaluating to something.
 */
export type WhenContext = Record<string, string | boolean | undefined>;

export function evaluateWhen(clause: string, context: WhenContext): boolean {
  return clause.split('||').some((alternative) => alternative.split('&&').every((term) => evaluateTerm(term.trim(), context)));
}

function evaluateTerm(term: string, context: WhenContext): boolean {
  let m = /^([\w.-]+)\s*=~\s*\/(.*)\/([a-z]*)$/.exec(term);
  if (m) {
    const value = context[m[1]!];
    return typeof value === 'string' && new RegExp(m[2]!, m[3]).test(value);
  }
  m = /^([\w.-]+)\s*(==|!=)\s*(['"]?)([\w.\-/]+)\3$/.exec(term);
  if (m) {
    const equal = String(context[m[1]!] ?? '') === m[4];
    return m[2] === '==' ? equal : !equal;
  }
  m = /^(!?)([\w.-]+)$/.exec(term);
  if (m) {
    const truthy = Boolean(context[m[2]!]);
    return m[1] ? !truthy : truthy;
  }
  throw new Error(`unsupported when clause term: ${term}`);
}
