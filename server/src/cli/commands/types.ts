import type { Report } from '../report';

/** What a CLI sub-command gets to talk to the world; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Given lint's finished report (the GitHub Action annotates and summarises from it). */
  report?(report: Report): void;
}

/**
 * Exit codes shared by every sub-command, as documented in docs/cli.md. `engineFailure`
 * is docker run's 125: the engine, the sidecar, kubectl or the target failed, not the
 * command run (debug, ls, port-forward, attach-debugger, convert --verify).
 */
export const ExitCode = { ok: 0, findings: 1, usage: 2, internal: 3, engineFailure: 125 } as const;

export interface CliCommand {
  /** As listed in commands/index.ts, which holds its `--help` line. */
  name: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
