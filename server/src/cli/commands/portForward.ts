import { createDockerService, DockerError, statusCodeOf, toDockerError, parsePortSpec, PortForward, PortSpec } from '../../docker';
import { CliCommand, CliIo, ExitCode } from './types';

/** The forward ran and ended because the target stopped (or its sidecar died). */
export const PORT_FORWARD_ENDED = 1;

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

function parseArgs(argv: string[]): Args | { error: string } {
  let target: string | undefined;
  const ports: PortSpec[] = [];
  let address: string | undefined;
  let image: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (name: string) => {
      const v = argv[++i];
      if (v === undefined || v === '') throw new Error(`${name} needs a value`);
      return v;
    };
    try {
      if (a === '--address') address = value(a);
      else if (a.startsWith('--address=')) address = a.slice('--address='.length);
      else if (a === '--image') image = value(a);
      else if (a.startsWith('--image=')) image = a.slice('--image='.length);
      else if (a.startsWith('-')) return { error: `unknown option ${a}` };
      else if (target === undefined) target = a;
      else ports.push(parsePortSpec(a));
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  if (!target) return { error: 'missing <container>' };
  if (ports.length === 0) return { error: 'missing the port to forward, e.g. 8080 or 18080:8080' };
  const locals = ports.map((p) => p.localPort).filter((p) => p !== 0);
  const dup = locals.find((p, i) => locals.indexOf(p) !== i);
  if (dup !== undefined) return { error: `local port ${dup} is given twice` };
  return { target, ports, address, image };
}

export const portForwardCommand: CliCommand = {
  name: 'port-forward',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseArgs(argv);
    if ('error' in parsed) {
      io.stderr.write(`distroless port-forward: ${parsed.error}\n`);
      return ExitCode.usage;
    }
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
      return first.reason === 'closed' ? ExitCode.ok : PORT_FORWARD_ENDED;
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
