/**
 * The CLI with hostile and unlucky inputs, as real processes on real files: a full or
 * read-only disk (a small tmpfs), symbolic links, byte-order marks, CRLF, Latin-1,
 * files ending inside a heredoc or a continuation, FIFOs, link loops, existing backups,
 * container names Docker never allows and option-like values. Each case checks the
 * exit code, the one line on standard error, and the bytes on disk.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { repoRoot } from '../../support/cli';

const CLI = path.join(repoRoot(), 'dist', 'cli.js');

function run(args: string[], cwd: string, options: { input?: Buffer | string; env?: NodeJS.ProcessEnv } = {}): { code: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    input: options.input ?? '',
    env: { ...process.env, ...options.env, DISTROLESS_DEBUG: '' },
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-safety-'));
  fs.mkdirSync(path.join(dir, '.git'));
  return dir;
}

/** No stack trace: no "    at " frames and no "Error:" class prefixes from Node. */
function assertOneCleanLine(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, stderr);
  assert.doesNotMatch(stderr, /Unhandled|TypeError|ERR_/, stderr);
}

/** One fix-all fix (shell form to exec form) and nothing left after it. */
const FIXABLE = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD /app --serve\n';
const FIXED = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app", "--serve"]\n';

test('lint --fix keeps the byte-order mark and CRLF line ends; only the edit changes', () => {
  const dir = tempDir();
  const file = path.join(dir, 'Dockerfile');
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  fs.writeFileSync(file, Buffer.concat([bom, Buffer.from(FIXABLE.replace(/\n/g, '\r\n'))]));
  const result = run(['lint', '--fix', 'Dockerfile'], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(fs.readFileSync(file), Buffer.concat([bom, Buffer.from(FIXED.replace(/\n/g, '\r\n'))]));
});

test('lint --fix refuses a file that is not UTF-8, leaving every byte; lint without --fix still works', () => {
  const dir = tempDir();
  const file = path.join(dir, 'Dockerfile');
  const latin1 = Buffer.concat([Buffer.from(FIXABLE), Buffer.from('LABEL author="Ren'), Buffer.from([0xe9]), Buffer.from('"\n')]);
  fs.writeFileSync(file, latin1);
  const fixed = run(['lint', '--fix', 'Dockerfile'], dir);
  assert.equal(fixed.code, 2);
  assert.equal(fixed.stderr, 'distroless lint: Dockerfile: not fixed: the file is not valid UTF-8 (line 4), and writing it back would change bytes no edit touches. Convert it to UTF-8 first (e.g. iconv -f latin1 -t utf-8), then run again.\n');
  assert.deepEqual(fs.readFileSync(file), latin1);
  assert.match(fixed.stdout.toString(), /shell-form-in-shellless-stage/, 'its findings are still reported');
  const converted = run(['convert', 'Dockerfile'], dir);
  assert.equal(converted.code, 2);
  assert.match(converted.stderr, /^distroless convert: Dockerfile: not converted: the file is not valid UTF-8 \(line 4\)/);
  assert.equal(converted.stdout.length, 0);
  const linted = run(['lint', 'Dockerfile'], dir);
  assert.equal(linted.code, 1, linted.stderr);
  assert.match(linted.stdout.toString(), /shell-form-in-shellless-stage/);
  const stdin = run(['lint', '--fix', '--stdin'], dir, { input: latin1 });
  assert.equal(stdin.code, 2);
  assert.deepEqual(stdin.stdout, latin1, 'a filter gives unfixable input back unchanged');
});

test('lint --fix through a symbolic link rewrites the target, keeps the link, the mode, and leaves no temporary file', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'real'));
  const target = path.join(dir, 'real', 'Dockerfile');
  fs.writeFileSync(target, FIXABLE);
  fs.chmodSync(target, 0o640);
  fs.symlinkSync(path.join('real', 'Dockerfile'), path.join(dir, 'Dockerfile'));
  const result = run(['lint', '--fix', 'Dockerfile'], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(fs.lstatSync(path.join(dir, 'Dockerfile')).isSymbolicLink());
  assert.equal(fs.readFileSync(target, 'utf8'), FIXED);
  assert.equal(fs.statSync(target).mode & 0o7777, 0o640);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'real')), ['Dockerfile']);
});

