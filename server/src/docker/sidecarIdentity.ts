/**
 * Which containers this tool created, so that cleanup never touches anyone else's.
 *
 * Labels alone prove nothing: an image can carry any label into every container made
 * from it, and a user can set them by hand. Each sidecar gets a name this tool chose
 * (`<target>-debug-<n>`, `<target>-forward-<n>`, `<target>-list-<n>`) and a session label whose value is a
 * random nonce with an HMAC over nonce and name, keyed by a secret kept in this user's
 * state folder (created on first use, readable by this user only). Only a container
 * whose name has that form and whose label verifies against that name is ours: the
 * value cannot be forged without the key, and a copied value does not fit another name.
 * Sidecars made on another machine (or by another user) do not verify here and are
 * left alone, like any other container.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const SIDECAR_SESSION_LABEL = 'io.distroless.sidecar.session';

/** The names sidecars are given (see createNamed in sidecar.ts). */
const SIDECAR_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*-(debug|forward|list)-\d+$/;

/** `$XDG_STATE_HOME/distroless/sidecar.key` (default ~/.local/state); DISTROLESS_STATE_DIR replaces the folder. */
export function sidecarKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const folder = env.DISTROLESS_STATE_DIR || path.join(env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state'), 'distroless');
  return path.join(folder, 'sidecar.key');
}

let key: Buffer | undefined;

function readKey(create: boolean): Buffer | undefined {
  if (key) return key;
  const file = sidecarKeyFile();
  try {
    const stored = fs.readFileSync(file);
    if (stored.length >= 32) return (key = stored);
  } catch {
    // Not there yet.
  }
  if (!create) return undefined;
  const fresh = crypto.randomBytes(32);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // wx: two processes starting at once keep the first key written.
    fs.writeFileSync(file, fresh, { flag: 'wx', mode: 0o600 });
    return (key = fresh);
  } catch {
    try {
      const stored = fs.readFileSync(file);
      if (stored.length >= 32) return (key = stored);
    } catch {
      // No writable state folder: this process's sidecars verify only here, and after a
      // crash their cleanup falls to AutoRemove and to the user.
    }
    return (key = fresh);
  }
}

function mac(secret: Buffer, nonce: string, name: string): string {
  return crypto.createHmac('sha256', secret).update(`${nonce}\n${name}`).digest('hex').slice(0, 32);
}

/** The session label's value for a sidecar about to be created with this name. */
export function sessionLabelFor(name: string): string {
  const nonce = crypto.randomBytes(12).toString('hex');
  return `${nonce}.${mac(readKey(true) as Buffer, nonce, name)}`;
}

/** Whether a container (its name, with or without the engine's leading "/", and labels) is a sidecar this tool created. */
export function isOurSidecar(name: string | undefined, labels: Record<string, string> | undefined): boolean {
  const bare = (name ?? '').replace(/^\//, '');
  const value = labels?.[SIDECAR_SESSION_LABEL];
  if (!value || !SIDECAR_NAME.test(bare)) return false;
  const [nonce, given] = value.split('.');
  const secret = readKey(false);
  if (!secret || !nonce || !given || given.length !== 32) return false;
  const expected = Buffer.from(mac(secret, nonce, bare));
  return crypto.timingSafeEqual(expected, Buffer.from(given));
}
