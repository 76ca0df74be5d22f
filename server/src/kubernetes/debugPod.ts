/**
 * Debugging a pod with the target container's identity, shared by the CLI and the
 * editor: checks the kubectl that will run has --custom, reads the pod and its
 * namespace's Pod Security level, adds the ephemeral container with
 * `kubectl debug --attach=false` (retrying once with the next profile on a Pod
 * Security refusal when the level could not be read), waits for it to start, and
 * reads its exit code when it ends. The caller attaches (a terminal in the editor,
 * a child process in the CLI) with the argv it gets back.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlError, kubectlCommandLine, KubectlOptions, runKubectl } from './kubectl';
import {
  checkKubernetesName,
  CUSTOM_DEFAULT_MINOR,
  customSupport,
  DebugIdentityPlan,
  DebugProfile,
  EffectiveIdentity,
  effectiveIdentity,
  enforcedLevel,
  IdentityError,
  kubectlDebugIdentityArgs,
  withoutUserAdvice,
  KubectlVersion,
  nextProfile,
  parseKubectlVersion,
  planDebugIdentity,
  PodJson,
  PodSecurityLevel,
} from './identity';

export interface PrepareDebugPodOptions extends KubectlOptions {
  pod: string;
  container?: string;
  namespace?: string;
  image: string;
  /** Numeric uid[:gid] instead of the target's. */
  user?: string;
  tty: boolean;
  stdin: boolean;
  command?: readonly string[];
}

export interface PreparedDebugPod {
  /** The target as the pod spec and status say, before any choice. */
  identity: EffectiveIdentity;
  plan: DebugIdentityPlan;
  /** The pod and namespace debugged: the pod as asked, never as some answer named it. */
  pod: string;
  namespace: string;
  /** The ephemeral container's name, chosen here so its status can be found afterwards. */
  name: string;
  /** The namespace's enforced Pod Security level from its label; undefined without one. */
  podSecurity?: PodSecurityLevel;
  /** 'unreadable' (403, no rights) or 'unlabelled' (the cluster's default level applies, unknown here), when podSecurity is undefined. */
  podSecurityUnknown?: 'unreadable' | 'unlabelled';
  version: KubectlVersion;
  /** Extra environment for kubectl (KUBECTL_DEBUG_CUSTOM_PROFILE on 1.30). */
  env: Record<string, string>;
  /** Lines for the user before anything runs: which kubectl, the identity and its doubts. */
  notes: string[];
  options: PrepareDebugPodOptions;
}

/** Pod Security refused the ephemeral container with every profile we may try. */
export class PodSecurityError extends Error {
  constructor(
    message: string,
    /** True when a non-root uid from the user could still get it admitted (restricted). */
    readonly needsUser: boolean,
  ) {
    super(message);
    this.name = 'PodSecurityError';
  }
}

const DISPATCHER = /-dispatcher$/;
const VERSIONED_KUBECTL = /^kubectl\.(\d+)\.(\d+)$/;

/** The `kubectl.1.NN` files beside the kubectl on PATH: the Google Cloud SDK's dispatcher layout. */
function dispatcherSiblings(o: KubectlOptions): string[] {
  if (o.kubectl && path.isAbsolute(o.kubectl)) return siblingsOf(o.kubectl);
  for (const dir of ((o.env ?? process.env).PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, o.kubectl ?? 'kubectl');
    if (fs.existsSync(candidate)) return siblingsOf(candidate);
  }
  return [];
}

function siblingsOf(file: string): string[] {
  try {
    const real = fs.realpathSync(file);
    // kubectl.1.29 itself (symlinked as kubectl) runs itself: only the file named kubectl dispatches.
    if (path.basename(real) !== 'kubectl') return [];
    const dir = path.dirname(real);
    return fs.readdirSync(dir).filter((f) => VERSIONED_KUBECTL.test(f)).sort((a, b) => Number(VERSIONED_KUBECTL.exec(a)![2]) - Number(VERSIONED_KUBECTL.exec(b)![2]));
  } catch {
    return [];
  }
}

/**
 * The version of the kubectl that will run `kubectl debug`. The Google Cloud SDK's
 * `kubectl` is a dispatcher that runs the `kubectl.1.NN` beside it matching the
 * cluster's version (itself for its own minor); asked `version --client` with the
 * cluster reachable, it answers for the kubectl it dispatches to, so that is the
 * version that counts, and the message names the dispatcher instead of "upgrade".
 */
