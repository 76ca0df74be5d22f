/**
 * Which pinned requirements have no wheels for the Python the conversion moves a
 * builder to. A compiled package installs on a new Python only from a wheel built
 * for it: without one pip falls back to the source distribution, which needs the
 * project's whole toolchain (TensorFlow publishes none at all), so the build fails.
 *
 * Requirements are read as pip reads them: one per logical line (backslash
 * continuations joined, `--hash` options dropped), `-r` includes followed, PEP 508
 * markers evaluated for the builder (a requirement its marker excludes is not
 * installed; one it cannot decide may be), and the whole specifier set judged
 * (`>=1.20,<2` allows only 1.x).
 */
import { DISTROLESS_PYTHON_VERSION, interpreterWords } from './imageFacts';

const PYTHON = interpreterWords('python') as RegExp;
const TOOLING = new Set(['pip', 'setuptools', 'wheel', 'pip-tools', 'poetry', 'pipenv', 'uv']);

/**
 * The first release of each compiled package with CPython 3.13 wheels for Linux,
 * each from the publisher. A package the table does not list is not judged (a
 * miss, never a false alarm); pure-Python packages install anywhere.
 */
const FIRST_WITH_WHEELS: { python: string; first: Record<string, string> } = {
  python: '3.13',
  first: {
    // NumPy 2.1.0 notes: "Python versions 3.10-3.13 are supported"; 2.0.2 notes: 3.9-3.12.
    // https://numpy.org/doc/stable/release/2.1.0-notes.html, numpy/numpy doc/source/release/2.0.2-notes.rst
    numpy: '2.1.0',
    // "Pandas 2.2.3 is the first version of pandas that is generally compatible with ... Python 3.13,
    // and ... wheels ... will be uploaded for this release": pandas-dev/pandas doc/source/whatsnew/v2.2.3.rst
    pandas: '2.2.3',
    // "SciPy 1.14.1 adds support for Python 3.13, including binary wheels on PyPI":
    // https://scipy.github.io/devdocs/release/1.14.1-notes.html
    scipy: '1.14.1',
    // Python 3.13 wheels were built and uploaded for 1.5.2: scikit-learn/scikit-learn#29870, #29987
    'scikit-learn': '1.5.2',
    // "Pillow 10.4.0 had wheels built against Python 3.13 beta ... to ensure Pillow could be used
    // immediately at the release of 3.13.0 final": python-pillow/Pillow docs/releasenotes/11.0.0.rst
    // (and 10.4.0.rst, "Python 3.13 beta")
    pillow: '10.4.0',
    // lxml/lxml .github/workflows/wheels.yml@lxml-5.3.0 builds with cibuildwheel 2.20.0, which builds
    // CPython 3.13 by default (pypa/cibuildwheel v2.20.0 release notes); @lxml-5.2.2 used 2.17.0,
    // which has no 3.13 at all (3.13 came in 2.18.0, behind CIBW_PRERELEASE_PYTHONS).
    lxml: '5.3.0',
    // "What's new in psycopg 2.9.10: Add support for Python 3.13": https://www.psycopg.org/docs/news.html
    'psycopg2-binary': '2.9.10',
    // "PyTorch-2.5 released on Oct 17th added experimental support for [3.13]" (Linux; Windows and
    // macOS wheels came with 2.6.0): meta-pytorch/torchfix#84, pytorch/pytorch#144430 (both by the maintainer malfet)
    torch: '2.5.0',
    // "TensorFlow 2.20.0 wheels, which now include Python 3.13 support": tensorflow/tensorflow#99639,
    // https://www.tensorflow.org/install/pip#package_location; 2.19 has none (tensorflow/tensorflow#78774).
    // (tensorflow-cpu is left out: no source names its first release with 3.13 wheels.)
    tensorflow: '2.20.0',
  },
};

/**
 * What PEP 508 markers see on the builder the conversion moves to (python:3.13-slim-trixie:
 * CPython on Linux). The machine (amd64/arm64) and the patch release are not known.
 */
const BUILDER_MARKERS: Record<string, string> = {
  python_version: DISTROLESS_PYTHON_VERSION,
  sys_platform: 'linux',
  platform_system: 'Linux',
  os_name: 'posix',
  implementation_name: 'cpython',
  platform_python_implementation: 'CPython',
};

