/**
 * The part of HCL that `docker buildx bake` files use for what we read: blocks
 * (`target "app" { … }`, `variable "TAG" { default = "x" }`) and attributes whose value
 * is a string or a list of strings. Every other expression (functions, conditionals,
 * objects, heredocs) is skipped whole and counts as unknown, so a file we cannot read
 * fully still gives what it states plainly.
 *
 * Written here rather than taken from npm: the HCL parsers there are a GopherJS build of
 * HashiCorp's Go parser (several MB, last published 2024) and CDKTF's WebAssembly one
 * (asynchronous, from a project HashiCorp sunset in 2025); we need a few attributes.
 */

export type HclValue = string | string[] | undefined;

export interface HclBlock {
  type: string;
  labels: string[];
  attributes: Map<string, HclValue>;
  blocks: HclBlock[];
}

type Token =
  | { kind: 'ident'; value: string }
  | { kind: 'string'; value: string; interpolated: boolean }
  | { kind: 'punct'; value: string }
  | { kind: 'newline' }
  | { kind: 'other' };

const MAX_TOKENS = 200_000;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length && tokens.length < MAX_TOKENS) {
    const c = text[i];
    if (c === '\n') {
      tokens.push({ kind: 'newline' });
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"') {
      const { value, interpolated, end } = readString(text, i + 1);
      tokens.push({ kind: 'string', value, interpolated });
      i = end;
    } else if (c === '<' && text[i + 1] === '<') {
      // Heredoc: skipped to its closing marker.
      const m = /^<<-?([A-Za-z_]\w*)[^\n]*\n/.exec(text.slice(i, i + 200));
      if (!m) {
        tokens.push({ kind: 'punct', value: '<' });
        i++;
        continue;
      }
      const close = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm');
      const rest = text.slice(i + m[0].length);
      const found = close.exec(rest);
      tokens.push({ kind: 'other' });
      i = found ? i + m[0].length + found.index + found[0].length : text.length;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[\w-]/.test(text[j])) j++;
      tokens.push({ kind: 'ident', value: text.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[\w.]/.test(text[j])) j++;
      tokens.push({ kind: 'other' });
      i = j;
    } else {
      tokens.push({ kind: 'punct', value: c });
      i++;
    }
  }
  return tokens;
}

/** A quoted string from after its opening quote: escapes resolved, `${…}` kept as written. */
function readString(text: string, start: number): { value: string; interpolated: boolean; end: number } {
  let value = '';
  let interpolated = false;
  let i = start;
  while (i < text.length && text[i] !== '"' && text[i] !== '\n') {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1];
      value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      i += 2;
    } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      if (c === '$' && text[i + 2] === '$') {
        value += '${';
        i += 3;
        continue;
      }
      interpolated = true;
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
        else if (text[j] === '\n') break;
      }
      value += text.slice(i, j + 1);
      i = j + 1;
    } else {
      value += c;
      i++;
    }
  }
  return { value, interpolated, end: i + 1 };
}

/** The top-level blocks of a bake file; attributes at the top level are ignored. */
export function parseBakeHcl(text: string): HclBlock[] {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isPunct = (t: Token | undefined, v: string): boolean => t?.kind === 'punct' && t.value === v;

  /** Skips one expression: to the end of its line at bracket depth 0. */
  const skipExpression = (): void => {
    let depth = 0;
    while (pos < tokens.length) {
      const t = tokens[pos];
      if (t.kind === 'newline' && depth === 0) return;
      if (t.kind === 'punct' && '([{'.includes(t.value)) depth++;
      if (t.kind === 'punct' && ')]}'.includes(t.value)) {
        if (depth === 0) return;
        depth--;
      }
      pos++;
    }
  };

  const expression = (): HclValue => {
    const start = pos;
    const t = peek();
    const ends = (k: number) => k >= tokens.length || tokens[k].kind === 'newline' || isPunct(tokens[k], '}');
    if (t?.kind === 'string' && ends(pos + 1)) {
      pos++;
      return t.value;
    }
    if (isPunct(t, '[')) {
      const items: string[] = [];
      let k = pos + 1;
      let plain = true;
      while (k < tokens.length && !isPunct(tokens[k], ']')) {
        const item = tokens[k];
        if (item.kind === 'string') items.push(item.value);
        else if (!(item.kind === 'newline' || isPunct(item, ','))) plain = false;
        k++;
      }
      if (plain && k < tokens.length && ends(k + 1)) {
        pos = k + 1;
        return items;
      }
    }
    pos = start;
    skipExpression();
    return undefined;
  };

  const body = (): { attributes: Map<string, HclValue>; blocks: HclBlock[] } => {
    const attributes = new Map<string, HclValue>();
    const blocks: HclBlock[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos];
      if (t.kind === 'newline' || isPunct(t, ',')) {
        pos++;
        continue;
      }
      if (isPunct(t, '}')) return { attributes, blocks };
      if (t.kind !== 'ident' && t.kind !== 'string') {
        pos++;
        continue;
      }
      const name = t.value;
      pos++;
      if (isPunct(peek(), '=') || isPunct(peek(), ':')) {
        pos++;
        attributes.set(name, expression());
        continue;
      }
      const labels: string[] = [];
      while (peek()?.kind === 'string' || peek()?.kind === 'ident') labels.push((tokens[pos++] as { value: string }).value);
      if (!isPunct(peek(), '{')) {
        skipExpression();
        continue;
      }
      pos++;
      const inner = body();
      if (isPunct(peek(), '}')) pos++;
      blocks.push({ type: name, labels, attributes: inner.attributes, blocks: inner.blocks });
    }
    return { attributes, blocks };
  };

  const top: HclBlock[] = [];
  while (pos < tokens.length) {
    const { blocks } = body();
    top.push(...blocks);
    if (pos < tokens.length) pos++; // a stray closing brace
  }
  return top;
}