test('lint --fix refuses to hand another user\'s file to itself: the file and its owner stay', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to set up a file owned by another user');
  const dir = tempDir();
  fs.chmodSync(dir, 0o777);
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, FIXABLE);
  fs.chmodSync(file, 0o666);
  const result = spawnSync(process.execPath, [CLI, 'lint', '--fix', 'Dockerfile'], { cwd: dir, encoding: 'utf8', uid: 65534, gid: 65534 });
  assert.equal(result.status, 2, result.stderr);
  assert.equal(result.stderr, "distroless lint: Dockerfile: cannot write the file: the file belongs to another user, and the rewritten file would belong to you. Run as the file's owner (or root), or take ownership of it first. The original is unchanged.\n");
  assert.equal(fs.readFileSync(file, 'utf8'), FIXABLE);
  assert.equal(fs.statSync(file).uid, 0);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['.git', 'Dockerfile']);
});

test('lint --fix keeps the file\'s owner (as root, on a file someone else owns)', (t) => {
  if (process.getuid?.() !== 0) return t.skip('only root can hand a file to another owner');
  const dir = tempDir();
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, FIXABLE);
  fs.chownSync(file, 65534, 65534);
  const result = run(['lint', '--fix', 'Dockerfile'], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fs.readFileSync(file, 'utf8'), FIXED);
  const stat = fs.statSync(file);
  assert.deepEqual([stat.uid, stat.gid], [65534, 65534]);
});

/** `heldBack`: a fix-all fix would edit the unfinished instruction, and is held back with a message. */
const OPEN_TAILS: Array<{ name: string; text: string; says: RegExp; heldBack: boolean }> = [
  { name: 'open heredoc', text: 'FROM debian:12\nRUN <<EOF\napt-get update\n', says: /ends inside the heredoc <<EOF opened on line 2/, heldBack: false },
  { name: 'terminator with trailing spaces', text: 'FROM debian:12\nRUN <<EOF\napt-get update\nEOF  \n', says: /ends inside the heredoc <<EOF opened on line 2/, heldBack: false },
  { name: 'dangling continuation', text: 'FROM debian:12\nRUN echo \\\n', says: /ends with a line continuation \(\\ at the end of line 2\)/, heldBack: false },
  { name: 'dangling continuation, then a comment', text: 'FROM debian:12\nRUN echo \\\n# later\n', says: /ends with a line continuation/, heldBack: false },
  { name: 'shell-form CMD left continued', text: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD /app --serve \\\n', says: /ends with a line continuation \(\\ at the end of line 3\), so anything added at the end would become part of that CMD instruction/, heldBack: true },
];

for (const c of OPEN_TAILS) {
  test(`a file ending in an unfinished instruction (${c.name}): no fix there, no conversion, and why`, () => {
    const dir = tempDir();
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, c.text);
    const fixed = run(['lint', '--fix', 'Dockerfile'], dir);
    assert.equal(fixed.code, 1);
    if (c.heldBack) {
      assert.match(fixed.stderr, c.says);
      assert.match(fixed.stderr, /^distroless lint: Dockerfile: fixes at the end of the file were not applied: /);
    } else {
      assert.equal(fixed.stderr, '');
    }
    assert.equal(fs.readFileSync(file, 'utf8'), c.text);
    const converted = run(['convert', '--write', 'Dockerfile'], dir);
    assert.equal(converted.code, 1);
    assert.match(converted.stderr, c.says);
    assert.equal(fs.readFileSync(file, 'utf8'), c.text);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.git', 'Dockerfile']);
  });
}

const GO_APP = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n';

test('convert --write never overwrites an existing backup, and says where the backup went', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), GO_APP);
  fs.writeFileSync(path.join(dir, 'Dockerfile.bak'), 'mine\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile.bak.1'), 'mine too\n');
  const result = run(['convert', '--write', 'Dockerfile'], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /\(original kept as Dockerfile\.bak\.2\)\n$/);
  assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile.bak'), 'utf8'), 'mine\n');
  assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile.bak.1'), 'utf8'), 'mine too\n');
  assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile.bak.2'), 'utf8'), GO_APP);
  assert.match(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), /gcr\.io\/distroless\/static/);
});