export interface PinWithoutWheels {
  /** The requirement as written, without spaces (`tensorflow==2.17.0`). */
  requirement: string;
  first: string;
}

/**
 * The first requirement in `sources` that allows only releases without wheels for
 * the runtime's Python. `sources` are requirement texts (pip arguments, requirements
 * files, pyproject.toml); `readFile` resolves `-r` includes relative to the context.
 */
export function pinWithoutWheels(sources: RequirementSource[], readFile: (path: string) => string | undefined): PinWithoutWheels | undefined {
  if (FIRST_WITH_WHEELS.python !== DISTROLESS_PYTHON_VERSION) return undefined;
  for (const requirement of requirementLines(sources, readFile)) {
    const parsed = parseRequirement(requirement);
    if (!parsed) continue;
    const first = FIRST_WITH_WHEELS.first[parsed.name];
    if (!first || parsed.specifiers.length === 0) continue;
    // A marker that excludes the builder means pip skips the line; one it cannot decide (platform_machine) may install it.
    if (parsed.marker !== undefined && evaluateMarker(parsed.marker) === false) continue;
    if (!allowsAtLeast(parsed.specifiers, first)) return { requirement: parsed.text, first };
  }
  return undefined;
}

/** True for `pip install`, `python -m pip install` and `uv pip install` that install something the app imports. */
export function isPipInstall(c: string[]): boolean {
  const program = c[0].split('/').pop() ?? c[0];
  const args = /^pip[\d.]*$/.test(program) ? c.slice(1) : PYTHON.test(c[0]) && c[1] === '-m' && /^pip[\d.]*$/.test(c[2] ?? '') ? c.slice(3)
    : program === 'uv' && c[1] === 'pip' ? c.slice(2) : undefined;
  if (!args || args[0] !== 'install') return false;
  const packages = args.slice(1).filter((w) => !w.startsWith('-'));
  const fromFiles = args.some((w) => w === '-r' || w.startsWith('--requirement') || w === '-e' || w === '.');
  // Upgrading pip or setuptools alone installs nothing the app imports.
  return fromFiles || packages.some((p) => !TOOLING.has(p.replace(/[<>=~!].*$/, '').toLowerCase()));
}

