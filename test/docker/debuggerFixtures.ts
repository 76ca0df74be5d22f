/**
 * Images for the attach-debugger tests (the docker tests and the editor suite):
 * built with `docker build` from the local stand-ins, so nothing is pulled.
 * Asynchronous throughout: the editor suite runs in the extension host.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';
import { buildStandins } from './standins';

/** The Node.js app, on the distroless Node.js stand-in (no shell), as nonroot (65532); its folder is also in the editor suite's workspace. */
export const NODE_APP_IMAGE = 'distroless-test/debugger-node-app:v1';
export const NODE_APP_DIR = path.join(REPO_ROOT, 'test/vscode/workspace/debug-node');
/** A Go program on the distroless static stand-in, built with the golang stand-in. */
export const GO_APP_IMAGE = 'distroless-test/debugger-go-app:v1';
/** The same Go program named /app/node_exporter: a name starting with "node" is not Node.js. */
export const GO_APP_NAMED_NODE_IMAGE = 'distroless-test/debugger-go-app-named-node:v1';
/** Debian's delve package on the Debian stand-in (apt inside docker build). */
export const DELVE_IMAGE = 'distroless-test/delve-tools:v1';

/** `docker build -q -t tag dir`. */
export function dockerBuild(tag: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['build', '-q', '-t', tag, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker build ${tag} exited ${code}:\n${stderr}`))));
  });
}

export async function ensureNodeAppImage(): Promise<void> {
  await buildStandins();
  await dockerBuild(NODE_APP_IMAGE, NODE_APP_DIR);
}

export async function ensureGoImages(): Promise<void> {
  await buildStandins();
  await dockerBuild(GO_APP_IMAGE, path.join(REPO_ROOT, 'test/fixtures/debugger/go-app'));
  await dockerBuild(GO_APP_NAMED_NODE_IMAGE, path.join(REPO_ROOT, 'test/fixtures/debugger/go-app-named-node'));
  await dockerBuild(DELVE_IMAGE, path.join(REPO_ROOT, 'test/fixtures/debugger/delve-tools'));
}
