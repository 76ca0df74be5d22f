import { checkContainerRef, checkImageRef, createDockerService, DockerError, DockerService, SidecarMode, SidecarPlanOptions, statusCodeOf, toDockerError } from '../../docker';
import { CliCommand, CliIo, ExitCode } from './types';
import { readCommandLine, refuseUsage, UsageError, type CommandLine, type ParsedLine } from '../args';
import { POD_USAGE, runPodDebug } from '../podDebug';


const USAGE = `usage: distroless debug [options] <container> [-- command [args...]]

Opens a shell (or runs a command) in a sidecar container that joins <container>'s
processes and network, as <container>'s own uid:gid and capabilities, so its files
are readable under /proc/1/root. Interactive when stdin is a terminal; otherwise
runs the command and prints its output.

options:
  --image <image>      tools image with a shell (default busybox:latest, or $DISTROLESS_SIDECAR_IMAGE)
  --root               run as root with SYS_PTRACE (plus the target's capabilities)
  --user <uid[:gid]>   run as this numeric user instead of the target's
  --privileged         run the sidecar privileged (never the default)
  -i, --stdin          without a terminal, pass stdin to the command
  --print-command      print the equivalent docker run command and exit
  -h, --help           show this help

exit status: the command's own; 2 for usage errors; 125 when the engine or the
sidecar failed (no engine, container not running, tools image unavailable).

Kubernetes pods:

${POD_USAGE}`;

interface DebugArgs {
  target: string;
  command: string[];
  image?: string;
  mode: SidecarMode;
  user?: string;
  privileged: boolean;
  stdin: boolean;
  printCommand: boolean;
}

export const DEBUG_LINE: CommandLine = {
  command: 'debug',
  usage: USAGE,
  // `distroless debug c ls -l` is a common slip for `-- ls -l`; accept it like docker run does.
  afterDashDash: 'command',
  commandAfterOperands: 1,
  options: [
    { name: 'image', value: '<image>' },
    { name: 'root' },
    { name: 'user', value: '<uid[:gid]>' },
    { name: 'privileged' },
    { name: 'stdin', short: 'i' },
    { name: 'print-command' },
  ],
};

function interpret(line: ParsedLine): DebugArgs {
  const target = line.operands[0];
  if (!target) throw new UsageError('missing <container>');
  const user = line.value('user');
  if (user !== undefined && !/^\d+(:\d+)?$/.test(user)) throw new UsageError(`--user must be a numeric uid or uid:gid, got "${user}"`);
  return {
    target,
    command: [...(line.command ?? [])],
    image: line.value('image'),
    mode: line.flag('root') ? 'root' : 'match',
    user,
    privileged: line.flag('privileged'),
    stdin: line.flag('stdin'),
    printCommand: line.flag('print-command'),
  };
}

export const debugCommand: CliCommand = {
  name: 'debug',
  async run(argv: string[], io: CliIo): Promise<number> {
    // Kubernetes pods go through kubectl debug (../podDebug.ts).
    const beforeCommand = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
    if (beforeCommand.some((a) => a.startsWith('pod/'))) return runPodDebug(argv, io);
    const parsed = readCommandLine(DEBUG_LINE, argv, io, interpret);
    if (typeof parsed === 'number') return parsed;
    // Names Docker would never accept are refused before any engine call (exit 125, as docker run does).
    try {
      checkContainerRef(parsed.target);
      const image = parsed.image ?? io.env.DISTROLESS_SIDECAR_IMAGE;
      if (image !== undefined && image.trim() !== '') checkImageRef(image);
    } catch (err) {
      io.stderr.write(`distroless debug: ${(err as Error).message}\n`);
      return ExitCode.engineFailure;
    }
    const interactive = Boolean(io.stdin.isTTY);
    if (!interactive && !parsed.printCommand && parsed.command.length === 0) {
      return refuseUsage(io, 'debug', 'stdin is not a terminal, so give the command to run after --, e.g. distroless debug app -- ps');
    }
    const planOptions: SidecarPlanOptions = {
      image: parsed.image ?? io.env.DISTROLESS_SIDECAR_IMAGE,
      mode: parsed.mode,
      user: parsed.user,
      privileged: parsed.privileged,
      command: parsed.command.length ? parsed.command : undefined,
      tty: interactive,
      stdin: interactive || parsed.stdin,
    };
    try {
      const service = await createDockerService({ env: io.env, homedir: io.env.HOME || undefined });
      if (parsed.printCommand) {
        io.stdout.write((await service.dockerRunCommand(parsed.target, { ...planOptions, tty: true, stdin: true })) + '\n');
        return ExitCode.ok;
      }
      return interactive ? await runInteractive(service, parsed.target, planOptions, io) : await runBatch(service, parsed.target, planOptions, io);
    } catch (err) {
      // Engine answers (HTTP 301/404/409/500) and socket errors are expected failures: one line, exit 125.
      if (err instanceof DockerError || statusCodeOf(err) !== undefined || typeof (err as NodeJS.ErrnoException | null)?.code === 'string') {
        io.stderr.write(`distroless debug: ${toDockerError(err, `debugging ${parsed.target}`).message}\n`);
        return ExitCode.engineFailure;
      }
      throw err;
    }
  },
};

