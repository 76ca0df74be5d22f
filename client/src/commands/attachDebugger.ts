import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DebuggerSession, DebuggerUnavailableError, PtraceNotAllowedError } from '../../../server/src/docker';
import { isDockerfileName } from '../../../server/src/protocol';
import { goSourceRoots, matchSourceRoots, nodeScriptPath, SourceRoots, WorkspaceDockerfile } from '../debugger/sourceRoots';
import { GO_DEBUGGER_IMAGE_SETTING } from '../settings/sidecarSettings';
import { pullWithProgress } from '../terminal/sidecarTerminal';
import { withRunningTarget } from '../views/pickContainer';
import { showError } from '../log';
import type { CommandDefinition } from './types';

const ALLOW_PTRACE = 'Allow SYS_PTRACE';
const GO_EXTENSION = 'golang.go';

export interface AttachDebuggerResult {
  sessionId: string;
  runtime: 'node' | 'go';
  localPort: number;
  /** The debug session's configuration, or undefined when only the address was shown (Go without the Go extension). */
  configuration?: vscode.DebugConfiguration;
  roots?: SourceRoots;
}

/** Dockerfiles of the workspace, read once per attach; few, small files. */
async function workspaceDockerfiles(): Promise<WorkspaceDockerfile[]> {
  const uris = await vscode.workspace.findFiles('**/*{Dockerfile,dockerfile,Containerfile}*', '**/node_modules/**', 200);
  const out: WorkspaceDockerfile[] = [];
  for (const uri of uris.filter((u) => u.scheme === 'file' && isDockerfileName(path.basename(u.fsPath)))) {
    out.push({ path: uri.fsPath, text: Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8') });
  }
  return out;
}

async function sourceRootsFor(session: DebuggerSession): Promise<SourceRoots | undefined> {
  const stat = (p: string) => fs.statSync(p, { throwIfNoEntry: false });
  const isFile = (p: string) => stat(p)?.isFile() ?? false;
  const isDirectory = (p: string) => stat(p)?.isDirectory() ?? false;
  if (session.runtime === 'go') return session.process.exe ? goSourceRoots(await workspaceDockerfiles(), session.process.exe, isFile, isDirectory) : undefined;
  const script = nodeScriptPath(session.process.argv, session.process.cwd);
  return script ? matchSourceRoots(await workspaceDockerfiles(), script, isFile, isDirectory) : undefined;
}

/**
 * Attach Debugger: Node.js through its inspector (SIGUSR1, forwarded), Go
 * through Delve (after the user allows SYS_PTRACE), as a VS Code debug
 * session; the sidecars go when the session ends, and the session ends when
 * the target stops. See docs/debugging.md#attach-a-debugger.
 */
export const attachDebuggerCommand: CommandDefinition = {
  id: 'distroless.attachDebugger',
  run({ sidecar }, arg): Promise<AttachDebuggerResult | undefined> {
    return withRunningTarget(sidecar, arg, 'Attach Debugger', async (svc, target) => {
      const settings = sidecar.settings();
      if (!(await pullWithProgress(svc, settings.image))) return undefined;
      let pid: number | undefined;
      let allowPtrace = false;
      let session: DebuggerSession | undefined;
      while (!session) {
        try {
          session = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Attaching a debugger to ${target.name}…` }, () =>
            svc.attachDebugger({ target: target.id, pid, image: settings.image, goImage: settings.goDebuggerImage, allowPtrace }),
          );
        } catch (err) {
          if (err instanceof DebuggerUnavailableError && err.candidates && pid === undefined) {
            const picked = await vscode.window.showQuickPick(
              err.candidates.map((c) => ({ label: `${c.pid}`, description: `${c.runtime} · ${c.uid}:${c.gid}`, detail: c.argv.join(' '), pid: c.pid })),
              { title: `Attach Debugger: ${target.name}`, placeHolder: 'Process to debug' },
            );
            if (!picked) return undefined;
            pid = picked.pid;
          } else if (err instanceof PtraceNotAllowedError && !allowPtrace) {
            const choice = await vscode.window.showWarningMessage(
              `Attach Delve to ${target.name}?`,
              { modal: true, detail: `${err.message.replace(/ Allow it with --allow-ptrace\.$/, '')} The target's image and configuration are not changed.` },
              ALLOW_PTRACE,
            );
            if (choice !== ALLOW_PTRACE) return undefined;
            allowPtrace = true;
          } else if (err instanceof DebuggerUnavailableError && err.message.includes(GO_DEBUGGER_IMAGE_SETTING)) {
            void showError(err.message, { actions: ['Open Setting'] }).then((choice) => {
              if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', GO_DEBUGGER_IMAGE_SETTING);
            });
            return undefined;
          } else throw err;
        }
      }
      return await startSession(sidecar, session);
    });
  },
};

