import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { ensureShelllessImage, SHELLLESS_IMAGE } from './fixtures';

/** The shell-less image plus a home for nonroot (65532) with a 0600 file, a binary file, a symlink and a long name. */
export const FILES_IMAGE = 'distroless-test/files:v1';
export const SECRET_TEXT = 'the secret of uid 65532\n';
export const LONG_NAME = 'a-file-name-longer-than-the-one-hundred-bytes-a-classic-tar-header-holds-' + 'x'.repeat(40) + '.txt';

/** 5 MiB + 3 bytes that are not text (every byte value) and not one repeated block. */
export function binaryData(): Buffer {
  const out = Buffer.alloc(5 * 1024 * 1024 + 3);
  let block = crypto.createHash('sha256').update('seed').digest();
  for (let i = 0; i < out.length; i += block.length) {
    block.copy(out, i);
    block = crypto.createHash('sha256').update(block).digest();
  }
  return out;
}

export async function ensureFilesImage(docker: Docker): Promise<void> {
  try {
    await docker.getImage(FILES_IMAGE).inspect();
    return;
  } catch {
    // build below
  }
  await ensureShelllessImage(docker);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'files-ctx-'));
  try {
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, 'secret.txt'), SECRET_TEXT);
    fs.chmodSync(path.join(home, 'secret.txt'), 0o600);
    fs.writeFileSync(path.join(home, 'data.bin'), binaryData());
    fs.symlinkSync('data.bin', path.join(home, 'latest'));
    fs.writeFileSync(path.join(home, LONG_NAME), 'long\n');
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      `FROM ${SHELLLESS_IMAGE}\nCOPY --chown=65532:65532 home/ /home/nonroot/\n`,
    );
    const tar = spawn('tar', ['--owner=0', '--group=0', '--numeric-owner', '-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = (await docker.buildImage(tar.stdout as unknown as NodeJS.ReadableStream, { t: FILES_IMAGE })) as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
        const failed = events?.find((e) => e.error);
        if (err || failed) reject(err ?? new Error(failed!.error));
        else resolve();
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
