/**
 * The "Distroless" output channel: engine discovery, image reads (the language
 * server logs there too), sidecars, pulls, conversions. Every error notification
 * carries a Show Log button; the notification says in one line what went wrong,
 * the log keeps the raw text (kubectl's stderr, the engine's answer).
 */
import * as vscode from 'vscode';

export const CHANNEL_NAME = 'Distroless';
export const SHOW_LOG = 'Show Log';
/** Longest notification text before it is cut (the rest is in the log). */
const SUMMARY_MAX = 200;

let channel: vscode.LogOutputChannel | undefined;

export function createLog(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel(CHANNEL_NAME, { log: true });
  context.subscriptions.push(channel, { dispose: () => (channel = undefined) });
  return channel;
}

export const log = {
  info: (message: string) => channel?.info(message),
  warn: (message: string) => channel?.warn(message),
  error: (message: string) => channel?.error(message),
};

export function showLog(): void {
  channel?.show(true);
}

/** The first line of a long or multi-line error, cut to fit a notification. */
export function summarize(text: string, max = SUMMARY_MAX): string {
  const first = text.trim().split(/\r?\n/)[0] ?? '';
  return first.length <= max ? first : `${first.slice(0, max - 1)}…`;
}

/**
 * Shows `summary` as an error notification with `actions` and Show Log, after writing
 * the raw text (when different) to the log. Resolves with the chosen action, or
 * undefined when the user dismissed it or chose Show Log (which opens the log).
 */
export async function showError(summary: string, options: { raw?: string; actions?: string[] } = {}): Promise<string | undefined> {
  const raw = options.raw?.trim();
  log.error(raw && raw !== summary ? `${summary}\n${raw}` : summary);
  const choice = await vscode.window.showErrorMessage(summary, ...(options.actions ?? []), SHOW_LOG);
  if (choice === SHOW_LOG) {
    showLog();
    return undefined;
  }
  return choice;
}
