import { InvalidReferenceError } from './errors';
import { checkImageRef } from './references';
import { SIDECAR_LABEL, SIDECAR_OWNER_LABEL, SIDECAR_TARGET_NAME_LABEL, TargetInfo } from './containers';

/** Default tools image: small, has a shell, ps, wget and ls. */
export const DEFAULT_TOOLS_IMAGE = 'busybox:latest';
export const DEFAULT_COMMAND: readonly string[] = ['sh'];

/**
 * `match`: the target's numeric uid:gid and capabilities, which is what the
 * kernel's ptrace access check needs to let the sidecar read /proc/1/root.
 * `root`: root with SYS_PTRACE (plus the target's capabilities), for tools that
 * need root (tcpdump) or targets whose identity cannot be matched.
 */
export type SidecarMode = 'match' | 'root';

export interface SidecarPlanOptions {
  image?: string;
  mode?: SidecarMode;
  /** Only when asked for: --privileged is never the default. */
  privileged?: boolean;
  /**
   * Capabilities to add on top of the target's (e.g. NET_ADMIN, NET_RAW for
   * tcpdump). Names only, with or without `CAP_`; anything else is refused
   * because it would end up in a `docker run` line.
   */
  extraCapAdd?: readonly string[];
  /** Explicit numeric `uid[:gid]` instead of the target's (or root's, in root mode). */
  user?: string;
  command?: readonly string[];
  /** Allocate a TTY (interactive shell); default true. */
  tty?: boolean;
  /** Keep stdin open; default same as tty. */
  stdin?: boolean;
  /** `<hostname>:<pid>` of the process that owns the sidecar, for orphan cleanup. */
  owner?: string;
}

/** Everything needed to create the sidecar, shared by the engine call and the `docker run` line. */
export interface SidecarPlan {
  targetId: string;
  targetName: string;
  image: string;
  command: string[];
  mode: SidecarMode;
  /** Numeric `uid:gid`. */
  user: string;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  tty: boolean;
  stdin: boolean;
  labels: Record<string, string>;
  /** One line saying how the sidecar joined, for banners and logs. */
  joinedAs: string;
}

export function planSidecar(target: TargetInfo, opts: SidecarPlanOptions = {}): SidecarPlan {
  const mode = opts.mode ?? 'match';
  const privileged = opts.privileged ?? false;
  const tty = opts.tty ?? true;
  const explicitUser = opts.user?.trim();
  if (explicitUser !== undefined && explicitUser !== '' && !/^\d+(:\d+)?$/.test(explicitUser)) {
    // Names would be resolved in the tools image's /etc/passwd, not the target's.
    throw new InvalidReferenceError('user', explicitUser, 'the sidecar user must be numeric (uid or uid:gid): names would be looked up in the tools image, not the target');
  }
  const user = explicitUser
    ? explicitUser.includes(':') ? explicitUser : `${explicitUser}:${explicitUser}`
    : mode === 'root' ? '0:0' : `${target.user.uid}:${target.user.gid}`;
  // The sidecar's capabilities must include all of the target's, or the kernel
  // denies /proc/1/root even to root. A privileged target holds every capability.
  const extra = (opts.extraCapAdd ?? []).map((c) => c.trim()).filter((c) => c !== '');
  const badCap = extra.find((c) => !/^(CAP_)?[A-Za-z_]+$/.test(c));
  if (badCap !== undefined) throw new InvalidReferenceError('capability', badCap, 'not a capability name (expected e.g. NET_ADMIN)');
  const capAdd = unique([
    ...(target.privileged ? ['ALL'] : target.capAdd),
    ...(mode === 'root' ? ['SYS_PTRACE'] : []),
    ...extra.map((c) => c.toUpperCase()),
  ]);
  const added = new Set(capAdd.map(normalizeCap));
  const capDrop = unique(target.capDrop.filter((c) => !added.has(normalizeCap(c)) && !added.has('ALL')));
  const labels: Record<string, string> = {
    [SIDECAR_LABEL]: target.id,
    [SIDECAR_TARGET_NAME_LABEL]: target.name,
  };
  if (opts.owner) labels[SIDECAR_OWNER_LABEL] = opts.owner;
  const how = explicitUser
    ? `as user ${user} (chosen explicitly)`
    : mode === 'root'
      ? 'as root with SYS_PTRACE'
      : `as the target's user ${user}${target.user.source === 'process' ? ' (read from its running process)' : ` (from ${target.user.source === 'default' ? 'the engine default' : 'its configuration'})`}`;
  const caps = capAdd.length ? `, capabilities +${capAdd.join(' +')}` : '';
  return {
    targetId: target.id,
    targetName: target.name,
    image: opts.image?.trim() ? checkImageRef(opts.image) : DEFAULT_TOOLS_IMAGE,
    command: [...(opts.command?.length ? opts.command : DEFAULT_COMMAND)],
    mode,
    user,
    capAdd,
    capDrop,
    privileged,
    tty,
    stdin: opts.stdin ?? tty,
    labels,
    joinedAs: `joined its PID and network namespaces ${how}${caps}${privileged ? ', privileged' : ''}`,
  };
}

function normalizeCap(cap: string): string {
  return cap.toUpperCase().replace(/^CAP_/, '');
}

function unique(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = normalizeCap(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
