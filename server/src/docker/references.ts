/**
 * Checks on names that reach the engine's API or a `docker run` line the user may
 * copy. A container reference that Docker would never accept is refused before any
 * API call (it would otherwise land unescaped in a request path), and a value that
 * starts with `-` is refused wherever it would be read as an option.
 */
import { InvalidReferenceError } from './errors';
import { IMAGE_REFERENCE } from '../shared/imageReference';

/** Docker's container name grammar (daemon/names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`); a hex ID or prefix fits it too. */
const CONTAINER_REF = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

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
  if (!IMAGE_REFERENCE.test(value) && !IMAGE_ID.test(value)) {
    throw new InvalidReferenceError('image', image, 'an image reference looks like busybox:latest, registry.example.com:5000/team/tools:1.2 or name@sha256:<digest>');
  }
  return value;
}

/** Refuses a value that a shell command line would read as an option. */
export function checkNotOption(what: string, value: string): string {
  if (value.startsWith('-')) throw new InvalidReferenceError(what, value, 'it starts with "-", so it would be read as an option');
  return value;
}
