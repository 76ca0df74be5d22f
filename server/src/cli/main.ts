/** `distroless <command>`: dispatch to the sub-command table. */
import { COMMANDS } from './commands';
import { CliIo, ExitCode } from './commands/types';
import { reportInternalError } from './internalError';
import { refuseUsage } from './args';
import { version } from '../../../package.json';

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version}\n`);
    return ExitCode.ok;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const width = Math.max(...COMMANDS.map((c) => c.name.length));
    io.stdout.write(`Usage: distroless <command> [options]\n\nCommands:\n${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n\nRun 'distroless <command> --help' for a command's options.\n`);
    return ExitCode.ok;
  }
  const names = COMMANDS.map((c) => c.name).join(', ');
  if (!name) return refuseUsage(io, '', `name a command: ${names}`);
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) return refuseUsage(io, '', name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"; the commands are ${names}`);
  // The command reads its own command line (args.ts), --help included.
  return entry.load().run(rest, io);
}

if (require.main === module) {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
  // A stream or socket error nobody listened for must end in the same one line, not a
  // stack trace, and must not leave the terminal in the raw mode an interactive debug set.
  const fatal = (error: unknown) => {
    if (process.stdin.isTTY) process.stdin.setRawMode?.(false);
    process.exitCode = reportInternalError(error, io);
    process.exit();
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  // A closed pipe (distroless lint . | head) is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
    throw error;
  });
  main(process.argv.slice(2), io)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.exitCode = reportInternalError(error, io);
    });
}
