/**
 * The CLI's sub-commands, one per file, listed once here with the line `distroless
 * --help` shows. A command's file (and what it needs: the engine, yaml, the Docker
 * client) is loaded only when that command runs, so `distroless --version` and
 * `distroless lint` do not pay for the Docker client at start-up.
 */
import type { CliCommand } from './types';

export interface CliCommandEntry {
  name: string;
  /** One line for `distroless --help`. */
  summary: string;
  /**
   * `require`, not `import()`: in the bundle a command is another file (esbuild.mjs),
   * and Node's import() of a CommonJS file first scans all of it for its exports.
   */
  load(): CliCommand;
}

export const COMMANDS: readonly CliCommandEntry[] = [
  {
    name: 'lint',
    summary: 'Check Dockerfiles against the distroless rules (text, JSON, SARIF, GitLab, checkstyle; --fix; --baseline)',
    load: () => (require('./lint') as typeof import('./lint')).lintCommand,
  },
  {
    name: 'convert',
    summary: 'Convert a Dockerfile to a multi-stage build that ships on a distroless image',
    load: () => (require('./convert') as typeof import('./convert')).convertCommand,
  },
  {
    name: 'debug',
    summary: 'Open a shell next to a running (distroless) container, as its user, seeing its processes, network and files',
    load: () => (require('./debug') as typeof import('./debug')).debugCommand,
  },
  {
    name: 'port-forward',
    summary: "Forward a local port to a port inside a running container's network namespace (its own localhost included)",
    load: () => (require('./portForward') as typeof import('./portForward')).portForwardCommand,
  },
  {
    name: 'attach-debugger',
    summary: 'Attach a debugger to a Node.js or Go process in a running container, without restarting it (forwarded to this machine only)',
    load: () => (require('./attachDebugger') as typeof import('./attachDebugger')).attachDebuggerCommand,
  },
  {
    name: 'ls',
    summary: 'List files inside a container (shell-less or stopped too) with owner, mode, size and link targets',
    load: () => (require('./ls') as typeof import('./ls')).lsCommand,
  },
];
