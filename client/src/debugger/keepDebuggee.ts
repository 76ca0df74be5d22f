/**
 * Closing a debug session that Attach Debugger started must leave the target
 * running. VS Code ends an attach session with Stop (the toolbar's alternative
 * to Disconnect, Shift+F5, vscode.debug.stopDebugging) by a DAP `disconnect`
 * with terminateDebuggee: true, and the adapters act on it:
 * - JavaScript Debugger (js-debug, NodeAttacher.terminate) runs killTree on the
 *   pid the debuggee reports (`process.pid`), on the editor's machine. In a
 *   container that is its PID inside the container, usually 1: js-debug SIGKILLs
 *   every process under the editor machine's PID 1 it may signal, until it
 *   reaches itself.
 * - Delve (dlv-dap) kills the process it attached to.
 * Kept free of vscode so the rule has a plain unit test.
 */

/** Turns terminateDebuggee off in a DAP `disconnect` request, in place; true when it changed the message. */
export function keepDebuggeeOnDisconnect(message: unknown): boolean {
  const m = message as { type?: unknown; command?: unknown; arguments?: { terminateDebuggee?: unknown } } | null;
  if (!m || m.type !== 'request' || m.command !== 'disconnect' || m.arguments?.terminateDebuggee !== true) return false;
  m.arguments.terminateDebuggee = false;
  return true;
}

interface SessionLike {
  readonly configuration: { readonly [key: string]: unknown };
  readonly parentSession?: SessionLike;
}

/** Whether the session, or one it descends from (js-debug runs the target in a child session), is one Attach Debugger started. */
export function startedByAttachDebugger(session: SessionLike | undefined): boolean {
  for (let s = session; s; s = s.parentSession) {
    if (typeof s.configuration['distrolessSession'] === 'string') return true;
  }
  return false;
}
