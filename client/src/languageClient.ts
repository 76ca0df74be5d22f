/** Starts the bundled language server over IPC for Dockerfiles. */
import * as path from 'path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

export function createLanguageClient(context: ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'dockerfile' }],
    synchronize: {
      configurationSection: 'distroless',
      // The server re-checks open Dockerfiles when a project configuration file changes.
      fileEvents: workspace.createFileSystemWatcher('**/.distroless.{json,yaml,yml}'),
    },
  };
  return new LanguageClient('distroless', 'Distroless Dockerfiles', serverOptions, clientOptions);
}