test('a FIFO is refused up front (exit 2, the path named) instead of hanging', { skip: process.platform === 'win32' ? 'no mkfifo on Windows' : false }, () => {
  const dir = tempDir();
  const made = spawnSync('mkfifo', [path.join(dir, 'Dockerfile')]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  for (const args of [['lint', 'Dockerfile'], ['lint', '--fix', 'Dockerfile'], ['convert', 'Dockerfile'], ['lint', '-c', 'Dockerfile', '.']]) {
    const result = run(args, dir);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /Dockerfile: (this is a named pipe \(FIFO\), not a file|not a regular file)/, args.join(' '));
  }
  const device = run(['lint', '/dev/null'], dir);
  assert.equal(device.code, 2);
  assert.match(device.stderr, /\/dev\/null: this is a character device, not a file; only regular files are read/);
});

test('a symbolic link loop is named as a loop', () => {
  const dir = tempDir();
  fs.symlinkSync('b', path.join(dir, 'a'));
  fs.symlinkSync('a', path.join(dir, 'b'));
  for (const command of ['lint', 'convert']) {
    const result = run([command, 'a'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /a: the path is a loop of symbolic links/);
  }
});

/** Mounts a tmpfs of `size` on a new folder, or says why it cannot. */
function mountTmpfs(size: string): { dir: string; unmount: () => void } | string {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (mounted.status !== 0) {
    fs.rmdirSync(dir);
    return `mount -t tmpfs failed: ${String(mounted.stderr).trim() || mounted.error}`;
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir]);
      fs.rmdirSync(dir);
    },
  };
}

/** Skips with the reason, except on CI, which runs as root on Linux and so must be able to mount. */
function requireTmpfs(t: { skip(reason: string): void }, size: string): { dir: string; unmount: () => void } | undefined {
  const mount = mountTmpfs(size);
  if (typeof mount !== 'string') return mount;
  if (process.env.CI === 'true') assert.fail(`CI must be able to mount a tmpfs: ${mount}`);
  t.skip(mount);
  return undefined;
}

test('a full disk: lint --fix and convert --write leave the original byte for byte and say the disk is full', (t) => {
  const mount = requireTmpfs(t, '64k');
  if (!mount) return;
  try {
    const file = path.join(mount.dir, 'Dockerfile');
    fs.writeFileSync(file, FIXABLE);
    fs.writeFileSync(path.join(mount.dir, 'go.mod'), 'module example.com/app\n');
    // Fill the rest of the disk.
    try {
      fs.writeFileSync(path.join(mount.dir, 'fill'), Buffer.alloc(128 * 1024));
    } catch {
      // ENOSPC: the disk is now full, as intended.
    }
    const fixed = run(['lint', '--fix', 'Dockerfile'], mount.dir);
    assert.equal(fixed.code, 2);
    assert.equal(fixed.stderr, 'distroless lint: Dockerfile: cannot write the file: the disk is full. Free some space on that disk and run again. The original is unchanged.\n');
    assert.equal(fs.readFileSync(file, 'utf8'), FIXABLE);

    fs.writeFileSync(file, GO_APP);
    const before = fs.readFileSync(file);
    const converted = run(['convert', '--write', 'Dockerfile'], mount.dir);
    assert.equal(converted.code, 2, converted.stderr);
    assert.match(converted.stderr, /^distroless convert: Dockerfile: cannot (back up|write) the file: the disk is full\. .* The original is unchanged\.\n$/);
    assertOneCleanLine(converted.stderr);
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(mount.dir).filter((f) => f.includes('distroless')), [], 'no temporary file left');
  } finally {
    mount.unmount();
  }
});

