/**
 * What the engine proofs of conversions share: the docker CLI, whether an engine
 * answers, a container's HTTP answer, and the files of an image.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as http from 'http';
import { PassThrough } from 'stream';
import type { CliIo } from '../../server/src/cli/commands/types';

const PORT = 8080;

export function docker(args: string[], options: { input?: string; timeoutMs?: number } = {}): string {
  return execFileSync('docker', args, { encoding: 'utf8', input: options.input, timeout: options.timeoutMs ?? 15 * 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

export function engineProblem(): string | undefined {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return `docker client not runnable: ${r.error.message}`;
  if (r.status !== 0) return `no Docker engine answers: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  return undefined;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

export async function answerOf(container: string): Promise<string> {
  const ip = docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', container]);
  assert.ok(ip, 'the container has an IP address');
  let last: unknown;
  for (let i = 0; i < 60; i++) {
    try {
      return (await get(`http://${ip}:${PORT}/`)).trim();
    } catch (error) {
      last = error;
      if (docker(['inspect', '-f', '{{.State.Running}}', container]) !== 'true') break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const state = docker(['inspect', '-f', '{{.State.Status}} exit={{.State.ExitCode}} oom={{.State.OOMKilled}} {{.State.Error}}', container]);
  throw new Error(`no HTTP answer from ${container} (${String(last)}); state: ${state}; logs:\n${docker(['logs', container])}`);
}

/** A CLI command's input and output in memory, for running `distroless` commands in a test. */
export function capturedIo(cwd: string, env: NodeJS.ProcessEnv = process.env): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, stdin: new PassThrough(), cwd, env, out: () => out, err: () => err };
}

export function imageFiles(image: string): string[] {
  const container = docker(['create', image]);
  try {
    const r = spawnSync('bash', ['-c', `docker export ${container} | tar -t`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').map((f) => f.replace(/^\.?\//, '').replace(/\/$/, '')).filter(Boolean);
  } finally {
    docker(['rm', '-f', container]);
  }
}

