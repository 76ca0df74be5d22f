/**
 * Image references, after Docker's grammar (distribution/reference):
 * `[domain[:port]/]path[/path...][:tag][@digest]`. The one reader of a reference for
 * the engine (what a FROM names), the Docker code (what may reach the engine's API)
 * and the registry lookups. Pure and imports nothing: every room may import it
 * (docs/architecture.md, `shared`).
 */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

/** A whole reference as Docker accepts it (for a quick yes or no; parseImageReference says why not). */
export const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const PATH_ONLY = new RegExp(`^${PATH_COMPONENT}$`);
const TAG_ONLY = new RegExp(`^${TAG}$`);
const DIGEST_ONLY = new RegExp(`^${DIGEST}$`);
/** distribution/reference's NameTotalLengthMax. */
const NAME_MAX = 255;

/** A reference cut where Docker cuts it, nothing checked or normalised: each part as written. */
export interface ReferenceSplit {
  /** The registry host[:port] as written, when the first component is one. */
  domain?: string;
  /** The repository path as written, without the domain. */
  path: string;
  tag?: string;
  digest?: string;
}

/**
 * Cuts a reference into domain, path, tag and digest the way Docker does: the digest
 * after `@`, the tag after the last `:` past the last `/`, and the first component
 * is a registry when more follow and it has a `.` or `:`, is `localhost`, or has an
 * upper-case letter. Tolerant: a FROM line's text may be half-typed.
 */
export function splitImageReference(reference: string): ReferenceSplit {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      return { domain: first, path: rest.slice(slash + 1), tag, digest };
    }
  }
  return { path: rest, tag, digest };
}

/** The reference without its tag and digest, registry kept, as written. */
export function referenceName(split: ReferenceSplit): string {
  return split.domain ? `${split.domain}/${split.path}` : split.path;
}

/** The name (registry kept) and tag of a reference, its digest dropped: for putting a new tag in place of the old. */
export function nameAndTag(reference: string): { name: string; tag?: string } {
  const split = splitImageReference(reference);
  return { name: referenceName(split), tag: split.tag };
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
  const split = splitImageReference(reference);
  const { digest, tag } = split;
  if (digest !== undefined) {
    if (!DIGEST_ONLY.test(digest)) return { problem: `"${digest}" is not a digest (algorithm:hex, e.g. sha256:<64 hex digits>)` };
    if (digest.startsWith('sha256:') && digest.length !== 'sha256:'.length + 64) return { problem: 'a sha256 digest has 64 hex digits' };
  }
  if (tag !== undefined && !TAG_ONLY.test(tag)) return { problem: `"${tag}" is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)` };
  const name = referenceName(split);
  if (!name) return { problem: 'it names no repository' };
  if (name.length > NAME_MAX) return { problem: `the name is longer than ${NAME_MAX} characters` };
  if (name.split('/').some((c) => c === '')) return { problem: 'it has an empty path component (//, or a / at the start or end): a variable in it may be empty' };
  if (split.domain !== undefined && !DOMAIN_ONLY.test(split.domain)) return { problem: `"${split.domain}" is not a registry host[:port]` };
  const components = split.path.split('/');
  for (const component of components) {
    if (PATH_ONLY.test(component)) continue;
    if (PATH_ONLY.test(component.toLowerCase())) return { problem: `the repository name must be lowercase ("${component}")` };
    return { problem: `"${component}" is not a valid repository name component (lowercase letters, digits, and . _ __ - between them)` };
  }
  const domain = split.domain === undefined || split.domain === 'index.docker.io' ? 'docker.io' : split.domain;
  const path = domain === 'docker.io' && components.length === 1 ? `library/${split.path}` : split.path;
  return { parts: { domain, path, tag, digest } };
}
