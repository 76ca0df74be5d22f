/**
 * Prepares `kubectl debug` for a pod with the target container's identity:
 * checks kubectl has --custom, reads the pod, decides uid/gid, capabilities and
 * profile, and writes the partial container spec to a private temporary file.
 * The caller runs kubectl (a terminal in the editor, a child process in the
 * CLI) and calls cleanup() when it ends.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlError, KubectlOptions, runKubectl } from './kubectl';
import { customSupport, DebugIdentityPlan, effectiveIdentity, IdentityError, kubectlDebugIdentityArgs, parseKubectlVersion, planDebugIdentity, PodJson } from './identity';

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
  plan: DebugIdentityPlan;
  /** kubectl's argv. */
  args: string[];
  /** Extra environment for kubectl (KUBECTL_DEBUG_CUSTOM_PROFILE on 1.30). */
  env: Record<string, string>;
  customFile: string;
  /** Removes the temporary spec file. */
  cleanup(): void;
}

/** Throws KubectlError (kubectl missing, no context, unreachable, pod not found) or IdentityError. */
export async function prepareDebugPod(o: PrepareDebugPodOptions): Promise<PreparedDebugPod> {
  if (!o.pod || o.pod.startsWith('-')) throw new IdentityError(`invalid pod name: "${o.pod}"`);
  const version = parseKubectlVersion(await runKubectl(['version', '--client', '-o', 'json'], o));
  const env = customSupport(version);
  const getArgs = ['get', 'pod', o.pod, '-o', 'json', ...(o.namespace ? [`--namespace=${o.namespace}`] : [])];
  let pod: PodJson;
  try {
    pod = JSON.parse(await runKubectl(getArgs, o)) as PodJson;
  } catch (err) {
    if (err instanceof KubectlError && /not ?found/i.test(err.message)) {
      throw new KubectlError('failed', `Pod "${o.pod}" was not found${o.namespace ? ` in namespace ${o.namespace}` : " in kubectl's current namespace"}. List pods with kubectl get pods.`);
    }
    if (err instanceof SyntaxError) throw new KubectlError('failed', `kubectl get pod printed something that is not JSON: ${err.message}`);
    throw err;
  }
  if (pod.status?.phase && pod.status.phase !== 'Running') {
    throw new IdentityError(`Pod "${o.pod}" is ${pod.status.phase}, not Running; an ephemeral container needs a running pod.`);
  }
  const identity = effectiveIdentity(pod, o.container);
  const plan = planDebugIdentity(identity, o.user);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-kubectl-debug-'));
  const customFile = path.join(dir, 'debug-container.json');
  fs.writeFileSync(customFile, JSON.stringify(plan.custom, null, 2) + '\n', { mode: 0o600 });
  const args = kubectlDebugIdentityArgs(plan.identity, { image: o.image, customFile, profile: plan.profile, tty: o.tty, stdin: o.stdin, command: o.command });
  return { plan, args, env, customFile, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