export async function runningKubectlVersion(o: KubectlOptions): Promise<{ version: KubectlVersion; note?: string; newer?: string[] }> {
  const version = parseKubectlVersion(await runKubectl(['version', '--client', '-o', 'json'], o));
  const siblings = dispatcherSiblings(o);
  if (!siblings.length && !DISPATCHER.test(version.gitVersion)) return { version };
  const newer = siblings.filter((f) => Number(VERSIONED_KUBECTL.exec(f)![1]) > 1 || Number(VERSIONED_KUBECTL.exec(f)![2]) >= CUSTOM_DEFAULT_MINOR);
  return { version, newer, note: `kubectl on PATH is the Google Cloud SDK's dispatcher; for this cluster it runs kubectl ${version.gitVersion}.` };
}

function randomName(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return 'debugger-' + Array.from(crypto.randomBytes(5), (b) => alphabet[b % alphabet.length]).join('');
}

async function readPod(o: PrepareDebugPodOptions, namespace?: string): Promise<PodJson> {
  const args = ['get', 'pod', o.pod, '-o', 'json', ...(namespace ? [`--namespace=${namespace}`] : [])];
  try {
    return JSON.parse(await runKubectl(args, o)) as PodJson;
  } catch (err) {
    if (err instanceof KubectlError && /not ?found/i.test(err.message)) {
      throw new KubectlError('failed', `Pod "${o.pod}" was not found${namespace ? ` in namespace ${namespace}` : " in kubectl's current namespace"}. List pods with kubectl get pods.`);
    }
    if (err instanceof SyntaxError) throw new KubectlError('failed', `kubectl get pod printed something that is not JSON: ${err.message}`);
    throw err;
  }
}

/**
 * The namespace's enforced level from its label, or why it is unknown: no rights to
 * read the namespace, or no label (the cluster's AdmissionConfiguration default
 * applies, privileged unless the cluster says otherwise).
 */
export async function namespacePodSecurity(namespace: string, o: KubectlOptions = {}): Promise<PodSecurityLevel | 'unreadable' | 'unlabelled'> {
  try {
    const ns = JSON.parse(await runKubectl(['get', 'namespace', namespace, '-o', 'json'], o)) as { metadata?: { labels?: Record<string, string> } };
    return enforcedLevel(ns.metadata?.labels) ?? 'unlabelled';
  } catch {
    return 'unreadable';
  }
}

/** Throws KubectlError (kubectl missing, no context, unreachable, pod not found) or IdentityError. */
export async function prepareDebugPod(o: PrepareDebugPodOptions): Promise<PreparedDebugPod> {
  checkKubernetesName('pod', o.pod);
  if (o.namespace !== undefined) checkKubernetesName('namespace', o.namespace);
  const { version, note, newer } = await runningKubectlVersion(o);
  let env: Record<string, string>;
  try {
    env = customSupport(version);
  } catch (err) {
    if (!(err instanceof IdentityError) || !note) throw err;
    const hint = newer?.length
      ? ` The dispatcher picks the kubectl matching the cluster's version; ${newer.join(', ')} beside it have --custom: put one first on PATH as kubectl to use it.`
      : '';
    throw new IdentityError(`${note} ${err.message}${hint}`, err.kind);
  }
  const pod = await readPod(o, o.namespace);
  // A proxy, plugin or wrapper answering about another pod must not redirect the debug container.
  if (pod.metadata?.name !== undefined && pod.metadata.name !== o.pod) {
    throw new KubectlError('failed', `kubectl get pod ${o.pod} answered with pod "${pod.metadata.name}"; not debugging a pod other than the one asked for.`);
  }
  const namespace = o.namespace ?? pod.metadata?.namespace ?? 'default';
  checkKubernetesName('namespace', namespace);
  if (pod.status?.phase && pod.status.phase !== 'Running') {
    throw new IdentityError(`Pod "${o.pod}" is ${pod.status.phase}, not Running; an ephemeral container needs a running pod.`);
  }
  const identity = { ...effectiveIdentity(pod, o.container), pod: o.pod, namespace };
  const level = await namespacePodSecurity(namespace, o);
  const podSecurity = level === 'unreadable' || level === 'unlabelled' ? undefined : level;
  const plan = planDebugIdentity(identity, o.user, podSecurity);
  const notes = [...(note ? [note] : []), ...(podSecurity && podSecurity !== 'privileged' ? [`Namespace ${namespace} enforces the ${podSecurity} Pod Security Standard: profile ${plan.profile}.`] : []), ...plan.notes];
  return { identity, plan, pod: o.pod, namespace, name: randomName(), podSecurity, podSecurityUnknown: podSecurity ? undefined : (level as 'unreadable' | 'unlabelled'), version, env, notes, options: o };
}

