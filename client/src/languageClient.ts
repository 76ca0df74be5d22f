/** Starts the bundled language server over IPC for Dockerfiles. */
import * as path from 'path';
import { workspace, type ExtensionContext, type OutputChannel } from 'vscode';
import { CLIENT_CONVERT_COMMAND, CLIENT_SHOW_RULE_DOCUMENTATION_COMMAND } from '../../server/src/protocol';
import { DidChangeConfigurationNotification, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { sectionUnderTrust } from './settings/sidecarSettings';

/** `log` is the Distroless output channel: the server's own log (image reads, failures) goes there too. */
export function createLanguageClient(context: ExtensionContext, log?: OutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'dockerfile' }],
    middleware: {
      workspace: {
        // Local image reading follows workspace trust (settings/sidecarSettings.ts).
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          return Array.isArray(answer) ? answer.map((section, i) => (params.items[i]?.section === 'distroless' ? sectionUnderTrust(section, workspace.isTrusted) : section)) : answer;
        },
      },
    },
    outputChannel: log,
    // Code actions name these commands only when the client runs them itself: Convert shows
    // its diff first, and the rule documentation opens from the extension in Markdown preview.
    initializationOptions: { clientCommands: [CLIENT_CONVERT_COMMAND, CLIENT_SHOW_RULE_DOCUMENTATION_COMMAND] },
    synchronize: {
      configurationSection: 'distroless',
      // The server re-checks open Dockerfiles when a project configuration file or a
      // file the rules read beside a Dockerfile changes; it keeps what it read until then.
      fileEvents: [
        workspace.createFileSystemWatcher('**/.distroless.{json,yaml,yml}'),
        workspace.createFileSystemWatcher('**/{package.json,go.mod,Cargo.toml,pom.xml,build.gradle,build.gradle.kts,requirements.txt,pyproject.toml,*.csproj,*.fsproj,*.go,*.rs}'),
        // Build files that name the stage that ships (host/buildTargets).
        workspace.createFileSystemWatcher('**/{compose,docker-compose}{,.override}.{yaml,yml}'),
        workspace.createFileSystemWatcher('**/{docker-bake{,.override}.{hcl,json},skaffold.{yaml,yml}}'),
        workspace.createFileSystemWatcher('**/.github/workflows/*.{yaml,yml}'),
      ],
    },
  };
  const client = new LanguageClient('distroless', 'Distroless Dockerfiles', serverOptions, clientOptions);
  // Trust granted: the server asks for its settings again, now with local image reading as set.
  context.subscriptions.push(workspace.onDidGrantWorkspaceTrust(() => {
    if (client.isRunning()) void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }));
  return client;
}
