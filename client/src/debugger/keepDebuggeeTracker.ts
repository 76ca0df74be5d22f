import * as vscode from 'vscode';
import { keepDebuggeeOnDisconnect, startedByAttachDebugger } from './keepDebuggee';

/**
 * Every way of ending an Attach Debugger session (Stop, Disconnect, the target
 * stopping, Stop in the Containers view) leaves the target running: the
 * `disconnect` VS Code sends to the session's adapters goes with
 * terminateDebuggee off (see keepDebuggee.ts for what the adapters do otherwise).
 * A tracker sees each message before the adapter does and hands the same
 * object on, so the change reaches the adapter.
 */
export function registerKeepDebuggee(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => (startedByAttachDebugger(session) ? { onWillReceiveMessage: (message: unknown) => void keepDebuggeeOnDisconnect(message) } : undefined),
    }),
  );
}
