import { checkContainerRef, createDockerService, DebuggerSession, DebuggerUnavailableError, DockerError, parsePortSpec, PortSpec, statusCodeOf, toDockerError } from '../../docker';
import { CliCommand, CliIo, ExitCode } from './types';
import { readCommandLine, readValue, UsageError, type CommandLine, type ParsedLine } from '../args';

const USAGE = `usage: distroless attach-debugger [options] <container>

Attaches a debugger to a process in a running container without changing or
restarting it, and forwards it to this machine's 127.0.0.1 only. Runs until
Ctrl+C, which removes its sidecars; the container keeps running.

  Node.js  SIGUSR1 (sent as the process's own user) opens its inspector on its
           127.0.0.1:9229; prints the ws:// address and the DevTools URL.
  Go       Delve from --tools-image attaches with ptrace and serves DAP; its
           sidecar runs as the process's own uid:gid with CAP_SYS_PTRACE added,
           so --allow-ptrace is required.

options:
  --pid <n>                  the process (PID inside the container); default PID 1,
                             or the one Node.js/Go process (a list when several)
  --port [<local>:]<port>    local port, and the port inside (default :9229 for
                             Node.js, :2345 for Delve; ":" picks a free local port)
  --tools-image <image>      Go: an image with dlv and sh ($DISTROLESS_DEBUGGER_GO_IMAGE)
  --allow-ptrace             Go: let Delve's sidecar have CAP_SYS_PTRACE
  --image <image>            tools image with sh, kill and nc (default busybox:latest,
                             or $DISTROLESS_SIDECAR_IMAGE)
  -h, --help                 show this help

exit status: 0 after Ctrl+C (or SIGTERM); 1 when the container stopped; 2 for
usage errors, and when several processes could be meant (pick one with --pid);
125 when it could not attach (no engine, container not found or not running,
not Node.js or Go, the inspector did not open, Delve could not attach).`;

interface Args {
  target: string;
  pid?: number;
  port?: PortSpec;
  image?: string;
  toolsImage?: string;
  allowPtrace: boolean;
}

export const ATTACH_LINE: CommandLine = {
  command: 'attach-debugger',
  usage: USAGE,
  afterDashDash: 'operands',
  options: [
    { name: 'pid', value: '<n>' },
    { name: 'port', value: '[<local>:]<port>' },
    { name: 'tools-image', value: '<image>' },
    { name: 'allow-ptrace' },
    { name: 'image', value: '<image>' },
  ],
};

function interpret(line: ParsedLine): Args {
  const [target, extra] = line.operands;
  if (!target) throw new UsageError('missing <container>');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}": one container at a time`);
  const pid = line.value('pid');
  if (pid !== undefined && (!/^\d+$/.test(pid) || Number(pid) < 1)) throw new UsageError(`--pid needs a process number, not "${pid}"`);
  const port = line.value('port');
  return { target, pid: pid === undefined ? undefined : Number(pid), port: port === undefined ? undefined : readValue(() => parsePortSpec(port)), image: line.value('image'), toolsImage: line.value('tools-image'), allowPtrace: line.flag('allow-ptrace') };
}

function describe(s: DebuggerSession): string[] {
  const what = `process ${s.process.pid} (${s.process.argv.join(' ')}) in ${s.target.name}`;
  const address = `${s.localAddress}:${s.localPort}`;
  if (s.inspector) {
    return [
      `Inspector of ${what}, as ${s.process.uid}:${s.process.gid}`,
      `  ${s.inspector.webSocketUrl}`,
      `DevTools: ${s.inspector.devtoolsUrl}`,
      `VS Code: attach a "node" debug session to ${address}`,
    ];
  }
  return [
    `Delve (DAP) attached to ${what}, listening on ${address}`,
    `VS Code Go: attach a "go" debug session, "mode": "remote", "host": "127.0.0.1", "port": ${s.localPort}`,
  ];
}

export const attachDebuggerCommand: CliCommand = {
  name: 'attach-debugger',
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = readCommandLine(ATTACH_LINE, argv, io, interpret);
    if (typeof parsed === 'number') return parsed;
    let session: DebuggerSession | undefined;
    let interrupted = false;
    let onInterrupt: () => void = () => undefined;
    const interruptedP = new Promise<'interrupted'>((resolve) => (onInterrupt = () => resolve('interrupted')));
    const onSignal = () => {
      interrupted = true;
      onInterrupt();
      void session?.close();
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, onSignal);
    try {
      // Before any engine call: a name Docker would never accept is the caller's mistake, wherever the engine is.
      checkContainerRef(parsed.target);
      const service = await createDockerService({ env: io.env, homedir: io.env.HOME || undefined });
      session = await service.attachDebugger({
        target: parsed.target,
        pid: parsed.pid,
        localPort: parsed.port?.localPort,
        remotePort: parsed.port?.remotePort,
        image: parsed.image ?? io.env.DISTROLESS_SIDECAR_IMAGE,
        goImage: parsed.toolsImage ?? io.env.DISTROLESS_DEBUGGER_GO_IMAGE,
        allowPtrace: parsed.allowPtrace,
        onPullProgress: (p) => io.stderr.write(`Pulling ${p.image}: ${p.status}${p.percent === undefined ? '' : ` ${p.percent}%`}\n`),
        onStatus: (line) => io.stderr.write(`${line}\n`),
      });
      if (interrupted) {
        await session.close();
        return ExitCode.ok;
      }
      io.stdout.write(`${describe(session).join('\n')}\nPress Ctrl+C to stop (the container keeps running).\n`);
      const first = await Promise.race([interruptedP, session.ended]);
      const end = await session.close();
      if (first === 'interrupted' || end.reason === 'closed') return ExitCode.ok;
      io.stderr.write(`distroless attach-debugger: ${end.message}\n`);
      return ExitCode.negative;
    } catch (err) {
      await session?.close();
      if (err instanceof DebuggerUnavailableError && err.candidates) {
        io.stderr.write(`distroless attach-debugger: ${err.message}\n`);
        return ExitCode.usage;
      }
      // Engine answers and socket errors are expected failures: one line, never a stack trace.
      if (err instanceof DockerError || statusCodeOf(err) !== undefined || typeof (err as NodeJS.ErrnoException | null)?.code === 'string') {
        io.stderr.write(`distroless attach-debugger: ${toDockerError(err, `attaching a debugger in ${parsed.target}`).message}\n`);
        return ExitCode.engineFailure;
      }
      throw err;
    } finally {
      for (const s of signals) process.off(s, onSignal);
    }
  },
};
