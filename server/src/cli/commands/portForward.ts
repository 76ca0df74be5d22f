import { createDockerService, DockerError, statusCodeOf, toDockerError, parsePortSpec, PortForward, PortSpec } from '../../docker';
import { CliCommand, CliIo, ExitCode } from './types';
import { readCommandLine, readValue, UsageError, type CommandLine, type ParsedLine } from '../args';

const USAGE = `usage: distroless port-forward [options] <container> [<local>:]<port> [...]

Forwards a local port to <port> inside <container>'s network namespace, so its
own 127.0.0.1 is reachable (admin, metrics and debug ports that were never
published). A small sidecar joins the container; the container is not changed
or restarted. Runs until Ctrl+C, which removes the sidecar.

  8080          local 8080 to the container's 8080
  18080:8080    local 18080 to the container's 8080
  :8080         any free local port to the container's 8080

options:
  --address <ip>       local address to listen on (default 127.0.0.1)
  --image <image>      tools image with nc (default busybox:latest, or $DISTROLESS_SIDECAR_IMAGE)
  -h, --help           show this help

exit status: 0 after Ctrl+C (or SIGTERM); 1 when the container stopped while
forwarding; 2 for usage errors (e.g. a port that is not a number); 125 when the
forward could not start (no engine, container not found or not running, local
port in use, tools image unavailable).`;

interface Args {
  target: string;
  ports: PortSpec[];
  address?: string;
  image?: string;
}

export const PORT_FORWARD_LINE: CommandLine = {
  command: 'port-forward',
  usage: USAGE,
  afterDashDash: 'operands',
  options: [
    { name: 'address', value: '<ip>' },
    { name: 'image', value: '<image>' },
  ],
};

function interpret(line: ParsedLine): Args {
  const [target, ...specs] = line.operands;
  if (!target) throw new UsageError('missing <container>');
  if (specs.length === 0) throw new UsageError('missing the port to forward, e.g. 8080 or 18080:8080');
  const ports = specs.map((spec) => readValue(() => parsePortSpec(spec)));
  const locals = ports.map((p) => p.localPort).filter((p) => p !== 0);
  const dup = locals.find((p, i) => locals.indexOf(p) !== i);
  if (dup !== undefined) throw new UsageError(`local port ${dup} is given twice`);
  return { target, ports, address: line.value('address'), image: line.value('image') };
}

export const portForwardCommand: CliCommand = {
  name: 'port-forward',
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = readCommandLine(PORT_FORWARD_LINE, argv, io, interpret);
    if (typeof parsed === 'number') return parsed;
    const forwards: PortForward[] = [];
    let stopping = false;
    const stopAll = () => {
      stopping = true;
      return Promise.all(forwards.map((f) => f.close()));
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    let interrupted: () => void = () => undefined;
    const interruptedP = new Promise<'interrupted'>((resolve) => (interrupted = () => resolve('interrupted')));
    const onSignal = () => {
      interrupted();
      void stopAll();
    };
    for (const s of signals) process.on(s, onSignal);
    try {
      const service = await createDockerService({ env: io.env, homedir: io.env.HOME || undefined });
      for (const spec of parsed.ports) {
        if (stopping) break;
        const forward = await service.openPortForward({
          target: parsed.target,
          remotePort: spec.remotePort,
          localPort: spec.localPort,
          localAddress: parsed.address,
          image: parsed.image ?? io.env.DISTROLESS_SIDECAR_IMAGE,
          onPullProgress: (p) => io.stderr.write(`Pulling ${p.image}: ${p.status}${p.percent === undefined ? '' : ` ${p.percent}%`}\n`),
        });
        forwards.push(forward);
        forward.onEvent((e) => {
          if (e.kind === 'connection-failed' || e.kind === 'fallback') io.stderr.write(`distroless port-forward: ${e.message}\n`);
        });
        io.stdout.write(`Forwarding ${forward.localAddress}:${forward.localPort} -> ${forward.target.name}:${forward.remotePort}\n`);
      }
      if (stopping) {
        await stopAll();
        return ExitCode.ok;
      }
      io.stdout.write('Press Ctrl+C to stop.\n');
      // The first forward to end (target stopped) ends them all: they share the target.
      const first = await Promise.race([interruptedP, ...forwards.map((f) => f.ended)]);
      await stopAll();
      if (first === 'interrupted') return ExitCode.ok;
      io.stderr.write(`distroless port-forward: ${first.message}\n`);
      return first.reason === 'closed' ? ExitCode.ok : ExitCode.negative;
    } catch (err) {
      await stopAll();
      // Engine answers and socket errors are expected failures: one line, never a stack trace.
      if (err instanceof DockerError || statusCodeOf(err) !== undefined || typeof (err as NodeJS.ErrnoException | null)?.code === 'string') {
        io.stderr.write(`distroless port-forward: ${toDockerError(err, `forwarding to ${parsed.target}`).message}\n`);
        return ExitCode.engineFailure;
      }
      throw err;
    } finally {
      for (const s of signals) process.off(s, onSignal);
    }
  },
};
