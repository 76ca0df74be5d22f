/**
 * The sidecar settings as the engine needs them, resolved from what
 * `WorkspaceConfiguration.inspect()` returns. No vscode import, so the trust
 * rule is tested without VS Code.
 */
import { DEFAULT_TOOLS_IMAGE, SidecarMode } from '../../../server/src/docker';

export const IMAGE_SETTING = 'distroless.sidecar.image';
export const MODE_SETTING = 'distroless.sidecar.mode';
export const EXTRA_CAPS_SETTING = 'distroless.sidecar.extraCapabilities';
export const HOST_SETTING = 'distroless.docker.host';
/** Image with `dlv` that Attach Debugger runs (as the target process's uid:gid, CAP_SYS_PTRACE added) next to a Go target. */
export const GO_DEBUGGER_IMAGE_SETTING = 'distroless.debugger.goImage';

export const SIDECAR_SETTINGS = [IMAGE_SETTING, MODE_SETTING, EXTRA_CAPS_SETTING, HOST_SETTING, GO_DEBUGGER_IMAGE_SETTING] as const;

/**
 * Settings a folder someone else wrote must not choose while untrusted: which
 * image runs next to your containers, as which user (root with SYS_PTRACE is a
 * privilege), with what extra capabilities, and which engine (machine) we talk to.
 * Also declared in package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`.
 */
export const RESTRICTED_SETTINGS: readonly string[] = [IMAGE_SETTING, MODE_SETTING, EXTRA_CAPS_SETTING, HOST_SETTING, GO_DEBUGGER_IMAGE_SETTING];

/** Turns on network calls from the language server (Docker Hub tag lookups); VS Code withholds its workspace value while untrusted. */
export const IMAGE_TAG_COMPLETION_SETTING = 'distroless.imageTagCompletion';

/** Lets the language server read base images from the local engine (server/src/host/imageFacts); VS Code withholds its workspace value while untrusted. */
export const INSPECT_LOCAL_IMAGES_SETTING = 'distroless.inspectLocalImages';

/** Turns on registry requests for image facts (server/src/host/imageFacts/registry.ts); VS Code withholds its workspace value while untrusted. */
export const REGISTRY_LOOKUPS_SETTING = 'distroless.imageFacts.registryLookups';

/** Where a registry's redirects and token realms may go besides its own host; VS Code withholds its workspace value while untrusted. */
export const REGISTRY_REDIRECT_HOSTS_SETTING = 'distroless.imageFacts.redirectHosts';

/** Every setting an untrusted workspace cannot set (package.json restrictedConfigurations). */
export const UNTRUSTED_RESTRICTED_SETTINGS: readonly string[] = [...RESTRICTED_SETTINGS, IMAGE_TAG_COMPLETION_SETTING, INSPECT_LOCAL_IMAGES_SETTING, REGISTRY_LOOKUPS_SETTING, REGISTRY_REDIRECT_HOSTS_SETTING];

/**
 * The `distroless` section the language server gets (workspace/configuration) in a
 * workspace that is not trusted: local image reading is off until it is, as the other
 * settings that make the server touch Docker or the network are. Opening a Dockerfile
 * from a folder someone else wrote then never makes the engine read the image it names.
 */
export function sectionUnderTrust(section: unknown, trusted: boolean): unknown {
  if (trusted || typeof section !== 'object' || section === null || Array.isArray(section)) return section;
  return { ...section, inspectLocalImages: false };
}

/** The subset of vscode's `inspect()` result we use (language-specific values do not apply to these settings). */
export interface InspectedValue<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface SidecarSettings {
  image: string;
  mode: SidecarMode;
  extraCapabilities: string[];
  /** Overrides DOCKER_HOST for the extension; undefined: the usual resolution. */
  dockerHost: string | undefined;
  /** Tools image with dlv for Go targets; undefined: not set (Attach Debugger says how to set it). */
  goDebuggerImage: string | undefined;
  /** Settings whose workspace value was set but ignored because the workspace is untrusted. */
  ignoredUntrusted: string[];
}

/**
 * Most specific value wins (folder, workspace, user, default), except that an
 * untrusted workspace's own values of restricted settings are skipped.
 */
export function effectiveValue<T>(inspected: InspectedValue<T> | undefined, trusted: boolean, restricted: boolean): { value: T | undefined; ignored: boolean } {
  if (!inspected) return { value: undefined, ignored: false };
  const skipWorkspace = restricted && !trusted;
  const ignored = skipWorkspace && (inspected.workspaceFolderValue !== undefined || inspected.workspaceValue !== undefined);
  const order = skipWorkspace
    ? [inspected.globalValue, inspected.defaultValue]
    : [inspected.workspaceFolderValue, inspected.workspaceValue, inspected.globalValue, inspected.defaultValue];
  return { value: order.find((v) => v !== undefined), ignored };
}

export function modeFromSetting(value: unknown): SidecarMode {
  return value === 'root-ptrace' ? 'root' : 'match';
}

export function resolveSidecarSettings(inspect: (key: string) => InspectedValue<unknown> | undefined, trusted: boolean): SidecarSettings {
  const ignoredUntrusted: string[] = [];
  const read = (key: string): unknown => {
    const { value, ignored } = effectiveValue(inspect(key), trusted, RESTRICTED_SETTINGS.includes(key));
    if (ignored) ignoredUntrusted.push(key);
    return value;
  };
  const image = read(IMAGE_SETTING);
  const caps = read(EXTRA_CAPS_SETTING);
  const host = read(HOST_SETTING);
  const goImage = read(GO_DEBUGGER_IMAGE_SETTING);
  return {
    image: typeof image === 'string' && image.trim() ? image.trim() : DEFAULT_TOOLS_IMAGE,
    mode: modeFromSetting(read(MODE_SETTING)),
    extraCapabilities: Array.isArray(caps) ? caps.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim()) : [],
    dockerHost: typeof host === 'string' && host.trim() ? host.trim() : undefined,
    goDebuggerImage: typeof goImage === 'string' && goImage.trim() ? goImage.trim() : undefined,
    ignoredUntrusted,
  };
}

/** The environment the engine connection resolves against: the host setting stands in for DOCKER_HOST. */
export function engineEnv(base: NodeJS.ProcessEnv, dockerHost: string | undefined): NodeJS.ProcessEnv {
  return dockerHost ? { ...base, DOCKER_HOST: dockerHost } : base;
}
