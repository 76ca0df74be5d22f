/**
 * `kubectl debug` with the target container's identity. The ephemeral
 * container gets the target's effective uid/gid and capabilities (container
 * securityContext over pod securityContext, then the ids a 1.33+ kubelet reports,
 * then an image's documented user), so the kernel lets it read the target's files
 * (same uid and gid, capabilities a superset: the rule measured in
 * shared/spec/sidecar.md), with a profile the namespace's Pod Security level admits.
 *
 * Passed as `kubectl debug --profile=<restricted|baseline|general> --custom=<file>`,
 * the file holding a partial container spec (kubectl 1.30 behind
 * KUBECTL_DEBUG_CUSTOM_PROFILE=true, on by default from 1.31:
 * kubernetes/kubernetes#120346, #125333).
 */

export interface SecurityContextFields {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string; localhostProfile?: string };
}

export interface PodJson {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    shareProcessNamespace?: boolean;
    securityContext?: SecurityContextFields;
    containers?: Array<{ name?: string; image?: string; securityContext?: SecurityContextFields }>;
    ephemeralContainers?: Array<{ name?: string }>;
  };
  status?: {
    phase?: string;
    containerStatuses?: Array<ContainerStatusJson>;
    ephemeralContainerStatuses?: Array<ContainerStatusJson>;
  };
}

export interface ContainerStatusJson {
  name?: string;
  image?: string;
  containerID?: string;
  state?: { running?: unknown; waiting?: { reason?: string; message?: string }; terminated?: { exitCode?: number; reason?: string; signal?: number } };
  /** Kubelet 1.33+ (KEP-3619): the ids the process really runs with. */
  user?: { linux?: { uid?: number; gid?: number; supplementalGroups?: number[] } };
}

/** Where each part of the identity came from, for the message shown to the user. */
export type IdentitySource = 'container' | 'pod' | 'status' | 'image' | 'user' | 'unknown';

export interface EffectiveIdentity {
  pod: string;
  namespace: string;
  container: string;
  image: string;
  uid?: number;
  gid?: number;
  uidFrom: IdentitySource;
  gidFrom: IdentitySource;
  runAsNonRoot: boolean;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  /** One PID namespace for the whole pod: PID 1 is the pause container, not the target. */
  shareProcessNamespace: boolean;
  /** The target's runtime id without the `containerd://` prefix, when the kubelet reported one. */
  containerID?: string;
}

/** kubectl debug's profiles we use, in the order a Pod Security refusal steps down through them. */
export type DebugProfile = 'general' | 'baseline' | 'restricted';

/** The Pod Security Standard a namespace enforces (its pod-security.kubernetes.io/enforce label). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface DebugIdentityPlan {
  identity: EffectiveIdentity;
  profile: DebugProfile;
  /** The partial container spec for --custom. */
  custom: { securityContext: SecurityContextFields };
  /** What the user is told, one line each: where the identity came from, and any doubt. */
  notes: string[];
}

/** The message without the CLI's "--user" advice, for the editor, which asks instead. */
export function withoutUserAdvice(message: string): string {
  return message.replace(/\s*Give (?:it with|a non-root) --user <uid\[:gid\]>[^]*$/, '').replace(/; give a non-root --user\.$/, '.');
}

/** Why the identity could not be decided: 'needs-user' when a numeric uid[:gid] from the user would settle it. */
export type IdentityErrorKind = 'needs-user' | 'invalid';

