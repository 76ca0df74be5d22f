import { terminalText } from '../terminalText';
import { ContainerFileEntry, createDockerService, DockerError, statusCodeOf, toDockerError, modeString, PathNotFoundError } from '../../docker';
import { CliCommand, CliIo, ExitCode } from './types';
import { readCommandLine, UsageError, type CommandLine, type ParsedLine } from '../args';

const USAGE = `usage: distroless ls [options] <container> [path]

Lists a directory (default /) inside a container, running or stopped, with
mode, owner, group, size, modification time and link targets, like ls -l.
A running container's directory is listed by a short-lived helper container of
busybox:latest (when on the engine; never pulled) in the target's PID namespace,
as the target's user, that stats the entries: no file contents move, nothing is
written, the helper is removed. A stopped container (or no tools image) is read
through the engine's archive API (what docker cp uses), which sends file
contents along with the names, so that listing stops after 64 MiB of contents
and says so (names in name order after the file that passed the limit are not
shown). A path ending in / follows a symlink to a directory; without it a
symlink is shown itself. Names are printed with control characters escaped
(\x1b, \n; a backslash as \\).

options:
  -n, --numeric   numeric uid and gid instead of names
  --json          one JSON array of entries (name, type, mode, uid, gid, user,
                  group, size, mtime, linkTarget)
  -h, --help      show this help

exit status: 0 listed; 1 no such path; 2 usage error; 3 listed in part (the
reason on stderr); 125 when the engine or the container failed (no engine, no
such container).`;

interface Args {
  target: string;
  path: string;
  numeric: boolean;
  json: boolean;
}

export const LS_LINE: CommandLine = {
  command: 'ls',
  usage: USAGE,
  afterDashDash: 'operands',
  options: [{ name: 'numeric', short: 'n' }, { name: 'json' }],
};

function interpret(line: ParsedLine): Args {
  const [target, path, ...more] = line.operands;
  if (!target) throw new UsageError('missing <container>');
  if (more.length > 0) throw new UsageError(`one path at a time (got ${more.length + 1})`);
  return { target, path: path ?? '/', numeric: line.flag('numeric'), json: line.flag('json') };
}

export function formatListing(entries: readonly ContainerFileEntry[], numeric: boolean): string {
  const rows = entries.map((e) => [
    modeString(e.type, e.mode),
    numeric || !e.user ? String(e.uid) : terminalText(e.user, { names: true }),
    numeric || !e.group ? String(e.gid) : terminalText(e.group, { names: true }),
    String(e.size),
    e.mtime.toISOString().slice(0, 16).replace('T', ' '),
    // Names come from the container: escape codes and line breaks are shown, never run.
    terminalText(e.name, { names: true }) + (e.linkTarget !== undefined ? ` -> ${terminalText(e.linkTarget, { names: true })}` : ''),
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(0, ...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => [r[0]!, r[1]!.padEnd(widths[1]!), r[2]!.padEnd(widths[2]!), r[3]!.padStart(widths[3]!), r[4]!, r[5]!].join('  '))
    .map((l) => l + '\n')
    .join('');
}

export const lsCommand: CliCommand = {
  name: 'ls',
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = readCommandLine(LS_LINE, argv, io, interpret);
    if (typeof parsed === 'number') return parsed;
    try {
      const service = await createDockerService({ env: io.env, homedir: io.env.HOME || undefined });
      const stat = await service.statPath(parsed.target, parsed.path);
      const followLink = stat.type === 'symlink' && /\/\.?$/.test(parsed.path);
      const entries =
        stat.type === 'directory' || followLink ? await service.listDirectory(parsed.target, parsed.path) : [await service.describePath(parsed.target, parsed.path)];
      if (parsed.json) io.stdout.write(JSON.stringify(entries, null, 2) + '\n');
      else io.stdout.write(formatListing(entries, parsed.numeric));
      const incomplete = (entries as { incomplete?: string }).incomplete;
      if (incomplete) {
        io.stderr.write(`distroless ls: ${terminalText(incomplete)}\n`);
        return ExitCode.incomplete;
      }
      return ExitCode.ok;
    } catch (err) {
      if (err instanceof PathNotFoundError) {
        io.stderr.write(`distroless ls: ${terminalText(err.message)}\n`);
        return ExitCode.negative;
      }
      // Engine answers and socket errors are expected failures: one line, never a stack trace.
      if (err instanceof DockerError || statusCodeOf(err) !== undefined || typeof (err as NodeJS.ErrnoException | null)?.code === 'string') {
        io.stderr.write(`distroless ls: ${terminalText(toDockerError(err, `listing files of ${parsed.target}`).message)}\n`);
        return ExitCode.engineFailure;
      }
      throw err;
    }
  },
};