test('a read-only file system: the message says so and the file is unchanged', (t) => {
  const mount = requireTmpfs(t, '1m');
  if (!mount) return;
  try {
    const file = path.join(mount.dir, 'Dockerfile');
    fs.writeFileSync(file, FIXABLE);
    const remounted = spawnSync('mount', ['-o', 'remount,ro', mount.dir]);
    assert.equal(remounted.status, 0, String(remounted.stderr));
    const fixed = run(['lint', '--fix', 'Dockerfile'], mount.dir);
    assert.equal(fixed.code, 2);
    assert.equal(fixed.stderr, 'distroless lint: Dockerfile: cannot write the file: the file system is read-only. Run on a writable copy, or remount the file system read-write. The original is unchanged.\n');
    assert.equal(fs.readFileSync(file, 'utf8'), FIXABLE);
  } finally {
    mount.unmount();
  }
});

for (const name of ['a;b', 'x y', '../x', 'rel-t1/../x', 'name\nwith-newline']) {
  test(`debug refuses the container name ${JSON.stringify(name)} before any engine call: exit 125, one line`, () => {
    // DOCKER_HOST at a socket that does not exist: any engine call would fail differently.
    const result = run(['debug', name, '--', 'ls'], os.tmpdir(), { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    assert.equal(result.code, 125);
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
    assert.ok(result.stderr.startsWith(`distroless debug: ${JSON.stringify(name)} is not a valid container name or ID:`), result.stderr);
    assertOneCleanLine(result.stderr);
  });
}

test('debug refuses an option-like tools image, also for --print-command: exit 125 and nothing printed to copy', () => {
  const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
  for (const args of [['debug', '--image', '--privileged', 'x', '--', 'ls'], ['debug', '--print-command', '--image=--privileged', 'x'], ['debug', '--image', 'a b', 'x', '--', 'ls']]) {
    const result = run(args, os.tmpdir(), { env });
    assert.equal(result.code, 125, args.join(' '));
    assert.equal(result.stdout.length, 0);
    assert.match(result.stderr, /^distroless debug: ".*" is not a valid image name or ID: /);
    assertOneCleanLine(result.stderr);
  }
});

test('debug with no engine: exit 125 and one line naming where it looked', () => {
  const result = run(['debug', 'app', '--', 'ls'], os.tmpdir(), { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
  assert.equal(result.code, 125);
  assert.match(result.stderr, /^distroless debug: No Docker engine answered\. Tried: unix:\/\/\/nonexistent\/docker\.sock/);
  assertOneCleanLine(result.stderr);
});

test('a folder that cannot be listed: exit 2 and one line naming it', (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'locked'));
  fs.writeFileSync(path.join(dir, 'locked', 'Dockerfile'), FIXABLE);
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(path.join(dir, 'locked'), 0o000);
  // root lists anything: run as an unprivileged user then.
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const result = spawnSync(process.execPath, [CLI, 'lint', '.'], { cwd: dir, encoding: 'utf8', ...asUser });
  fs.chmodSync(path.join(dir, 'locked'), 0o755);
  assert.equal(result.status, 2, result.stderr);
  assert.equal(result.stderr, `distroless lint: ${fs.realpathSync(dir)}/locked: cannot list the folder (permission denied). Check the permissions of the file and of the folders above it.\n`);
});

test('a kill at any moment of lint --fix leaves the Dockerfile either as it was or fully fixed', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'Dockerfile');
  // Large enough that reading, linting and writing take a while to interrupt.
  const padding = Array.from({ length: 3000 }, (_, i) => `LABEL padding${i}="${'x'.repeat(40)}"`).join('\n');
  const original = `${FIXABLE}${padding}\n`;
  const fixed = `${FIXED}${padding}\n`;
  const { spawn } = await import('child_process');
  for (const delay of [50, 150, 250, 350, 450, 500, 550, 600, 650, 700]) {
    fs.writeFileSync(file, original);
    const child = spawn(process.execPath, [CLI, 'lint', '--fix', 'Dockerfile'], { cwd: dir, stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, delay));
    // The child may have finished before the kill: then 'exit' has already been emitted.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const now = fs.readFileSync(file, 'utf8');
    assert.ok(now === original || now === fixed, `after a kill at ${delay} ms the file is neither the original nor the fixed one (${now.length} chars)`);
  }
});