export class IdentityError extends Error {
  constructor(
    message: string,
    readonly kind: IdentityErrorKind = 'invalid',
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}

/** The minimum kubectl for --custom (1.30 needs KUBECTL_DEBUG_CUSTOM_PROFILE=true, which we set). */
export const CUSTOM_MIN_MINOR = 30;
export const CUSTOM_DEFAULT_MINOR = 31;
/** `--profile=restricted` appeared in kubectl 1.27; older minors are refused by the --custom check anyway. */

export interface ImageUserFact {
  uid: number;
  gid: number;
  /** The publisher's documentation the fact rests on. */
  source: string;
}

const CHAINGUARD_NONROOT = new Set(['static', 'glibc-dynamic', 'python', 'node', 'jre', 'nginx']);

/**
 * The default user of images whose publishers document it as non-root; the
 * same facts as the language server's image table (server/src/engine/imageFacts.data.ts),
 * kept here because the extension reaches the engine only through the language server:
 * - distroless `:nonroot`/`:debug-nonroot` tags: 65532 (GoogleContainerTools/distroless README, "Non-root images");
 * - Chainguard runtime images static, glibc-dynamic, python, node, jre, nginx (not `-dev`): 65532
 *   (https://edu.chainguard.dev/chainguard/migration/porting-apps-to-chainguard/); other Chainguard images: not known;
 * - .NET 8+ distroless/chiseled images: app, 1654 (https://github.com/dotnet/dotnet-docker/blob/main/documentation/distroless.md).
 * Anything else: undefined (not known), never a guess.
 */
export function knownImageUser(image: string): ImageUserFact | undefined {
  const ref = image.trim().toLowerCase().replace(/@sha256:[0-9a-f]+$/, '');
  const m = /^(.*?)(?::([^/:]+))?$/.exec(ref)!;
  const name = m[1]!;
  const tag = m[2] ?? 'latest';
  if (/^gcr\.io\/distroless\//.test(name) && /^(debug-)?nonroot(-[a-z0-9]+)?$/.test(tag)) {
    return { uid: 65532, gid: 65532, source: 'distroless :nonroot images run as nonroot (65532)' };
  }
  const cg = /^cgr\.dev\/[^/]+\/([^/]+)$/.exec(name);
  if (cg && CHAINGUARD_NONROOT.has(cg[1]!) && !/(^|-)dev$/.test(tag)) {
    return { uid: 65532, gid: 65532, source: `Chainguard ${cg[1]} runs as nonroot (65532)` };
  }
  const dotnet = /^mcr\.microsoft\.com\/dotnet\/(?:nightly\/)?(runtime|aspnet|runtime-deps)$/.exec(name);
  const major = /^(\d+)\./.exec(tag);
  if (dotnet && major && Number(major[1]) >= 8 && /(chiseled|distroless)/.test(tag)) {
    return { uid: 1654, gid: 1654, source: '.NET 8+ chiseled/distroless images run as app (1654)' };
  }
  return undefined;
}

/** Kept for callers that only ask "non-root by default?". */
export function knownNonrootImage(image: string): boolean {
  return knownImageUser(image) !== undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function names(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && /^[A-Za-z_]+$/.test(x)).map((c) => c.toUpperCase().replace(/^CAP_/, '')) : [];
}

/** The target container's effective identity; throws IdentityError when the pod or container is not there. */
export function effectiveIdentity(pod: PodJson, containerName?: string): EffectiveIdentity {
  const containers = pod.spec?.containers ?? [];
  const name = pod.metadata?.name ?? '';
  if (containers.length === 0) throw new IdentityError(`Pod "${name}" has no containers in its spec.`);
  const container = containerName === undefined ? containers[0]! : containers.find((c) => c.name === containerName);
  if (!container) {
    throw new IdentityError(`Pod "${name}" has no container "${containerName}"; its containers: ${containers.map((c) => c.name).join(', ')}. Pick one with -c.`);
  }
  const podSc = pod.spec?.securityContext ?? {};
  const sc = container.securityContext ?? {};
  const pick = <K extends 'runAsUser' | 'runAsGroup'>(key: K): [number | undefined, IdentitySource] => {
    const c = num(sc[key]);
    if (c !== undefined) return [c, 'container'];
    const p = num(podSc[key]);
    if (p !== undefined) return [p, 'pod'];
    return [undefined, 'unknown'];
  };
  const status = pod.status?.containerStatuses?.find((s) => s.name === container.name);
  const reported = status?.user?.linux;
  let [uid, uidFrom] = pick('runAsUser');
  let [gid, gidFrom] = pick('runAsGroup');
  // What the kubelet (1.33+) saw the process run with beats what the image might say.
  if (uid === undefined && num(reported?.uid) !== undefined) [uid, uidFrom] = [reported!.uid, 'status'];
  if (gid === undefined && num(reported?.gid) !== undefined) [gid, gidFrom] = [reported!.gid, 'status'];
  return {
    pod: name,
    namespace: pod.metadata?.namespace ?? 'default',
    container: container.name ?? '',
    image: container.image ?? status?.image ?? '',
    uid,
    gid,
    uidFrom,
    gidFrom,
    runAsNonRoot: (sc.runAsNonRoot ?? podSc.runAsNonRoot) === true,
    capAdd: names(sc.capabilities?.add),
    capDrop: names(sc.capabilities?.drop),
    privileged: sc.privileged === true,
    shareProcessNamespace: pod.spec?.shareProcessNamespace === true,
    containerID: typeof status?.containerID === 'string' && /^[a-z]+:\/\/[0-9a-f]{12,}$/.test(status.containerID) ? status.containerID.replace(/^[a-z]+:\/\//, '') : undefined,
  };
}

const sourceText: Record<IdentitySource, string> = {
  container: "the container's securityContext",
  pod: "the pod's securityContext",
  status: "the kubelet's report (status.containerStatuses[].user.linux)",
  image: 'the image (documented non-root)',
  user: 'your --user',
  unknown: 'unknown',
};

/** Capabilities Pod Security "baseline" lets a container add (pod-security-standards, "Capabilities"). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const NEXT_PROFILE: Record<DebugProfile, DebugProfile | undefined> = { general: 'baseline', baseline: 'restricted', restricted: undefined };

/** The profile to try after Pod Security refused `profile`, if any. */
export function nextProfile(profile: DebugProfile): DebugProfile | undefined {
  return NEXT_PROFILE[profile];
}

/** The namespace's enforced level from its labels; undefined when the label is absent or not a level. */
export function enforcedLevel(labels: Record<string, string> | undefined): PodSecurityLevel | undefined {
  const v = labels?.['pod-security.kubernetes.io/enforce'];
  return v === 'privileged' || v === 'baseline' || v === 'restricted' ? v : undefined;
}

/**
 * Decides uid/gid, capabilities and profile for the ephemeral container.
 * `override` is an explicit numeric `uid[:gid]` (CLI --user, the editor's prompt).
 * `enforce`: the namespace's Pod Security level when it could be read ('privileged'
 * also for a namespace without the label); undefined when unknown.
 * `profile` forces one (the retry after a Pod Security refusal).
 */
export function planDebugIdentity(id: EffectiveIdentity, override?: string, enforce?: PodSecurityLevel, profile?: DebugProfile): DebugIdentityPlan {
  const notes: string[] = [];
  let { uid, gid, uidFrom, gidFrom } = id;
  if (override !== undefined) {
    const m = /^(\d+)(?::(\d+))?$/.exec(override.trim());
    if (!m) throw new IdentityError(`--user must be a numeric uid or uid:gid, got "${override}"`);
    uid = Number(m[1]);
    uidFrom = 'user';
    if (m[2] !== undefined) {
      gid = Number(m[2]);
      gidFrom = 'user';
    } else if (gidFrom !== 'container' && gidFrom !== 'pod') {
      gid = undefined;
      gidFrom = 'unknown';
    }
  }
  const imageUser = uid === undefined || gid === undefined ? knownImageUser(id.image) : undefined;
  if (uid === undefined && imageUser) {
    uid = imageUser.uid;
    uidFrom = 'image';
    notes.push(`The pod does not set runAsUser; ${id.image} is documented to run as ${imageUser.uid}:${imageUser.gid} (${imageUser.source}), so the debug container uses that.`);
  }
  if (gid === undefined && imageUser && uid === imageUser.uid) {
    gid = imageUser.gid;
    gidFrom = 'image';
  }
  const restrictedFits = uid !== undefined && uid !== 0 && !id.privileged;
  const wanted: DebugProfile = profile ?? chooseProfile(restrictedFits, enforce, id);
  if (uid === undefined) {
    if (id.runAsNonRoot || wanted === 'restricted') {
      const why = id.runAsNonRoot
        ? `Container "${id.container}" must run as non-root (runAsNonRoot)`
        : `Namespace ${id.namespace} enforces the restricted Pod Security Standard, so the debug container must run as a non-root uid`;
      throw new IdentityError(
        `${why}, but neither it nor the pod sets runAsUser, the kubelet does not report it, and its image ${id.image || '(unknown)'} is not one known to run as nonroot, so its uid is unknown. ` +
          "Give it with --user <uid[:gid]> (look at the image's USER).",
        'needs-user',
      );
    }
    notes.push(
      wanted === 'general'
        ? "The target's user is unknown (no runAsUser in the pod spec and none reported by the kubelet; the image decides). The debug container runs as the tools image's user with the general profile (SYS_PTRACE), which can read the target's files; use --user <uid[:gid]> to match the target instead."
        : `The target's user is unknown (no runAsUser in the pod spec and none reported by the kubelet; the image decides). The debug container runs as the tools image's user with the ${wanted} profile (no SYS_PTRACE: namespace ${id.namespace} ${enforce ? `enforces ${enforce}` : 'refused it'}), which reads the target's files only if the users match; use --user <uid[:gid]> to match the target.`,
    );
    return { identity: { ...id, uid, gid, uidFrom, gidFrom }, profile: wanted, custom: { securityContext: capabilityFields(id, wanted) }, notes };
  }
  if (uid === 0 && id.runAsNonRoot) throw new IdentityError(`runAsNonRoot is set for "${id.container}" but the uid is 0. Give a non-root --user <uid[:gid]>.`, 'needs-user');
  if (uid === 0 && wanted === 'restricted') {
    throw new IdentityError(`Namespace ${id.namespace} enforces the restricted Pod Security Standard, which refuses uid 0, and the target runs as root. Give a non-root --user <uid[:gid]>.`, 'needs-user');
  }
  if (gid === undefined) {
    // Without runAsGroup the runtime takes the group from the image's /etc/passwd, or 0 without an entry: not knowable here.
    notes.push(
      `The target's gid is unknown (no runAsGroup, none reported by the kubelet (1.33+ reports it), and ${id.image || 'its image'} is not one whose user is documented): the debug container gets the group its runtime gives uid ${uid} in the tools image (0 without a passwd entry). If the target's files are unreadable, retry with --user ${uid}:<gid>.`,
    );
  }
  notes.unshift(`Debug container runs as ${uid}:${gid ?? '(gid unknown)'} (uid from ${sourceText[uidFrom]}, gid from ${sourceText[gid === undefined ? 'unknown' : gidFrom]}).`);
  if (id.privileged) notes.push('The target is privileged; the debug container is not (use kubectl debug --profile=sysadmin yourself if you need that).');
  const dropped = wanted === 'restricted' ? id.capAdd.filter((c) => c !== 'NET_BIND_SERVICE') : wanted === 'baseline' ? id.capAdd.filter((c) => !BASELINE_CAPABILITIES.has(c)) : [];
  if (dropped.length) notes.push(`The target adds ${dropped.join(', ')}, which the ${wanted} profile cannot carry; files it reads through them stay unreadable.`);
  const securityContext: SecurityContextFields = { runAsUser: uid, ...(gid !== undefined ? { runAsGroup: gid } : {}), ...(uid !== 0 ? { runAsNonRoot: true } : {}), ...capabilityFields(id, wanted) };
  return { identity: { ...id, uid, gid, uidFrom, gidFrom }, profile: wanted, custom: { securityContext }, notes };
}

function chooseProfile(restrictedFits: boolean, enforce: PodSecurityLevel | undefined, id: EffectiveIdentity): DebugProfile {
  const extraCaps = id.capAdd.some((c) => c !== 'NET_BIND_SERVICE');
  if (enforce === 'restricted') return 'restricted';
  if (restrictedFits && !extraCaps) return 'restricted';
  if (enforce === 'baseline') return 'baseline';
  return 'general';
}

function capabilityFields(id: EffectiveIdentity, profile: DebugProfile): SecurityContextFields {
  if (profile === 'restricted') {
    // Spelled out, not left to the profile: kubectl 1.27's restricted profile sets neither allowPrivilegeEscalation nor seccomp.
    return {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], ...(id.capAdd.includes('NET_BIND_SERVICE') ? { add: ['NET_BIND_SERVICE'] } : {}) },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }
  // The target's added capabilities: its set must be a subset of ours to reach its files. Its drops are
  // not copied: fewer capabilities than the runtime's default could only make the target's files unreadable.
  const add = profile === 'baseline' ? id.capAdd.filter((c) => BASELINE_CAPABILITIES.has(c)) : id.capAdd;
  if (!add.length) return {};
  // kubectl's general profile adds SYS_PTRACE, but a capabilities.add of ours replaces its list: name it again.
  return { capabilities: { add: profile === 'general' ? ['SYS_PTRACE', ...add.filter((c) => c !== 'SYS_PTRACE')] : add } };
}

export interface KubectlVersion {
  major: number;
  minor: number;
  gitVersion: string;
}

/** `kubectl version --client -o json` → the client version; minors like "31+" (EKS, GKE builds) count as 31. */
export function parseKubectlVersion(json: string): KubectlVersion {
  let parsed: { clientVersion?: { major?: string; minor?: string; gitVersion?: string } };
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new IdentityError(`kubectl version printed something that is not JSON: ${json.trim().split('\n')[0]}`);
  }
  const cv = parsed.clientVersion ?? {};
  let major = parseInt(cv.major ?? '', 10);
  let minor = parseInt(cv.minor ?? '', 10);
  const m = /^v(\d+)\.(\d+)/.exec(cv.gitVersion ?? '');
  if ((!Number.isInteger(major) || !Number.isInteger(minor)) && m) {
    major = Number(m[1]);
    minor = Number(m[2]);
  }
  if (!Number.isInteger(major) || !Number.isInteger(minor)) throw new IdentityError('kubectl did not report its client version.');
  return { major, minor, gitVersion: cv.gitVersion ?? `v${major}.${minor}` };
}

