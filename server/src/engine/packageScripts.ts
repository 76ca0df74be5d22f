/**
 * What `npm start`, `npm run <name>`, `yarn <name>` and `pnpm [run] <name>` run: the
 * package.json script, and when that script is a plain `node <file>` command, node's
 * arguments. One reader for the rules (missing-program-in-shellless-stage) and the
 * Node.js converter.
 */
import { interpreterWords } from './imageFacts';
import { basename, firstShellSyntax, parseShell, values } from './shell';

export interface PackageScriptRun {
  runner: 'npm' | 'yarn' | 'pnpm';
  /** The script's name in package.json's "scripts". */
  name: string;
  /** Arguments after the script name (a `--` separator dropped). */
  extra: string[];
}

/** npm runs only these scripts without `run`. */
const NPM_SHORTHANDS = new Set(['start', 'test', 'restart', 'stop']);
/** yarn and pnpm commands that are not scripts. */
const RUNNER_COMMANDS = new Set(['install', 'i', 'add', 'remove', 'rm', 'ci', 'exec', 'dlx', 'create', 'init', 'link', 'unlink', 'publish', 'pack',
  'upgrade', 'up', 'update', 'outdated', 'why', 'info', 'list', 'ls', 'config', 'cache', 'global', 'workspace', 'workspaces', 'set', 'node', 'bin']);

/** The package.json script a start command runs, or undefined when it runs none. */
export function packageScriptRun(words: readonly string[]): PackageScriptRun | undefined {
  const runner = basename(words[0] ?? '');
  if (runner !== 'npm' && runner !== 'yarn' && runner !== 'pnpm') return undefined;
  const viaRun = words[1] === 'run' || words[1] === 'run-script';
  const name = viaRun ? words[2] : words[1];
  if (!name || name.startsWith('-')) return undefined;
  if (!viaRun && (runner === 'npm' ? !NPM_SHORTHANDS.has(name) : RUNNER_COMMANDS.has(name))) return undefined;
  return { runner, name, extra: words.slice(viaRun ? 3 : 2).filter((w) => w !== '--') };
}

/** The text of a script in package.json; undefined when the file, the script or valid JSON is missing. */
export function packageScript(packageJson: string | undefined, name: string): string | undefined {
  if (packageJson === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(packageJson);
    const scripts = (value as { scripts?: Record<string, unknown> } | null)?.scripts;
    const script = scripts?.[name];
    return typeof script === 'string' ? script : undefined;
  } catch {
    return undefined;
  }
}

/** node's arguments when `script` is one plain `node <file> …` command (no shell syntax); undefined otherwise. */
export function plainNodeArguments(script: string): string[] | undefined {
  if (firstShellSyntax(script, { quotesAllowed: true })) return undefined;
  const commands = parseShell(script);
  if (commands.length !== 1 || commands[0].assignments.length > 0 || commands[0].redirects.length > 0) return undefined;
  const words = values(commands[0].words);
  const node = interpreterWords('node');
  if (!node || words.length < 2 || !node.test(words[0])) return undefined;
  return words.slice(1);
}
