/**
 * `distroless debug pod/<name> [-c container]`: kubectl debug with the target
 * container's identity (server/src/kubernetes/identity.ts). kubectl does the
 * work; we choose its arguments and say where the identity came from.
 */
import { spawn } from 'child_process';
import * as os from 'os';
import { KubectlError, kubectlCommandLine, printable } from '../kubernetes/kubectl';
import { IdentityError } from '../kubernetes/identity';
import {
  attachArgs,
  debugContainerExit,
  logsArgs,
  openDebugContainer,
  PodSecurityError,
  PrepareDebugPodOptions,
  PreparedDebugPod,
  prepareDebugPod,
  printableDebugArgs,
  targetFilesNote,
} from '../kubernetes/debugPod';
import { DEFAULT_TOOLS_IMAGE } from '../docker';
import { CliIo, ExitCode } from './commands/types';
import { readCommandLine, refuseUsage, UsageError, type CommandLine, type ParsedLine } from './args';

export const POD_USAGE = `usage: distroless debug [options] pod/<name> [-c <container>] [-n <namespace>] [-- command [args...]]

Adds an ephemeral container with the target container's uid, gid and
capabilities (its securityContext, container over pod, else what the kubelet
reports) through kubectl debug --custom, with a --profile its namespace's Pod
Security level admits (restricted, baseline or general; one retry with the next
on a Pod Security refusal when the level cannot be read), then attaches to it
(kubectl attach; kubectl logs for a command without stdin). Needs kubectl 1.30
or newer (--custom).

options:
  -c, --container <name>  target container (default: the pod's first)
  -n, --namespace <ns>    namespace (default: kubectl's current one)
  --image <image>         tools image (default busybox:latest, or $DISTROLESS_SIDECAR_IMAGE)
  --user <uid[:gid]>      this numeric user instead of the target's
  -i, --stdin             without a terminal, pass stdin to the command
  --print-command         print the --custom spec (to save as debug-container.json)
                          and the kubectl command, and exit
  --root, --privileged    containers only; for a pod, run kubectl
                          debug --profile=sysadmin yourself

exit status: the command's (or shell's) own, read from the debug container's
state.terminated.exitCode when it ends; 2 for usage errors; 125 when kubectl is
missing, too old (--custom needs 1.30+), the pod or container is not found, the
identity cannot be decided, Pod Security refuses the container, or it still runs
after the attach ended.`;

interface PodArgs {
  pod: string;
  container?: string;
  namespace?: string;
  image?: string;
  user?: string;
  stdin: boolean;
  printCommand: boolean;
  command: string[];
}

export const POD_LINE: CommandLine = {
  command: 'debug',
  usage: POD_USAGE,
  afterDashDash: 'command',
  commandAfterOperands: 1,
  options: [
    { name: 'container', short: 'c', value: '<name>' },
    { name: 'namespace', short: 'n', value: '<ns>' },
    { name: 'image', value: '<image>' },
    { name: 'user', value: '<uid[:gid]>' },
    { name: 'stdin', short: 'i' },
    { name: 'print-command' },
    // Container options, declared to say what to do instead.
    { name: 'root' },
    { name: 'privileged' },
  ],
};

function interpret(line: ParsedLine): PodArgs {
  for (const option of ['root', 'privileged']) {
    if (line.flag(option)) throw new UsageError(`--${option} is for containers; for pods use kubectl debug --profile=sysadmin yourself`);
  }
  const [first] = line.operands;
  if (first === undefined || first === 'pod/') throw new UsageError('missing the pod name after pod/');
  if (!first.startsWith('pod/')) throw new UsageError(`expected pod/<name>, got "${first}"`);
  return {
    pod: first.slice('pod/'.length),
    container: line.value('container'),
    namespace: line.value('namespace'),
    image: line.value('image'),
    user: line.value('user'),
    stdin: line.flag('stdin'),
    printCommand: line.flag('print-command'),
    command: [...(line.command ?? [])],
  };
}

export async function runPodDebug(argv: string[], io: CliIo): Promise<number> {
  const parsed = readCommandLine(POD_LINE, argv, io, interpret);
  if (typeof parsed === 'number') return parsed;
  const tty = Boolean(io.stdin.isTTY);
  if (!tty && !parsed.printCommand && parsed.command.length === 0) {
    return refuseUsage(io, 'debug', 'stdin is not a terminal, so give the command to run after --, e.g. distroless debug pod/web -- ps');
  }
  const say = (line: string) => io.stderr.write(`distroless debug: ${printable(line)}\n`);
  const options: PrepareDebugPodOptions = {
    pod: parsed.pod,
    container: parsed.container,
    namespace: parsed.namespace,
    image: parsed.image ?? (io.env.DISTROLESS_SIDECAR_IMAGE || DEFAULT_TOOLS_IMAGE),
    user: parsed.user,
    // A printed command is for a person at a terminal.
    tty: tty || parsed.printCommand,
    stdin: parsed.stdin,
    command: parsed.command,
    env: io.env,
  };
  let prepared: PreparedDebugPod;
  try {
    if (parsed.printCommand) {
      prepared = await prepareDebugPod(options);
      io.stdout.write(`# debug-container.json:\n${JSON.stringify(prepared.plan.custom)}\n${kubectlCommandLine(printableDebugArgs(prepared), prepared.env)}\n`);
      return ExitCode.ok;
    }
    const opened = await openDebugContainer(options, { note: say });
    prepared = opened.prepared;
    const state = opened.state;
    if (state === 'running' && tty) say(await targetFilesNote(prepared));
    const streamArgs = state === 'running' && (tty || parsed.stdin) ? attachArgs(prepared) : logsArgs(prepared);
    const streamed = await runStreaming(streamArgs, tty, parsed.stdin, io);
    if (streamed !== undefined) return streamed;
    // kubectl attach ends with Success whatever the process did: its exit code is in the pod's status.
    const code = await debugContainerExit(prepared);
    if (code === undefined) {
      say(`debug container ${prepared.name} is still running; attach again with ${kubectlCommandLine(attachArgs(prepared))}`);
      return ExitCode.engineFailure;
    }
    return code;
  } catch (err) {
    if (err instanceof KubectlError || err instanceof IdentityError || err instanceof PodSecurityError) {
      say(err.message);
      return ExitCode.engineFailure;
    }
    throw err;
  }
}

/** Runs kubectl attach/logs; undefined when it ended normally, else the failure's exit status (after saying why). */
function runStreaming(args: string[], tty: boolean, stdin: boolean, io: CliIo): Promise<number | undefined> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', args, { env: io.env, stdio: tty ? 'inherit' : ['pipe', 'pipe', 'pipe'] });
    if (!tty) {
      child.stdout!.pipe(io.stdout, { end: false });
      child.stderr!.pipe(io.stderr, { end: false });
      if (stdin) io.stdin.pipe(child.stdin!);
      else child.stdin!.end();
    }
    child.on('error', (err) => {
      io.stderr.write(`distroless debug: could not run kubectl: ${err.message}\n`);
      resolve(ExitCode.engineFailure);
    });
    child.on('close', (code, signal) => {
      if (stdin && !tty) io.stdin.unpipe(child.stdin!);
      if (signal) resolve(128 + (os.constants.signals[signal] ?? 15));
      // kubectl's own failure (connection lost): the container may still run; its status decides below.
      else resolve(code === 0 || code === 1 ? undefined : code ?? ExitCode.engineFailure);
    });
  });
}
