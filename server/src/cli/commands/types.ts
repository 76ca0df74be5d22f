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
 * The CLI's exit codes, one name each (docs/cli.md#exit-codes); no other number is an
 * exit code anywhere in the CLI (test/unit/cli/exit-codes.test.ts). A command run in a
 * sidecar or a debug container passes its own code through.
 */
export const ExitCode = {
  ok: 0,
  /**
   * The command ran and its answer is "no": findings at or above the threshold (lint), a
   * conversion possible (convert --check) or impossible, not verified (convert --verify),
   * no such path (ls), the target stopped (port-forward, attach-debugger).
   */
  negative: 1,
  /** A command line that cannot run, or input that is not what it must be (one line on stderr). */
  usage: 2,
  /** The output is incomplete: an internal error (a bug, reportInternalError), or ls stopped a listing early. */
  incomplete: 3,
  /** docker run's 125: the engine, the sidecar, kubectl or the target failed, not the command run. */
  engineFailure: 125,
  /** Cancelled by SIGINT/SIGTERM/SIGHUP after what was made was removed, as shells report Ctrl+C. */
  cancelled: 130,
} as const;

export interface CliCommand {
  /** As listed in commands/index.ts, which holds its `--help` line. */
  name: string;
  /** Reads `argv` with the one parser (../args.ts), whose CommandLine holds the usage --help prints. */
  run(argv: string[], io: CliIo): Promise<number>;
}