function pullReporter(io: CliIo) {
  let last = '';
  return (p: { image: string; status: string; percent?: number }) => {
    const line = `Pulling ${p.image}: ${p.status}${p.percent === undefined ? '' : ` ${p.percent}%`}`;
    if (line !== last) io.stderr.write(line + '\n');
    last = line;
  };
}

/**
 * A terminal closed under us (SIGHUP) or a kill (SIGTERM/SIGINT) must still take
 * the sidecar down; otherwise it lingers until the next run's orphan cleanup.
 */
function closeOnSignals(session: { close(): Promise<unknown> }): () => void {
  const signals: NodeJS.Signals[] = ['SIGHUP', 'SIGTERM', 'SIGINT'];
  const handler = () => void session.close();
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}

async function runBatch(service: DockerService, target: string, plan: SidecarPlanOptions, io: CliIo): Promise<number> {
  const session = await service.openSidecar({ target, ...plan, banner: false, onPullProgress: pullReporter(io) });
  session.onData((data, which) => (which === 'stderr' ? io.stderr : io.stdout).write(data));
  const releaseSignals = closeOnSignals(session);
  if (plan.stdin) {
    io.stdin.on('data', (chunk: Buffer | string) => session.write(chunk));
    io.stdin.once('end', () => session.endInput());
  }
  const end = await session.ended;
  releaseSignals();
  if (plan.stdin) io.stdin.pause();
  if (end.reason !== 'exited') io.stderr.write(`distroless debug: ${end.message}\n`);
  return end.exitCode ?? ExitCode.engineFailure;
}

async function runInteractive(service: DockerService, target: string, plan: SidecarPlanOptions, io: CliIo): Promise<number> {
  const out = io.stdout;
  const session = await service.openSidecar({
    target,
    ...plan,
    cols: out.columns,
    rows: out.rows,
    onPullProgress: pullReporter(io),
  });
  session.onData((data) => out.write(data));
  const releaseSignals = closeOnSignals(session);
  const onInput = (chunk: Buffer | string) => session.write(chunk);
  const onResize = () => {
    if (out.columns && out.rows) session.resize(out.columns, out.rows).catch(() => undefined);
  };
  io.stdin.setRawMode?.(true);
  io.stdin.on('data', onInput);
  io.stdin.resume();
  (out as NodeJS.WritableStream & NodeJS.EventEmitter).on('resize', onResize);
  try {
    const end = await session.ended;
    // Raw mode prints no newline; start the message on a fresh line.
    if (end.reason !== 'exited') io.stderr.write(`\r\ndistroless debug: ${end.message}\r\n`);
    return end.exitCode ?? ExitCode.engineFailure;
  } finally {
    releaseSignals();
    io.stdin.off('data', onInput);
    (out as NodeJS.WritableStream & NodeJS.EventEmitter).off('resize', onResize);
    io.stdin.setRawMode?.(false);
    io.stdin.pause();
  }
}
