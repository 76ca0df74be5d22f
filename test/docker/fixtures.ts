import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { REPO_ROOT } from '../support/paths';

/** Every container the tests make carries this label, so cleanup finds them all. */
export const TEST_LABEL = 'io.distroless.test';
/** The editor tests' own label (see TargetSpec.label). */
export const EDITOR_TEST_LABEL = 'io.distroless.test.editor';
export const TOOLS_IMAGE = 'busybox:latest';
/** A distroless-like target: one busybox binary, not at /bin/sh, USER nonroot (65532) by name. */
export const SHELLLESS_IMAGE = 'distroless-test/shellless:v1';
export const HTTP_PORT = 8080;
export const INDEX_TEXT = 'hello from the shell-less target';

const BUSYBOX = process.env.BUSYBOX_PATH ?? '/usr/bin/busybox';

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** `tar -C dir -c .` (root-owned) streamed into POST /images/create?fromSrc=-, the API behind `docker import`. */
async function importDir(docker: Docker, dir: string, ref: string, changes: string[]): Promise<void> {
  // The tag goes inside `repo` (the API allows it): Podman's compatible API ignores a separate `tag`.
  const tar = spawn('tar', ['--owner=0', '--group=0', '--numeric-owner', '-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tarDone = new Promise<void>((resolve, reject) => tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${code}`)))));
  const stream = (await docker.importImage(tar.stdout, { repo: ref, changes } as object)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  await tarDone;
  if (!(await imageExists(docker, ref))) throw new Error(`import of ${ref} reported success but the image is missing`);
}

function busyboxOrThrow(): void {
  if (!fs.existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: install busybox-static (see shared/recipes/docker-engine.md)`);
}

/** The tools image, built from the static busybox binary when the engine lacks it (no registry here). */
export async function ensureToolsImage(docker: Docker): Promise<void> {
  if (await imageExists(docker, TOOLS_IMAGE)) return;
  busyboxOrThrow();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tools-rootfs-'));
  try {
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.copyFileSync(BUSYBOX, path.join(dir, 'bin', 'busybox'));
    fs.chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
    await importDir(docker, dir, TOOLS_IMAGE, ['ENTRYPOINT ["/bin/busybox"]']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A target that does have a shell: busybox with /bin/sh linked to it (a "not distroless" image). */
export const SHELL_IMAGE = 'distroless-test/with-shell:v1';

export async function ensureShellImage(docker: Docker): Promise<void> {
  if (await imageExists(docker, SHELL_IMAGE)) return;
  busyboxOrThrow();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shell-rootfs-'));
  try {
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.copyFileSync(BUSYBOX, path.join(dir, 'bin', 'busybox'));
    fs.chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
    fs.symlinkSync('busybox', path.join(dir, 'bin', 'sh'));
    await importDir(docker, dir, SHELL_IMAGE, ['ENTRYPOINT ["/bin/busybox"]', 'CMD ["sleep", "3600"]']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function ensureShelllessImage(docker: Docker): Promise<void> {
  if (await imageExists(docker, SHELLLESS_IMAGE)) return;
  busyboxOrThrow();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shellless-rootfs-'));
  try {
    for (const d of ['usr/local/bin', 'etc', 'www']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.copyFileSync(BUSYBOX, path.join(dir, 'usr/local/bin/busybox'));
    fs.chmodSync(path.join(dir, 'usr/local/bin/busybox'), 0o755);
    fs.writeFileSync(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    fs.writeFileSync(path.join(dir, 'etc/group'), 'root:x:0:\nnonroot:x:65532:\n');
    fs.writeFileSync(path.join(dir, 'www/index.html'), INDEX_TEXT + '\n');
    fs.chmodSync(path.join(dir, 'www/index.html'), 0o644);
    await importDir(docker, dir, SHELLLESS_IMAGE, [
      'USER nonroot',
      'ENTRYPOINT ["/usr/local/bin/busybox"]',
      `CMD ["httpd", "-f", "-p", "${HTTP_PORT}", "-h", "/www"]`,
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface TargetSpec {
  name: string;
  /** Default: the shell-less image. */
  image?: string;
  /**
   * Label marking it as a test container; default TEST_LABEL. Tests that share
   * an engine with other worktrees' runs use their own, because those runs
   * remove every TEST_LABEL container when they start and finish.
   */
  label?: string;
  /** Overrides the image's USER. */
  user?: string;
  capAdd?: string[];
  cmd?: string[];
}

/** Starts a target (the shell-less image unless `spec.image` says otherwise), replacing a leftover of the same name. */
export async function startTarget(docker: Docker, spec: TargetSpec): Promise<Docker.Container> {
  await removeContainer(docker, spec.name);
  const container = await docker.createContainer({
    name: spec.name,
    Image: spec.image ?? SHELLLESS_IMAGE,
    User: spec.user,
    Cmd: spec.cmd,
    Labels: { [spec.label ?? TEST_LABEL]: '1' },
    HostConfig: { CapAdd: spec.capAdd, NetworkMode: 'none' },
  });
  await container.start();
  return container;
}

export async function removeContainer(docker: Docker, idOrName: string): Promise<void> {
  try {
    await docker.getContainer(idOrName).remove({ force: true });
  } catch {
    // Absent already.
  }
}

/** Removes every container the tests made, sidecars of test targets included. */
export async function removeTestContainers(docker: Docker): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } });
  for (const c of leftovers) await removeContainer(docker, c.Id);
}

/**
 * Removes only the test containers whose names start with `prefix`. Other
 * worktrees may run their tests against the same engine at the same time, and
 * removing every labelled container would pull their targets away mid-test.
 */
export async function removeTestContainersNamed(docker: Docker, prefix: string, label = TEST_LABEL): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [label], name: [`^/${prefix}`] } });
  for (const c of leftovers) await removeContainer(docker, c.Id);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The built CLI (dist/cli.js) as a child process, its output collected, for the tests that signal or kill it. */
export function startBuiltCli(args: string[]) {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}
