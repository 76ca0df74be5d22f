/**
 * Writing the user's files without ever leaving a half-written one: the new bytes
 * go to a temporary file in the same folder, are flushed to the disk, and then
 * renamed over the original in one step. A failure at any point (full disk,
 * permissions, a kill) leaves the original byte for byte as it was. Backups are
 * made the same way and never replace a file that already exists.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** A write (or backup) that failed; `message` names the real cause and what to do. The original is unchanged. */
export class FileWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'FileWriteError';
  }
}

/** The cause behind an errno, in words, and what the user can do about it. */
export function describeErrno(code: string | undefined, action: 'read' | 'write' = 'write'): { cause: string; advice: string } {
  switch (code) {
    case 'ENOSPC':
      return { cause: 'the disk is full', advice: 'Free some space on that disk and run again.' };
    case 'ECHOWN':
      return { cause: 'the file belongs to another user, and the rewritten file would belong to you', advice: 'Run as the file\'s owner (or root), or take ownership of it first.' };
    case 'EDQUOT':
      return { cause: 'your disk quota is used up', advice: 'Free some space or raise the quota, and run again.' };
    case 'EACCES':
    case 'EPERM':
      return { cause: 'permission denied', advice: action === 'read' ? 'Check the permissions of the file and of the folders above it.' : 'Check the permissions of the file and of its folder (a new file is written beside it, then renamed).' };
    case 'EROFS':
      return { cause: 'the file system is read-only', advice: 'Run on a writable copy, or remount the file system read-write.' };
    case 'ENOENT':
      return { cause: 'no such file or folder', advice: 'Check the path.' };
    case 'ENOTDIR':
      return { cause: 'a part of the path is not a folder', advice: 'Check the path.' };
    case 'ELOOP':
      return { cause: 'the path is a loop of symbolic links', advice: 'Fix the symbolic links so they end at a file.' };
    case 'EISDIR':
      return { cause: 'it is a folder', advice: 'Pass a file.' };
    case 'EIO':
      return { cause: 'the disk reported an input/output error', advice: 'Check the disk (dmesg) and run again.' };
    case 'EMFILE':
    case 'ENFILE':
      return { cause: 'too many files are open', advice: 'Close some programs or raise the open-file limit (ulimit -n), and run again.' };
    case 'EBUSY':
    case 'ETXTBSY':
      return { cause: 'the file is busy', advice: 'Close the program that holds it and run again.' };
    case 'ENAMETOOLONG':
      return { cause: 'the path is too long', advice: 'Use a shorter path.' };
    case 'EFBIG':
      return { cause: 'the file is too large for this file system', advice: 'Write it to another file system.' };
    default:
      return { cause: code ? `the system reported ${code}` : 'an unknown error', advice: 'Check the file and its folder, and run again.' };
  }
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The file a path names after following symbolic links, so that writing through a
 * link replaces its target (and keeps the link). A path that does not exist yet is
 * its own target.
 */
export function resolveTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT' && !isDanglingLink(file)) return path.resolve(file);
    throw error;
  }
}

function isDanglingLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function tempNameBeside(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.distroless-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
}

/** Writes all of `data` to a new file `tmp` (never an existing one), with `mode`, flushed to the disk. */
function writeNewFile(tmp: string, data: Buffer, mode: number, owner?: { uid: number; gid: number }): void {
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode & 0o7777);
  try {
    let offset = 0;
    while (offset < data.length) offset += fs.writeSync(fd, data, offset, data.length - offset);
    // The umask may have taken bits away from the mode passed to open.
    fs.fchmodSync(fd, mode & 0o7777);
    if (owner && process.platform !== 'win32') {
      const uid = process.getuid?.();
      const gid = process.getgid?.();
      if (owner.uid !== uid || owner.gid !== gid) {
        try {
          fs.fchownSync(fd, owner.uid, owner.gid);
        } catch (error) {
          // The renamed file would belong to us instead of the original's owner.
          if ((error as NodeJS.ErrnoException).code === 'EPERM') throw Object.assign(new Error('cannot keep the owner'), { code: 'ECHOWN' });
          throw error;
        }
      }
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a rename to the disk; some systems cannot open a folder, and the rename already happened. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Best effort: the data itself is already on the disk.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Nothing was left, or the folder is not writable: nothing more to do.
  }
}

/**
 * Replaces the contents of `file` atomically. Follows a symbolic link to its target,
 * keeps the target's mode and owner. `display` names the file in messages.
 * Throws FileWriteError; the original is then unchanged and no temporary file is left.
 */
export function writeFileAtomic(file: string, data: string | Buffer, display = file): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let target: string;
  try {
    target = resolveTarget(file);
  } catch (error) {
    throw failure(file, display, 'write', error);
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(target);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw failure(file, display, 'write', error);
  }
  if (stat && !stat.isFile()) throw new FileWriteError(file, undefined, `${display}: cannot write it: it is not a regular file. Nothing was written.`);
  const tmp = tempNameBeside(target);
  try {
    writeNewFile(tmp, bytes, stat ? stat.mode : 0o666 & ~process.umask(), stat ? { uid: stat.uid, gid: stat.gid } : undefined);
    fs.renameSync(tmp, target);
  } catch (error) {
    removeQuietly(tmp);
    throw failure(file, display, 'write', error);
  }
  syncFolder(path.dirname(target));
}

/**
 * Copies `file` to the first free name of `<file>.bak`, `<file>.bak.1`, `<file>.bak.2`, …
 * and returns that path. The copy is complete before it gets its name (written to a
 * temporary file, then hard-linked, which fails rather than replace a file that exists),
 * so a backup is never half a file and never overwrites one.
 */
export function backupFile(file: string, display = file): string {
  let original: Buffer;
  let stat: fs.Stats;
  try {
    original = fs.readFileSync(file);
    stat = fs.statSync(file);
  } catch (error) {
    throw failure(file, display, 'back up', error);
  }
  const tmp = tempNameBeside(path.resolve(file));
  try {
    writeNewFile(tmp, original, stat.mode);
  } catch (error) {
    removeQuietly(tmp);
    throw failure(file, display, 'back up', error);
  }
  try {
    for (let n = 0; n < 1000; n++) {
      const candidate = n === 0 ? `${file}.bak` : `${file}.bak.${n}`;
      try {
        fs.linkSync(tmp, candidate);
        syncFolder(path.dirname(path.resolve(candidate)));
        return candidate;
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'EEXIST') continue;
        // File systems without hard links: an exclusive copy still never overwrites.
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
          try {
            fs.copyFileSync(tmp, candidate, fs.constants.COPYFILE_EXCL);
            return candidate;
          } catch (copyError) {
            if (errnoOf(copyError) === 'EEXIST') continue;
            throw copyError;
          }
        }
        throw error;
      }
    }
    throw new FileWriteError(file, 'EEXIST', `${display}: cannot back it up: ${display}.bak through ${display}.bak.999 all exist. Remove old backups and run again. Nothing was written.`);
  } catch (error) {
    if (error instanceof FileWriteError) throw error;
    throw failure(file, display, 'back up', error);
  } finally {
    removeQuietly(tmp);
  }
}

function failure(file: string, display: string, action: 'write' | 'back up', error: unknown): FileWriteError {
  const code = errnoOf(error);
  const { cause, advice } = describeErrno(code);
  return new FileWriteError(file, code, `${display}: cannot ${action} the file: ${cause}. ${advice} The original is unchanged.`);
}