/** Throws IdentityError naming the version needed; returns the environment kubectl needs for --custom. */
export function customSupport(version: KubectlVersion): Record<string, string> {
  if (version.major > 1 || version.minor >= CUSTOM_DEFAULT_MINOR) return {};
  if (version.minor >= CUSTOM_MIN_MINOR) return { KUBECTL_DEBUG_CUSTOM_PROFILE: 'true' };
  throw new IdentityError(
    `kubectl ${version.gitVersion} is too old to give the debug container the target's identity: kubectl debug --custom needs kubectl 1.${CUSTOM_DEFAULT_MINOR} or newer (1.${CUSTOM_MIN_MINOR} with KUBECTL_DEBUG_CUSTOM_PROFILE=true). Upgrade kubectl, or run plain kubectl debug (as the tools image's user).`,
  );
}

export interface DebugCommandOptions {
  image: string;
  customFile: string;
  profile: DebugProfile;
  /** The ephemeral container's name (ours, so its status can be read afterwards). */
  name: string;
  /** Allocate a TTY / keep stdin open for the attach that follows. */
  tty: boolean;
  stdin: boolean;
  command?: readonly string[];
}

/** A name kubectl would not read as an option, and a DNS-1123 label (what the API accepts for pods' namespaces). */
export function checkKubernetesName(what: string, value: string): void {
  if (!value || value.startsWith('-')) throw new IdentityError(`invalid ${what} name: "${value}"`);
}

/**
 * `kubectl debug` that only adds the ephemeral container (--attach=false), so a
 * Pod Security refusal can be read and retried before any terminal opens; the
 * attach (or logs) follows as its own kubectl.
 */
export function kubectlDebugIdentityArgs(id: EffectiveIdentity, o: DebugCommandOptions): string[] {
  for (const [what, value] of [['pod', id.pod], ['container', id.container], ['image', o.image], ['namespace', id.namespace], ['debug container', o.name]] as const) checkKubernetesName(what, value);
  const args = ['debug', id.pod, `--namespace=${id.namespace}`, `--image=${o.image}`, `--target=${id.container}`, `--container=${o.name}`, `--profile=${o.profile}`, `--custom=${o.customFile}`, '--attach=false'];
  if (o.stdin) args.push('--stdin');
  if (o.tty) args.push('--tty');
  if (o.command?.length) args.push('--', ...o.command);
  return args;
}
