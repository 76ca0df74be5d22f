/** Runs the CLI in-process with captured streams, and makes throwaway project folders. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable, Writable } from 'stream';
import { main } from '../../server/src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * No engine unless a test names one: lint reads base images from the local engine,
 * and a unit test's findings must not depend on which images this machine has.
 */
export const NO_ENGINE_ENV: NodeJS.ProcessEnv = { DOCKER_HOST: 'unix:///nonexistent/distroless-test/docker.sock' };

export async function runCli(argv: string[], options: { cwd: string; stdin?: string | Buffer; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  const stdout = collector();
  const stderr = collector();
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]);
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, stdin, cwd: options.cwd, env: options.env ?? NO_ENGINE_ENV });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/**
 * A temporary folder holding `files` (relative path to content). It has its own `.git`
 * so configuration discovery stops inside it, whatever lies above the temp folder.
 */
export function makeProject(files: Record<string, string | Buffer>, options: { git?: boolean } = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-cli-'));
  if (options.git !== false) fs.mkdirSync(path.join(root, '.git'));
  for (const [relative, content] of Object.entries(files)) {
    const full = path.join(root, relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return root;
}

/** The repository root, from out/test/... or test/... alike. */
export { repoRoot } from './paths';
