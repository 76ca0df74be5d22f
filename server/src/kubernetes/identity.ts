/**
 * `kubectl debug` with the target container's identity. The ephemeral
 * container gets the target's effective uid/gid and capabilities (container
 * securityContext over pod securityContext), so the kernel lets it read
 * /proc/1/root (same uid and gid, capabilities a superset: the rule measured in
 * shared/spec/sidecar.md), and so it is admitted where the pod is: under
 * runAsNonRoot and the restricted Pod Security Standard.
 *
 * Passed as `kubectl debug --profile=<restricted|general> --custom=<file>`,
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
    securityContext?: SecurityContextFields;
    containers?: Array<{ name?: string; image?: string; securityContext?: SecurityContextFields }>;
  };
  status?: { phase?: string; containerStatuses?: Array<{ name?: string; image?: string; state?: { running?: unknown } }> };
}

/** Where each part of the identity came from, for the message shown to the user. */
export type IdentitySource = 'container' | 'pod' | 'image' | 'user' | 'unknown';

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
}

export type DebugProfile = 'restricted' | 'general';

export interface DebugIdentityPlan {
  identity: EffectiveIdentity;
  profile: DebugProfile;
  /** The partial container spec for --custom. */
  custom: { securityContext: SecurityContextFields };
  /** What the user is told, one line each: where the identity came from, and any doubt. */
  notes: string[];
}

export class IdentityError extends Error {
  constructor(message: string) {
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
  const [uid, uidFrom] = pick('runAsUser');
  const [gid, gidFrom] = pick('runAsGroup');
  const status = pod.status?.containerStatuses?.find((s) => s.name === container.name);
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
  };
}

const sourceText: Record<IdentitySource, string> = {
  container: "the container's securityContext",
  pod: "the pod's securityContext",
  image: 'the image (documented non-root)',
  user: 'your --user',
  unknown: 'unknown',
};

/**
 * Decides uid/gid, capabilities and profile for the ephemeral container.
 * `override` is an explicit numeric `uid[:gid]` (CLI --user).
 */
export function planDebugIdentity(id: EffectiveIdentity, override?: string): DebugIdentityPlan {
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
    }
  }
  const imageUser = uid === undefined ? knownImageUser(id.image) : undefined;
  if (uid === undefined && imageUser) {
    uid = imageUser.uid;
    uidFrom = 'image';
    if (gid === undefined) {
      gid = imageUser.gid;
      gidFrom = 'image';
    }
    notes.push(`The pod does not set runAsUser; ${id.image} is documented to run as ${imageUser.uid}:${imageUser.gid} (${imageUser.source}), so the debug container uses that.`);
  }
  if (uid === undefined) {
    if (id.runAsNonRoot) {
      throw new IdentityError(
        `Container "${id.container}" must run as non-root (runAsNonRoot), but neither it nor the pod sets runAsUser and its image ${id.image || '(unknown)'} is not one known to run as nonroot, so its uid is unknown. ` +
          'Give it with --user <uid[:gid]> (look at the image\'s USER).',
      );
    }
    notes.push(
      `The target's user is unknown (no runAsUser in the pod spec; the image decides). The debug container runs as the tools image's user with the general profile (SYS_PTRACE), which can read /proc/1/root; use --user <uid[:gid]> to match the target instead.`,
    );
    return { identity: { ...id, uidFrom, gidFrom }, profile: 'general', custom: { securityContext: capabilityFields(id, 'general') }, notes };
  }
  if (gid === undefined) {
    // Without runAsGroup the runtime takes the group from the image's /etc/passwd (or 0): not knowable from the pod.
    notes.push(`The pod sets no runAsGroup, so the target's group comes from its image and is not known here; the debug container uses gid ${uid} (distroless and Chainguard images use the uid's own group). If /proc/1/root is unreadable, retry with --user ${uid}:<gid>.`);
    gid = uid;
    gidFrom = uidFrom === 'user' ? 'user' : 'unknown';
  }
  notes.unshift(`Debug container runs as ${uid}:${gid} (uid from ${sourceText[uidFrom]}, gid from ${sourceText[gidFrom]}).`);
  const nonRoot = uid !== 0;
  if (!nonRoot && id.runAsNonRoot) throw new IdentityError(`runAsNonRoot is set for "${id.container}" but the uid is 0; give a non-root --user.`);
  // restricted admits only NET_BIND_SERVICE as an added capability and no privilege.
  const restrictedFits = nonRoot && !id.privileged && id.capAdd.every((c) => c === 'NET_BIND_SERVICE');
  const profile: DebugProfile = restrictedFits ? 'restricted' : 'general';
  if (id.privileged) notes.push('The target is privileged; the debug container is not (use kubectl debug --profile=sysadmin yourself if you need that).');
  const securityContext: SecurityContextFields = { runAsUser: uid, runAsGroup: gid, ...(nonRoot ? { runAsNonRoot: true } : {}), ...capabilityFields(id, profile) };
  return { identity: { ...id, uid, gid, uidFrom, gidFrom }, profile, custom: { securityContext }, notes };
}

function capabilityFields(id: EffectiveIdentity, profile: DebugProfile): SecurityContextFields {
  if (profile === 'restricted') {
    // Spelled out (not left to the profile) so the result is admitted whatever kubectl's merge order.
    return {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], ...(id.capAdd.length ? { add: ['NET_BIND_SERVICE'] } : {}) },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }
  // The target's own changes: its capabilities must be a subset of ours for /proc/1/root (SYS_PTRACE comes from the general profile).
  const caps: { add?: string[]; drop?: string[] } = {};
  if (id.capAdd.length) caps.add = id.capAdd;
  if (id.capDrop.length) caps.drop = id.capDrop.filter((c) => !id.capAdd.includes(c));
  return caps.add || caps.drop?.length ? { capabilities: caps } : {};
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
  /** Interactive with a TTY (-it); otherwise attach (with -i when stdin is passed). */
  tty: boolean;
  stdin: boolean;
  command?: readonly string[];
}

/** The full `kubectl debug` argv (no shell). */
export function kubectlDebugIdentityArgs(id: EffectiveIdentity, o: DebugCommandOptions): string[] {
  for (const [what, value] of [['pod', id.pod], ['container', id.container], ['image', o.image], ['namespace', id.namespace]] as const) {
    if (!value || value.startsWith('-')) throw new IdentityError(`invalid ${what} name: "${value}"`);
  }
  const args = ['debug', o.tty ? '-it' : o.stdin ? '-i' : '--attach=true', id.pod, `--namespace=${id.namespace}`, `--image=${o.image}`, `--target=${id.container}`, `--profile=${o.profile}`, `--custom=${o.customFile}`];
  if (o.command?.length) args.push('--', ...o.command);
  return args;
}
