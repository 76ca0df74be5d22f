/**
 * ARG and build-arg resolution: what `$VAR` in a FROM, USER, WORKDIR or COPY resolves to.
 * Global ARG defaults, the build args the image is built with (configuration
 * `buildArgs`, as `docker build --build-arg`), BuildKit's automatic platform ARGs, and
 * FROM's `--platform` after substitution. One reader for the model, image facts and
 * stages alike.
 */
import type { Arg, From } from 'dockerfile-ast';

/** Substitutes `$VAR`, `${VAR}`, `${VAR:-default}` from `vars`; undefined when a variable has no value. */
export function substituteVariables(text: string, vars: Map<string, string | undefined>): string | undefined {
  let unresolved = false;
  const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = vars.get(name);
    const isSet = value !== undefined && (op?.startsWith(':') ? value !== '' : true);
    if (op?.endsWith('-')) return isSet ? (value as string) : (word ?? '');
    if (op?.endsWith('+')) return isSet ? (word ?? '') : '';
    if (value === undefined) {
      unresolved = true;
      return '';
    }
    return value;
  });
  return unresolved ? undefined : out;
}

/** An ARG line's name and default into `into`; an ARG without a default keeps a value already there. */
export function collectArg(arg: Arg, into: Map<string, string | undefined>): void {
  const property = arg.getProperty();
  if (!property) return;
  const value = property.getValue();
  into.set(property.getName(), value === null ? into.get(property.getName()) : value);
}

/** FROM's `--platform` after ARG substitution; undefined when absent or left to BuildKit ($BUILDPLATFORM). */
export function fromPlatform(from: From, args: Map<string, string | undefined>): string | undefined {
  const raw = from.getPlatformFlag()?.getValue();
  if (!raw) return undefined;
  const value = substituteVariables(raw, args);
  return value && /^[a-z0-9]+(\/[a-z0-9_]+){0,2}$/i.test(value) ? value.toLowerCase() : undefined;
}

/** The platform ARGs BuildKit defines in the global scope, usable in FROM without an ARG line. */
const PLATFORM_ARGS = ['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT'] as const;

/** BuildKit's automatic platform ARGs for building on and for `platform` (`linux/arm64/v8`). */
export function platformArgs(platform: string): Record<string, string> {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  const out: Record<string, string> = {};
  for (const prefix of ['TARGET', 'BUILD']) {
    out[`${prefix}PLATFORM`] = platform;
    out[`${prefix}OS`] = os;
    out[`${prefix}ARCH`] = arch;
    out[`${prefix}VARIANT`] = variant;
  }
  return out;
}

/**
 * Build args (configuration `buildArgs`) over the global ARG defaults, as `docker build
 * --build-arg` does, and the automatic platform ARGs of a build on `platform` where
 * the Dockerfile gives them no value.
 */
export function applyBuildArgs(globalArgs: Map<string, string | undefined>, buildArgs: Readonly<Record<string, string>> | undefined, platform?: string): void {
  // docker build only lets --build-arg set ARGs the Dockerfile declares.
  for (const [name, value] of Object.entries(buildArgs ?? {})) if (globalArgs.has(name)) globalArgs.set(name, value);
  if (!platform) return;
  const automatic = platformArgs(platform);
  for (const name of PLATFORM_ARGS) if (globalArgs.get(name) === undefined) globalArgs.set(name, automatic[name]);
}