/** The argv of the `kubectl debug` that adds the container, for a given spec file. */
export function debugArgs(p: PreparedDebugPod, customFile: string, plan = p.plan): string[] {
  return kubectlDebugIdentityArgs(plan.identity, { image: p.options.image, customFile, profile: plan.profile, name: p.name, tty: p.options.tty, stdin: p.options.tty || p.options.stdin, command: p.options.command });
}

/** One `kubectl debug` line a person can run themselves (the spec saved as debug-container.json). */
export function printableDebugArgs(p: PreparedDebugPod): string[] {
  const args = debugArgs(p, 'debug-container.json').filter((a) => !a.startsWith('--container=') && a !== '--attach=false' && a !== '--stdin' && a !== '--tty');
  args.splice(1, 0, p.options.tty ? '-it' : p.options.stdin ? '-i' : '--attach=true');
  return args;
}

function violatesPodSecurity(message: string): boolean {
  return /violates PodSecurity/.test(message);
}

/**
 * Adds the ephemeral container. On a Pod Security 403 with the namespace's level
 * unknown, retries once with the next profile (general → baseline → restricted),
 * telling `note`. Returns the plan that was admitted; throws PodSecurityError,
 * KubectlError or IdentityError.
 */
export async function addDebugContainer(p: PreparedDebugPod, note: (line: string) => void): Promise<DebugIdentityPlan> {
  let plan = p.plan;
  for (let attempt = 0; ; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-kubectl-debug-'));
    try {
      const customFile = path.join(dir, 'debug-container.json');
      fs.writeFileSync(customFile, JSON.stringify(plan.custom, null, 2) + '\n', { mode: 0o600 });
      await runKubectl(debugArgs(p, customFile, plan), { ...p.options, env: { ...(p.options.env ?? process.env), ...p.env } });
      return plan;
    } catch (err) {
      if (!(err instanceof KubectlError) || !violatesPodSecurity(err.message)) throw err;
      const refused = err.message.replace(/^kubectl failed: /, '').replace(/^Error from server \(Forbidden\): /, '');
      const next = nextProfile(plan.profile);
      if (attempt > 0 || p.podSecurity !== undefined || !next) throw podSecurityError(p, plan.profile, refused);
      let retry: DebugIdentityPlan;
      try {
        retry = planDebugIdentity(p.identity, p.options.user, undefined, next);
      } catch (e) {
        if (e instanceof IdentityError) throw podSecurityError(p, plan.profile, `${refused}. ${withoutUserAdvice(e.message)}`);
        throw e;
      }
      const why = p.podSecurityUnknown === 'unlabelled' ? 'it has no enforce label, so the cluster\'s default level applies' : 'its level could not be read';
      note(`Pod Security refused the ${plan.profile} profile in namespace ${p.namespace} (${why}): retrying once with ${next}.`);
      for (const n of retry.notes.filter((n) => !plan.notes.includes(n))) note(n);
      plan = retry;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function podSecurityError(p: PreparedDebugPod, profile: DebugProfile, refused: string): PodSecurityError {
  const restricted = /PodSecurity "restricted/.test(refused);
  const needsUser = restricted && (p.plan.identity.uid === undefined || p.plan.identity.uid === 0);
  return new PodSecurityError(`Pod Security refused the debug container (profile ${profile}): ${refused}${needsUser ? ' Give a non-root --user <uid[:gid]>.' : ''}`, needsUser);
}

type EphemeralState = NonNullable<NonNullable<PodJson['status']>['ephemeralContainerStatuses']>[number]['state'];

async function ephemeralState(p: PreparedDebugPod): Promise<EphemeralState | undefined> {
  const pod = await readPod(p.options, p.namespace);
  return pod.status?.ephemeralContainerStatuses?.find((s) => s.name === p.name)?.state;
}

const FATAL_WAITING = /^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|CreateContainerConfigError|CreateContainerError|RunContainerError)$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the debug container runs or has ended; throws KubectlError when it cannot start. */
export async function waitForDebugContainer(p: PreparedDebugPod, timeoutMs = 120_000, pollMs = 500): Promise<'running' | 'terminated'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await ephemeralState(p);
    if (state?.terminated) return 'terminated';
    if (state?.running) return 'running';
    const waiting = state?.waiting;
    if (waiting?.reason && FATAL_WAITING.test(waiting.reason)) {
      throw new KubectlError('failed', `The debug container ${p.name} cannot start: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
    }
    if (Date.now() > deadline) throw new KubectlError('failed', `The debug container ${p.name} did not start within ${Math.round(timeoutMs / 1000)} s (${waiting?.reason ?? 'no status yet'}).`);
    await sleep(pollMs);
  }
}

/** The exit code of the debug container once it has ended (state.terminated.exitCode); undefined if it still runs after `waitMs`. */
export async function debugContainerExit(p: PreparedDebugPod, waitMs = 15_000, pollMs = 200): Promise<number | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const code = (await ephemeralState(p))?.terminated?.exitCode;
    if (typeof code === 'number') return code;
    if (Date.now() > deadline) return undefined;
    await sleep(pollMs);
  }
}

/** `kubectl attach` to the debug container: the terminal session, or a command's stdin. */
export function attachArgs(p: PreparedDebugPod): string[] {
  return ['attach', p.pod, `--namespace=${p.namespace}`, `--container=${p.name}`, ...(p.options.tty || p.options.stdin ? ['-i'] : []), ...(p.options.tty ? ['-t'] : [])];
}

/** `kubectl logs --follow`: a command's whole output, from its start, until it ends. */
export function logsArgs(p: PreparedDebugPod): string[] {
  return ['logs', '--follow', p.pod, `--namespace=${p.namespace}`, `--container=${p.name}`];
}

/** Lists the PIDs whose cgroup names the container id (the pod's shared PID namespace, seen from the debug container). */
const FIND_PIDS = 'for d in /proc/[0-9]*; do grep -qs "$1" "$d/cgroup" && echo "${d#/proc/}"; done; exit 0';

/**
 * Where the target's files are, as seen from the debug container: /proc/1/root with
 * --target (the target's PID namespace); in a shareProcessNamespace pod PID 1 is the
 * pause container, so the target's lowest PID, found from its container id in
 * /proc/<pid>/cgroup by a `kubectl exec` in the running debug container.
 */
export async function targetFilesNote(p: PreparedDebugPod): Promise<string> {
  const id = p.plan.identity;
  if (!id.shareProcessNamespace) return `The target's files are under /proc/1/root.`;
  const prefix = `Pod ${p.pod} shares one PID namespace (shareProcessNamespace), so PID 1 is the pause container`;
  if (id.containerID) {
    try {
      const out = await runKubectl(['exec', p.pod, `--namespace=${p.namespace}`, `--container=${p.name}`, '--', 'sh', '-c', FIND_PIDS, 'find-target', id.containerID], { ...p.options, timeoutMs: 15_000 });
      const pids = out.split('\n').map((l) => Number(l.trim())).filter((n) => Number.isInteger(n) && n > 0);
      if (pids.length) {
        const pid = Math.min(...pids);
        return `${prefix}; ${id.container}'s main process is PID ${pid}: its files are under /proc/${pid}/root.`;
      }
    } catch {
      // No sh in the tools image, or no exec rights: say how to find it instead.
    }
  }
  return `${prefix}; find ${id.container}'s process with ps: its files are under /proc/<pid>/root.`;
}

export interface OpenDebugHooks {
  /** A line for the user: which kubectl, the identity, a retry. */
  note(line: string): void;
  /**
   * Asked when only a numeric uid[:gid] lets it go on (restricted Pod Security or
   * runAsNonRoot with the target's uid unknown); the answer or undefined to stop.
   * Without it such cases throw, with the CLI's --user advice.
   */
  askUser?(reason: string): Promise<string | undefined>;
}

export interface OpenedDebugContainer {
  prepared: PreparedDebugPod;
  plan: DebugIdentityPlan;
  /** The `kubectl debug` that was admitted, the spec file shown as <spec>. */
  debugArgs: string[];
  state: 'running' | 'terminated';
}

/** Prepares, adds the ephemeral container (asking for a user when that is the way on) and waits for it to start. */
export async function openDebugContainer(o: PrepareDebugPodOptions, hooks: OpenDebugHooks): Promise<OpenedDebugContainer> {
  let options = o;
  for (let asked = 0; ; asked++) {
    try {
      const prepared = await prepareDebugPod(options);
      for (const n of prepared.notes) hooks.note(n);
      const plan = await addDebugContainer(prepared, hooks.note);
      const args = debugArgs(prepared, '<spec>', plan);
      hooks.note(`Added debug container ${prepared.name} (profile ${plan.profile}): ${kubectlCommandLine(args, prepared.env)}`);
      return { prepared, plan, debugArgs: args, state: await waitForDebugContainer(prepared) };
    } catch (err) {
      const needsUser = (err instanceof IdentityError && err.kind === 'needs-user') || (err instanceof PodSecurityError && err.needsUser);
      if (!needsUser || !hooks.askUser || asked >= 3) throw err;
      const user = await hooks.askUser(withoutUserAdvice((err as Error).message));
      if (user === undefined) throw new UserCancelled();
      options = { ...options, user };
    }
  }
}

/** The user closed the prompt for a uid. */
export class UserCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'UserCancelled';
  }
}
