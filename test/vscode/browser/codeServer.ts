/** VS Code's server from the npm package code-server, started and stopped by PID. */
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RunningServer {
  port: number;
  pid: number;
  /** Resolves with the exit code of the next extension host that exits, as the server logs it. */
  onExtensionHostExit(listener: (code: number) => void): void;
  stop(): Promise<void>;
}

export interface ServerOptions {
  toolsDir: string;
  dataDir: string;
  logFile: string;
  /** Written as soon as the server runs, so the calling shell's trap can kill it if this process dies. */
  pidFile?: string;
  env: NodeJS.ProcessEnv;
  startTimeoutMs: number;
}

export function serverMainPath(toolsDir: string): string {
  return path.join(toolsDir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const serverMain = serverMainPath(options.toolsDir);
  if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run test/vscode/installTools.sh first`);
  const log = fs.createWriteStream(options.logFile);
  // Port 0: the server picks a free port and prints it, so two runs never race for one.
  // detached: its own process group, so that stop() also ends the extension host,
  // pty host and file watcher it forks, and nothing else.
  const child: ChildProcess = spawn(process.execPath, [
    serverMain, '--host', '127.0.0.1', '--port', '0', '--without-connection-token', '--accept-server-license-terms',
    '--server-data-dir', path.join(options.dataDir, 'server-data'), '--extensions-dir', path.join(options.dataDir, 'extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
  ], { env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start VS Code server');
  if (options.pidFile) fs.writeFileSync(options.pidFile, `${pid}\n`);

  const exitListeners: Array<(code: number) => void> = [];
  let pending = '';
  let resolvePort: ((port: number) => void) | undefined;
  const onOutput = (chunk: Buffer): void => {
    log.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const listening = /Extension host agent listening on (\d+)/.exec(line);
      if (listening && resolvePort) resolvePort(Number(listening[1]));
      const exited = /Extension Host Process exited with code: (-?\d+)/.exec(line);
      if (exited) for (const listener of exitListeners) listener(Number(exited[1]));
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);

  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));

  const stop = async (): Promise<void> => {
    if (!exited) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5_000);
      await exit;
      clearTimeout(timer);
    }
    log.end();
    if (options.pidFile) fs.rmSync(options.pidFile, { force: true });
  };

  return new Promise<RunningServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop().then(() => reject(new Error(`VS Code server did not report its port within ${options.startTimeoutMs} ms; see ${options.logFile}`)));
    }, options.startTimeoutMs);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`VS Code server exited while starting (code ${child.exitCode}); see ${options.logFile}`));
    });
    resolvePort = (port) => {
      clearTimeout(timer);
      resolvePort = undefined;
      resolve({ port, pid, stop, onExtensionHostExit: (listener) => exitListeners.push(listener) });
    };
  });
}