async function startSession(sidecar: Parameters<CommandDefinition['run']>[0]['sidecar'], session: DebuggerSession): Promise<AttachDebuggerResult> {
  const { target, process: proc } = session;
  const id = sidecar.sessions.nextId('forward');
  const registration = sidecar.sessions.add({
    kind: 'forward',
    id,
    targetId: target.id,
    targetName: target.name,
    sidecarId: session.forward.sidecarId,
    startedAt: new Date(),
    forward: session.forward,
    stop: async () => {
      await session.close();
    },
  });
  const name = `${target.name}: ${proc.runtime === 'node' ? 'Node.js' : 'Go'} process ${proc.pid}`;
  const address = `${session.localAddress}:${session.localPort}`;
  let configuration: vscode.DebugConfiguration | undefined;
  let roots: SourceRoots | undefined;
  roots = await sourceRootsFor(session);
  if (session.runtime === 'node') {
    configuration = {
      type: 'node',
      request: 'attach',
      name,
      address: session.localAddress,
      port: session.localPort,
      skipFiles: ['<node_internals>/**'],
      // js-debug takes a loopback address for a process on this machine: it would put its
      // bootloader (a path on this machine) into the target's NODE_OPTIONS, which breaks every
      // Node.js process the target starts, and attach to this machine's Node.js processes.
      autoAttachChildProcesses: false,
      attachExistingChildren: false,
      ...(roots ? { localRoot: roots.localRoot, remoteRoot: roots.remoteRoot } : {}),
      distrolessSession: id,
    };
  } else if (vscode.extensions.getExtension(GO_EXTENSION)) {
    configuration = {
      type: 'go',
      request: 'attach',
      mode: 'remote',
      debugAdapter: 'dlv-dap',
      name,
      host: session.localAddress,
      port: session.localPort,
      // The binary names its sources by the build stage's paths; the workspace has them under the Dockerfile's folder.
      ...(roots ? { substitutePath: [{ from: roots.localRoot, to: roots.remoteRoot }] } : {}),
      distrolessSession: id,
    };
  }
  let debugSession: vscode.DebugSession | undefined;
  const subscriptions: vscode.Disposable[] = [];
  const finished = () => {
    for (const s of subscriptions) s.dispose();
    registration.dispose();
  };
  void session.ended.then((end) => {
    finished();
    if (debugSession) void vscode.debug.stopDebugging(debugSession);
    if (end.reason !== 'closed') void vscode.window.showWarningMessage(end.message);
  });
  if (!configuration) {
    void vscode.window
      .showInformationMessage(`Delve (DAP) is attached to process ${proc.pid} in ${target.name} at ${address}. Install the Go extension, or attach any DAP client ("mode": "remote") to it; Stop it from the Containers view.`, 'Copy Address')
      .then((choice) => choice && vscode.env.clipboard.writeText(address));
    return { sessionId: id, runtime: session.runtime, localPort: session.localPort };
  }
  subscriptions.push(
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.configuration.distrolessSession === id) debugSession = s;
    }),
    // The debug session's end (Disconnect, Stop, or the target gone) removes the sidecars; the target keeps running.
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.configuration.distrolessSession === id) void session.close();
    }),
  );
  const folder = vscode.workspace.workspaceFolders?.find((f) => roots?.localRoot.startsWith(f.uri.fsPath)) ?? vscode.workspace.workspaceFolders?.[0];
  const started = await vscode.debug.startDebugging(folder, configuration);
  if (!started) {
    await session.close();
    throw new Error(`VS Code did not start the ${configuration.type} debug session for ${target.name} (${address}).`);
  }
  if (session.runtime === 'node' && !roots) {
    void vscode.window.showInformationMessage(
      `Attached to process ${proc.pid} (${proc.argv.join(' ')}) in ${target.name}. No Dockerfile in the workspace copies its script, so breakpoints bind only in the files the debugger loads from the container (Loaded Scripts).`,
    );
  }
  return { sessionId: id, runtime: session.runtime, localPort: session.localPort, configuration, roots };
}