/** pip arguments and the requirements files they name (requirements.txt and pyproject.toml beside the Dockerfile always). */
export function requirementSources(commands: string[][], readFile: (path: string) => string | undefined): RequirementSource[] {
  const sources: RequirementSource[] = [];
  const files = new Set(['requirements.txt', 'pyproject.toml']);
  for (const c of commands) {
    if (!isPipInstall(c)) continue;
    for (let i = 0; i < c.length; i++) {
      if ((c[i] === '-r' || c[i] === '--requirement') && c[i + 1]) files.add(c[++i].replace(/^\.\//, ''));
      else if (c[i].startsWith('--requirement=')) files.add(c[i].slice('--requirement='.length).replace(/^\.\//, ''));
      else if (!c[i].startsWith('-')) sources.push({ text: c[i] });
    }
  }
  for (const path of files) sources.push({ text: readFile(path) ?? '', path });
  return sources;
}

/** Requirement text: a pip argument (no path), a requirements file, or a TOML file whose quoted strings are requirements. */
export interface RequirementSource { text: string; path?: string }

/** Requirement strings: logical lines of the sources and of the files they include with -r; the quoted strings of .toml files. */
export function requirementLines(sources: RequirementSource[], readFile: (path: string) => string | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (text: string, path: string | undefined, depth: number): void => {
    if (path?.endsWith('.toml')) {
      out.push(...projectDependencies(text));
      return;
    }
    for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
      const line = raw.replace(/(?:^|\s)#.*$/, '').trim();
      const include = /^(?:-r|--requirement)(?:\s*=\s*|\s+)(\S+)$/.exec(line);
      if (include) {
        const file = joinRelative(path, include[1]);
        if (depth < 8 && !seen.has(file)) {
          seen.add(file);
          const included = readFile(file);
          if (included !== undefined) visit(included, file, depth + 1);
        }
        continue;
      }
      if (line.startsWith('-')) continue;
      // Per-requirement options (`--hash=sha256:...`, `--config-settings=...`) are not part of the requirement.
      if (line) out.push(line.replace(/\s+--[^\s=]+(?:=\S*|\s+[^\s-]\S*)?/g, '').trim());
    }
  };
  for (const source of sources) {
    if (source.path) seen.add(source.path);
    visit(source.text, source.path, 0);
  }
  return out;
}

/**
 * The quoted requirements of pyproject.toml's `[project] dependencies` array, which
 * `pip install .` installs; optional dependencies and Poetry's tables are not read.
 */
function projectDependencies(toml: string): string[] {
  const out: string[] = [];
  let table = '';
  let inArray = false;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.replace(/(?:^|\s)#.*$/, '');
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header && !inArray) {
      table = header[1].trim();
      continue;
    }
    let rest = line;
    if (!inArray && table === 'project') {
      const start = /^\s*dependencies\s*=\s*\[(.*)$/.exec(line);
      if (!start) continue;
      inArray = true;
      rest = start[1];
    }
    if (!inArray) continue;
    out.push(...[...rest.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]));
    if (rest.replace(/"[^"]*"|'[^']*'/g, '').includes(']')) inArray = false;
  }
  return out;
}

/** `base/dir/requirements.txt` + `-r ../common.txt`: the path relative to the context, as pip resolves it. */
function joinRelative(from: string | undefined, target: string): string {
  if (target.startsWith('/')) return target.replace(/^\/+/, '');
  const parts = (from ? from.split('/').slice(0, -1) : []);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part && part !== '.') parts.push(part);
  }
  return parts.join('/');
}

interface Specifier { op: string; version: string }

/** A PEP 508 requirement: its normalised name, specifiers and marker; undefined for URLs, paths and options. */
function parseRequirement(text: string): { name: string; specifiers: Specifier[]; marker?: string; text: string } | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(\(?[^;@]*?\)?)\s*(?:;\s*(.*))?$/.exec(text);
  if (!m) return undefined;
  const specifiers: Specifier[] = [];
  for (const part of m[2].replace(/^\(|\)$/g, '').split(',')) {
    const s = /^\s*(===|==|~=|!=|<=|>=|<|>)\s*([0-9][0-9A-Za-z.*+!-]*)\s*$/.exec(part);
    if (s) specifiers.push({ op: s[1], version: s[2] });
    else if (part.trim()) return undefined;
  }
  const marker = m[3]?.trim();
  const requirement = text.replace(/\s*;.*$/, '').replace(/\s+/g, '');
  return { name: m[1].toLowerCase().replace(/[._-]+/g, '-'), specifiers, marker: marker || undefined, text: requirement };
}

/** Numeric release parts (`2.17.0rc1` -> [2, 17, 0]); pre/post/local segments do not move a release across `first`. */
function release(version: string): number[] {
  return version.replace(/^v/i, '').split('+')[0].split('.').map((p) => Number.parseInt(p, 10)).filter((n, i, all) => !Number.isNaN(n) || i < all.length - 1).map((n) => (Number.isNaN(n) ? 0 : n));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The version just past a prefix's series: 2.17 -> 2.18 (for `==2.17.*` and `~=2.17.0`). */
function nextSeries(parts: number[]): number[] {
  return [...parts.slice(0, -1), (parts[parts.length - 1] ?? 0) + 1];
}

/** True when some version the specifiers allow is `first` or later: only upper bounds can exclude it. */
function allowsAtLeast(specifiers: Specifier[], first: string): boolean {
  const f = release(first);
  for (const { op, version } of specifiers) {
    const wildcard = version.endsWith('.*');
    const v = release(wildcard ? version.slice(0, -2) : version);
    if ((op === '==' || op === '===') && wildcard && compare(nextSeries(v), f) <= 0) return false;
    if ((op === '==' || op === '===') && !wildcard && compare(v, f) < 0) return false;
    if (op === '<=' && compare(v, f) < 0) return false;
    if (op === '<' && compare(v, f) <= 0) return false;
    // ~=2.17.0 allows 2.17.x, ~=2.17 allows 2.x: the bound is the series of all but the last part.
    if (op === '~=' && v.length > 1 && compare(nextSeries(v.slice(0, -1)), f) <= 0) return false;
  }
  return true;
}

/**
 * A marker's value on the builder: true or false when the comparisons BUILDER_MARKERS
 * decides settle it, undefined otherwise.
 */
export function evaluateMarker(marker: string): boolean | undefined {
  const tokens = marker.match(/\(|\)|"[^"]*"|'[^']*'|===|==|!=|<=|>=|~=|<|>|\bnot\s+in\b|\bin\b|\band\b|\bor\b|[A-Za-z_][A-Za-z0-9_.]*/g);
  if (!tokens) return undefined;
  let i = 0;
  const value = (t: string): { variable?: string; literal?: string } => (/^["']/.test(t) ? { literal: t.slice(1, -1) } : { variable: t });
  const atom = (): boolean | undefined | null => {
    if (tokens[i] === '(') {
      i++;
      const v = or();
      if (tokens[i++] !== ')') return null;
      return v;
    }
    const left = tokens[i++];
    const op = tokens[i++];
    const right = tokens[i++];
    if (left === undefined || op === undefined || right === undefined) return null;
    return compareMarker(value(left), op.replace(/\s+/g, ' '), value(right));
  };
  // Kleene logic: false and unknown is false; true or unknown is true.
  const and = (): boolean | undefined | null => {
    let v = atom();
    while (v !== null && tokens[i] === 'and') {
      i++;
      const w = atom();
      if (w === null) return null;
      v = v === false || w === false ? false : v === undefined || w === undefined ? undefined : true;
    }
    return v;
  };
  const or = (): boolean | undefined | null => {
    let v = and();
    while (v !== null && tokens[i] === 'or') {
      i++;
      const w = and();
      if (w === null) return null;
      v = v === true || w === true ? true : v === undefined || w === undefined ? undefined : false;
    }
    return v;
  };
  const result = or();
  return result === null || i !== tokens.length ? undefined : result;
}

function compareMarker(left: { variable?: string; literal?: string }, op: string, right: { variable?: string; literal?: string }): boolean | undefined {
  const variable = left.variable ?? right.variable;
  const literal = left.literal ?? right.literal;
  if (variable === undefined || literal === undefined || (left.variable && right.variable)) return undefined;
  if (op === 'in' || op === 'not in') {
    const actual = BUILDER_MARKERS[variable];
    // Only a literal on the left is a substring test (`"linux" in sys_platform`).
    if (actual === undefined || left.literal === undefined) return undefined;
    return actual.includes(literal) === (op === 'in');
  }
  // The variable on the right flips the comparison: `"3.13" > python_version` is python_version < "3.13".
  const flipped = right.variable !== undefined ? ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[op] ?? op : op;
  if (variable === 'python_version') return compareVersion(DISTROLESS_PYTHON_VERSION, flipped, literal);
  // The builder's patch release is unknown: decided only when the comparison holds for all of 3.13.x or for none.
  if (variable === 'python_full_version') {
    const low = compareVersion(`${DISTROLESS_PYTHON_VERSION}.0`, flipped, literal);
    const high = compareVersion(`${DISTROLESS_PYTHON_VERSION}.9999`, flipped, literal);
    return low === high ? low : undefined;
  }
  const actual = BUILDER_MARKERS[variable];
  if (actual === undefined) return undefined;
  return op === '==' || op === '===' ? actual === literal : op === '!=' ? actual !== literal : undefined;
}

/** `actual <op> literal` as PEP 440 versions; `== "3.*"` matches a series. */
function compareVersion(actual: string, op: string, literal: string): boolean | undefined {
  const wildcard = literal.endsWith('.*');
  const d = compare(release(actual), release(wildcard ? literal.slice(0, -2) : literal));
  const inSeries = wildcard && `${actual}.`.startsWith(literal.slice(0, -1));
  switch (op) {
    case '==': case '===': return wildcard ? inSeries : d === 0;
    case '!=': return wildcard ? !inSeries : d !== 0;
    case '<': return d < 0;
    case '<=': return d <= 0;
    case '>': return d > 0;
    case '>=': return d >= 0;
    default: return undefined;
  }
}
