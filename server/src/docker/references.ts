/**
 * Checks on names that reach the engine's API or a `docker run` line the user may
 * copy. A container reference that Docker would never accept is refused before any
 * API call (it would otherwise land unescaped in a request path), and a value that
 * starts with `-` is refused wherever it would be read as an option.
 */
import { InvalidReferenceError } from './errors';

/** Docker's container name grammar (daemon/names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`); a hex ID or prefix fits it too. */
const CONTAINER_REF = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/*
 * Image references, after distribution/reference: [domain[:port]/]path[/path...][:tag][@digest],
 * or an image ID (sha256:<hex>).
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REF = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
const IMAGE_ID = /^(?:sha256:)?[a-f0-9]{12,64}$/;

/** Returns the reference without a leading `/` (as `docker inspect` prints names); throws InvalidReferenceError. */
export function checkContainerRef(ref: string): string {
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  if (name.startsWith('-')) {
    throw new InvalidReferenceError('container', ref, 'it starts with "-", so it would be read as an option');
  }
  if (!CONTAINER_REF.test(name)) {
    throw new InvalidReferenceError('container', ref, 'Docker names contain only letters, digits and _ . - (starting with a letter or digit), and IDs only hex digits');
  }
  return name;
}

/** Returns the image reference trimmed; throws InvalidReferenceError. */
export function checkImageRef(image: string): string {
  const value = image.trim();
  if (value.startsWith('-')) {
    throw new InvalidReferenceError('image', image, 'it starts with "-", so it would be read as an option (did --image lose its value?)');
  }
  if (!IMAGE_REF.test(value) && !IMAGE_ID.test(value)) {
    throw new InvalidReferenceError('image', image, 'an image reference looks like busybox:latest, registry.example.com:5000/team/tools:1.2 or name@sha256:<digest>');
  }
  return value;
}

/** Refuses a value that a shell command line would read as an option. */
export function checkNotOption(what: string, value: string): string {
  if (value.startsWith('-')) throw new InvalidReferenceError(what, value, 'it starts with "-", so it would be read as an option');
  return value;
}

/** An image reference split as distribution/reference does, Docker Hub's defaults applied. */
export interface ImageReferenceParts {
  /** `docker.io` for Docker Hub (also when the reference names no registry), else the host[:port] written. */
  domain: string;
  /** The repository path, `library/` added for Docker Hub's one-component names. */
  path: string;
  tag?: string;
  digest?: string;
}

const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const PATH_ONLY = new RegExp(`^${PATH_COMPONENT}$`);
const TAG_ONLY = new RegExp(`^${TAG}$`);
const DIGEST_ONLY = new RegExp(`^${DIGEST}$`);
/** distribution/reference's NameTotalLengthMax. */
const NAME_MAX = 255;

/**
 * Splits an image reference, or says in words why Docker would refuse it ("invalid
 * reference format"). Never throws: a FROM line's reference is the user's text,
 * often half-typed or left with an empty variable (`cgr.dev/${EMPTY}/x`), and it
 * must not reach the engine's API (an unclean path such as `cgr.dev//x` makes
 * the engine answer with a redirect).
 */
export function parseImageReference(reference: string): { parts: ImageReferenceParts } | { problem: string } {
  if (!reference) return { problem: 'it is empty' };
  if (/\s/.test(reference)) return { problem: 'it contains white space' };
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_ONLY.test(digest)) return { problem: `"${digest}" is not a digest (algorithm:hex, e.g. sha256:<64 hex digits>)` };
    if (digest.startsWith('sha256:') && digest.length !== 'sha256:'.length + 64) return { problem: 'a sha256 digest has 64 hex digits' };
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_ONLY.test(tag)) return { problem: `"${tag}" is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)` };
  }
  if (!rest) return { problem: 'it names no repository' };
  if (rest.length > NAME_MAX) return { problem: `the name is longer than ${NAME_MAX} characters` };
  const components = rest.split('/');
  if (components.some((c) => c === '')) return { problem: 'it has an empty path component (//, or a / at the start or end): a variable in it may be empty' };
  let domain = 'docker.io';
  const first = components[0];
  if (components.length > 1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase())) {
    if (!DOMAIN_ONLY.test(first)) return { problem: `"${first}" is not a registry host[:port]` };
    domain = first;
    components.shift();
  }
  for (const component of components) {
    if (PATH_ONLY.test(component)) continue;
    if (PATH_ONLY.test(component.toLowerCase())) return { problem: `the repository name must be lowercase ("${component}")` };
    return { problem: `"${component}" is not a valid repository name component (lowercase letters, digits, and . _ __ - between them)` };
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  let path = components.join('/');
  if (domain === 'docker.io' && components.length === 1) path = `library/${path}`;
  return { parts: { domain, path, tag, digest } };
}
