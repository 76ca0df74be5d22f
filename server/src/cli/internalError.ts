/** The last line of defence: an unexpected error becomes one line and a log file, never a stack trace on the terminal. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { version } from '../../../package.json';
import { CliIo, ExitCode } from './commands/types';

/**
 * An error nobody expected is a bug: one line for the user (what happened and where
 * the details are), the stack in a log file rather than on their terminal.
 */
export function reportInternalError(error: unknown, io: Pick<CliIo, 'stderr' | 'env'>): number {
  const summary = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  const details = error instanceof Error && error.stack ? error.stack : String(error);
  let where: string;
  if (io.env.DISTROLESS_DEBUG) {
    io.stderr.write(`${details}\n`);
    where = 'the details are above';
  } else {
    try {
      const log = path.join(os.tmpdir(), `distroless-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
      fs.writeFileSync(log, `distroless ${version}, node ${process.version}, ${process.platform}\nargv: ${JSON.stringify(process.argv.slice(2))}\n${details}\n`, { flag: 'wx', mode: 0o600 });
      where = `the details are in ${log}`;
    } catch {
      where = 'run again with DISTROLESS_DEBUG=1 to see the details';
    }
  }
  io.stderr.write(`distroless: internal error (a bug, please report it): ${summary.split('\n')[0]}; ${where}.\n`);
  return ExitCode.incomplete;
}
