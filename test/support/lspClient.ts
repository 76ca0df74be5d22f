/**
 * The real language server (dist/server.js) over stdio, driven by a plain JSON-RPC
 * client: what an editor does, without an editor.
 */
import { spawn, ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection, ProtocolConnection, StreamMessageReader, StreamMessageWriter,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification, PublishDiagnosticsParams, ConfigurationRequest, RegistrationRequest,
  ShutdownRequest, ExitNotification, ShowDocumentRequest, ShowDocumentParams, ShowMessageNotification,
} from 'vscode-languageserver-protocol/node';

export { REPO_ROOT } from './paths';
import { REPO_ROOT } from './paths';

export interface ServerUnderTest {
  connection: ProtocolConnection;
  process: ChildProcess;
  stderr: () => string;
  /** window/showMessage texts received so far. */
  messages: () => string[];
  /** Resolves with the next diagnostics published for `uri` (optionally at `version`). */
  nextDiagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, text: string, version: number): void;
  close(): Promise<void>;
  /** Every diagnostics notification received, in order. */
  published: PublishDiagnosticsParams[];
}

export interface ServerOptions {
  /** Sent as initializationOptions (e.g. clientCommands, settings). */
  initializationOptions?: unknown;
  /** Answers window/showDocument; without it the client does not offer the request. */
  showDocument?: (params: ShowDocumentParams) => boolean;
  /** false: the client has no workspace/configuration (settings come from initializationOptions). Default true. */
  pullConfiguration?: boolean;
  /** The server command; default node dist/server.js --stdio. */
  command?: string[];
  /**
   * Added to this process's environment. Without a DOCKER_HOST in it the server finds
   * no engine, so findings do not depend on which images this machine has.
   */
  env?: NodeJS.ProcessEnv;
}

export async function startServer(settings: Record<string, unknown> = {}, options: ServerOptions = {}): Promise<ServerUnderTest> {
  const env = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/distroless-test/docker.sock', ...options.env };
  const [program, ...args] = options.command ?? [process.execPath, path.join(REPO_ROOT, 'dist', 'server.js'), '--stdio'];
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  const published: PublishDiagnosticsParams[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting: Array<{ uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.push(params);
    const index = waiting.findIndex((w) => w.uri === params.uri && (w.version === undefined || w.version === params.version));
    if (index >= 0) waiting.splice(index, 1)[0].resolve(params);
  });
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'distroless' ? settings : null)));
  connection.onRequest(RegistrationRequest.type, () => undefined);
  const messages: string[] = [];
  connection.onNotification(ShowMessageNotification.type, (params) => messages.push(params.message));
  const showDocument = options.showDocument;
  if (showDocument) connection.onRequest(ShowDocumentRequest.type, (params) => ({ success: showDocument(params) }));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: null,
    initializationOptions: options.initializationOptions,
    capabilities: {
      ...(showDocument ? { window: { showDocument: { support: true } } } : {}),
      workspace: { configuration: options.pullConfiguration !== false, didChangeConfiguration: { dynamicRegistration: options.pullConfiguration !== false } },
      textDocument: {
        completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
      },
    },
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    process: child,
    stderr: () => stderr,
    published,
    messages: () => [...messages],
    nextDiagnostics(uri, version, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; server stderr: ${stderr}`)), timeoutMs);
        waiting.push({ uri, version, resolve: (p) => { clearTimeout(timer); resolve(p); } });
      });
    },
    open(uri, text, version = 1) {
      void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version, text } });
    },
    change(uri, text, version) {
      void connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    async close() {
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      connection.dispose();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
    },
  };
}
