/**
 * Commands that exist only on Alpine (BusyBox, apk): a build moved from an Alpine
 * language image to a Debian one (python, node) fails on them.
 * BusyBox adduser/addgroup take short options (`adduser -D -u 1000 app`,
 * https://www.busybox.net/downloads/BusyBox.html#adduser); Debian's adduser takes long
 * ones (`adduser --disabled-password`, https://manpages.debian.org/trixie/adduser/adduser.8.en.html)
 * and fails on `-D`.
 */
import type { RunStep } from './types';

const BUSYBOX_USER_FLAGS = /^-[DSHGhsugk]+$/;

/** The first Alpine-only command of the build, as written (for the refusal), or undefined. */
export function alpineOnlyCommand(runs: RunStep[]): string | undefined {
  for (const run of runs) {
    for (const c of run.commands) {
      if (c[0] === 'apk') return c.slice(0, 3).join(' ');
      if ((c[0] === 'adduser' || c[0] === 'addgroup') && c.slice(1).some((w) => BUSYBOX_USER_FLAGS.test(w))) return c.join(' ');
    }
  }
  return undefined;
}
