import * as vscode from 'vscode';
import type { CommandDefinition } from './types';

/**
 * Opens a forwarded port in the browser. Through asExternalUri, so when the
 * extension runs on a remote host (Remote-SSH, Codespaces) VS Code forwards
 * the local end to the user's machine too, and that forward shows in its Ports view.
 */
export const openForwardedPortCommand: CommandDefinition = {
  id: 'distroless.openForwardedPort',
  async run({ sidecar }, node) {
    const id = (node as { sessionId?: unknown } | undefined)?.sessionId;
    const session = typeof id === 'string' ? sidecar.sessions.get(id) : undefined;
    if (session?.kind !== 'forward') return undefined;
    const host = session.forward.localAddress === '0.0.0.0' ? '127.0.0.1' : session.forward.localAddress;
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(`http://${host}:${session.forward.localPort}/`));
    await vscode.env.openExternal(external);
    return external.toString();
  },
};
