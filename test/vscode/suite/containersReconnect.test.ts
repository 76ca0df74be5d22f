/**
 * The Containers view when its engine stops and comes back. The engine is a dockerd of
 * this test's own (its own socket, data root, exec root and containerd), never the
 * shared one: stopping that would break everyone else's tests. The view is pointed at
 * it with distroless.docker.host. While the engine is back but its rows are not read
 * yet, the view must not show the "No containers" welcome: a message covers it.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { extensionApi } from './helpers';

const TOOLS_IMAGE = 'busybox:latest';
const CONTAINER = 'distroless-vscode-reconnect-target';

interface PrivateEngine {
  host: string;
  dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function docker(args: string[], input?: string): { status: number | null; out: string } {
  const run = spawnSync('docker', args, { encoding: 'utf8', input, timeout: 120_000 });
  return { status: run.status, out: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}

function privateEngine(): PrivateEngine {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-reconnect-'));
  const socket = path.join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  let pid: number | undefined;
  const answers = () => docker(['-H', host, 'version', '--format', '{{.Server.Version}}']).status === 0;
  return {
    host,
    dir,
    async start() {
      const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
      // In a network namespace of its own: with --bridge none, dockerd deletes any link
      // named docker0 where it starts, which would take the shared engine's bridge away
      // from every later test. unshare execs dockerd, so the PID is dockerd's.
      const child = spawn('unshare', ['--net', '--', 'dockerd',
        '--host', host, '--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'), '--pidfile', path.join(dir, 'dockerd.pid'),
        '--bridge', 'none', '--iptables=false', '--ip6tables=false', '--containerd-namespace', 'distroless-reconnect', '--containerd-plugins-namespace', 'distroless-reconnect-plugins',
      ], { detached: true, stdio: ['ignore', log, log] });
      child.unref();
      pid = child.pid;
      const deadline = Date.now() + 60_000;
      while (!answers()) {
        if (Date.now() > deadline) throw new Error(`the test's dockerd did not answer within 60 s; see ${path.join(dir, 'dockerd.log')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      if (pid === undefined) return;
      const stopping = pid;
      pid = undefined;
      try {
        process.kill(stopping, 'SIGTERM');
      } catch {
        return;
      }
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          process.kill(stopping, 0);
        } catch {
          return;
        }
        if (Date.now() > deadline) throw new Error(`the test's dockerd ${stopping} did not stop within 60 s`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}

/** Why this test cannot run here, or undefined: it needs root (dockerd), dockerd, and the tools image on the shared engine to copy. */
function cannotRun(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'starting a dockerd of its own needs root';
  if (spawnSync('dockerd', ['--version']).status !== 0) return 'dockerd is not installed';
  if (spawnSync('unshare', ['--version']).status !== 0) return 'unshare (util-linux) is not installed';
  if (docker(['image', 'inspect', TOOLS_IMAGE]).status !== 0) return `${TOOLS_IMAGE} is not on the shared engine to copy into the test's own`;
  return undefined;
}

describe('Containers view: an engine that stops and comes back', () => {
  let engine: PrivateEngine | undefined;
  let savedHost: string | undefined;

  after(async () => {
    await vscode.workspace.getConfiguration('distroless').update('docker.host', savedHost, vscode.ConfigurationTarget.Global);
    if (engine) {
      await engine.stop();
      fs.rmSync(engine.dir, { recursive: true, force: true });
    }
  });

  it('shows no false "No containers" while the rows of the engine that came back are read', async function () {
    this.timeout(300_000);
    const reason = cannotRun();
    if (reason) {
      if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
      if (this.test) this.test.title += ` (skipped: ${reason})`;
      return this.skip();
    }
    engine = privateEngine();
    await engine.start();
    const saved = spawn('sh', ['-c', `docker save ${TOOLS_IMAGE} | docker -H ${engine.host} load`], { stdio: 'ignore' });
    assert.equal(await new Promise((r) => saved.on('close', r)), 0, `copied ${TOOLS_IMAGE} into the test's engine`);
    const created = docker(['-H', engine.host, 'create', '--name', CONTAINER, TOOLS_IMAGE, 'sleep', '600']);
    assert.equal(created.status, 0, created.out);

    const api = await extensionApi();
    savedHost = vscode.workspace.getConfiguration('distroless').inspect<string>('docker.host')?.globalValue;
    await vscode.workspace.getConfiguration('distroless').update('docker.host', engine.host, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('distroless.containers.focus');
    const until = async (what: string, accept: () => boolean, timeoutMs: number, check?: () => void): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!accept()) {
        check?.();
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the view: ${JSON.stringify(api.containersWelcome())}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until('the container in the view', () => api.containersWelcome().shownRows === 1, 60_000);

    await engine.stop();
    await until('the view to see the engine gone', () => api.containersWelcome().engineState === 'unreachable', 60_000);

    await engine.start();
    const cameBack = Date.now();
    // The "No containers" welcome shows when the engine is reachable, no message is set
    // and the rows the view shows are none: never true here, the engine has a container.
    const noFalseEmpty = () => {
      const state = api.containersWelcome();
      if (state.engineState === 'reachable' && state.viewMessage === undefined && state.shownRows !== 1) {
        throw new Error(`the view showed "No containers" for an engine with a container: ${JSON.stringify(state)}`);
      }
    };
    await until('the container back in the view', () => {
      noFalseEmpty();
      return api.containersWelcome().shownRows === 1;
    }, 60_000, noFalseEmpty);
    // The events stream retries at most every 5 s, and reading the rows is quick.
    assert.ok(Date.now() - cameBack < 20_000, `the view caught up ${Date.now() - cameBack} ms after the engine answered`);
  });
});
