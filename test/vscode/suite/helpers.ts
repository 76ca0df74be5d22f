/** What the extension tests share: fixtures, waiting on VS Code's events, reading our diagnostics. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import * as vscode from 'vscode';
import type { DistrolessApi } from '../../../client/src/extension';
import { findEngine } from '../../docker/engine';
import { onStreamLines } from '../../../server/src/docker/engineEvents';

export const EXTENSION_ID = 'distroless-tools.distroless-vscode';
export const SOURCE = 'distroless';
/** Long enough for a cold language server on a 2-core CI machine, short enough to fail before mocha's own timeout. */
export const EVENT_TIMEOUT_MS = 20_000;

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder (test/vscode/workspace or a copy of it)');
  return folder.uri.fsPath;
}

let copies = 0;

/**
 * A fresh copy of a fixture under the workspace's .scratch/ folder, so tests can
 * edit and save without changing the fixtures or depending on each other's order.
 * It stays inside the workspace folder so that workspace settings apply to it.
 */
export function fixtureCopy(relativePath: string): vscode.Uri {
  const root = workspaceRoot();
  const source = path.join(root, relativePath);
  assert.ok(fs.existsSync(source), `fixture ${relativePath} is missing from ${root}`);
  copies++;
  const target = path.join(root, '.scratch', `${process.pid}-${copies}`, relativePath);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(source, target);
  return vscode.Uri.file(target);
}

export function fixtureText(relativePath: string): string {
  return fs.readFileSync(path.join(workspaceRoot(), relativePath), 'utf8');
}

/** Resolves with the first event that satisfies `accept`; rejects after `timeoutMs` with `what` in the message. */
export function nextEvent<T>(event: vscode.Event<T>, accept: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const subscription = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** Our diagnostics for `uri` (other extensions' and syntax checks' left out). */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** The rule id a diagnostic carries; VS Code turns code + codeDescription into `{ value, target }`. */
export function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function rulesOf(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics.map(ruleOf).filter((r): r is string => r !== undefined).sort();
}

/**
 * Waits until our diagnostics for `uri` satisfy `predicate`, checking now and on
 * every diagnostics change, so it never sleeps and never misses a publish that
 * happened before the call. Rejects after `timeoutMs`, naming what it last saw.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (ours: vscode.Diagnostic[]) => boolean,
  timeoutMs: number = EVENT_TIMEOUT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    const check = (): boolean => {
      const ours = ourDiagnostics(uri);
      if (!predicate(ours)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(ours);
      return true;
    };
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for diagnostics on ${uri.fsPath}; last seen: ${JSON.stringify(rulesOf(ourDiagnostics(uri)))}`));
    }, timeoutMs);
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === key)) check();
    });
    check();
  });
}

/**
 * Waits until our diagnostics for `uri` include (or, with `present` false, no longer
 * include) `ruleId`. Tests name the rule they are about rather than every rule that
 * fires, so that a new rule in the catalogue does not break them.
 */
export function waitForRule(uri: vscode.Uri, ruleId: string, present = true, timeoutMs?: number): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, (ours) => rulesOf(ours).includes(ruleId) === present, timeoutMs);
}

/** The diagnostic of `ruleId` among `diagnostics`; fails naming what there was. */
export function diagnosticOf(diagnostics: readonly vscode.Diagnostic[], ruleId: string): vscode.Diagnostic {
  const found = diagnostics.find((d) => ruleOf(d) === ruleId);
  assert.ok(found, `a ${ruleId} diagnostic among ${rulesOf(diagnostics).join(', ') || 'none'}`);
  return found;
}

export async function openDockerfile(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}

/** Saves and closes everything, so that no test leaves a dirty editor (and a save prompt) to the next. */
export async function closeAllEditors(): Promise<void> {
  await vscode.workspace.saveAll(false);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export async function quickFixesAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
    'vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value,
  );
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'kind' in a || 'edit' in a || 'diagnostics' in a);
}

export async function applyAction(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit, `"${action.title}" carries a WorkspaceEdit, not only a command`);
  assert.equal(await vscode.workspace.applyEdit(action.edit), true, `VS Code applied "${action.title}"`);
}

/** The extension's exports (activating it if needed): what tests read the containers view through. */
export async function extensionApi(): Promise<DistrolessApi> {
  const extension = vscode.extensions.getExtension<DistrolessApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const api = await extension.activate();
  assert.ok(api?.containersView, 'activate() returns the containers view provider');
  return api;
}

/**
 * The Docker engine (the product's own resolution: DOCKER_HOST, context, default
 * sockets), or the test is skipped with the reason. Under CI=true a missing engine
 * fails instead: CI starts one, so its absence means the setup broke. The
 * extension host inherits the server's environment, so CI reaches it in both runners.
 */
export async function engineOrSkip(test: Mocha.Context): Promise<Docker> {
  const engine = await findEngine();
  if (!(engine instanceof Error)) return engine.docker;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but no Docker engine is available (start one with: bash .ci/docker-engine.sh start): ${engine.message}`);
  }
  // mocha's skip() takes no reason; the title is what the runners print for a skipped test.
  if (test.currentTest) test.currentTest.title += ` (skipped: no Docker engine: ${engine.message})`;
  else if (test.test) test.test.title += ` (skipped: no Docker engine: ${engine.message})`;
  return test.skip();
}

/** One event of the engine's `GET /events` stream (the fields the tests read). */
export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
}

export interface EngineEventWatch extends vscode.Disposable {
  /** Resolves with the first event since the watch began that satisfies `accept`; rejects after `timeoutMs`. */
  next(accept: (event: EngineEvent) => boolean, timeoutMs: number, what: string): Promise<EngineEvent>;
}

/**
 * Follows the engine's events from now on, so a test can wait for a container to
 * start or go away without polling. Start it before the action that causes the
 * event: events are remembered from then, so none is missed by subscribing late.
 */
export async function watchEngine(docker: Docker, filters: Record<string, string[]>): Promise<EngineEventWatch> {
  const abort = new AbortController();
  const stream = (await docker.getEvents({ filters, abortSignal: abort.signal } as Docker.GetEventsOptions)) as NodeJS.ReadableStream;
  const seen: EngineEvent[] = [];
  const waiters = new Set<(event: EngineEvent) => void>();
  onStreamLines(stream, (line) => {
    const event = JSON.parse(line) as EngineEvent;
    seen.push(event);
    for (const waiter of [...waiters]) waiter(event);
  });
  // Aborting on dispose ends the stream with an error nobody needs to see.
  stream.on('error', () => undefined);
  return {
    next(accept, timeoutMs, what) {
      const earlier = seen.find(accept);
      if (earlier) return Promise.resolve(earlier);
      return new Promise((resolve, reject) => {
        const waiter = (event: EngineEvent): void => {
          if (!accept(event)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(event);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for the engine to report ${what}; it reported: ${seen.map((e) => `${e.Type} ${e.Action} ${e.Actor.ID.slice(0, 12)}`).join(', ') || 'nothing'}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    dispose() {
      abort.abort();
    },
  };
}

/** Containers made by the extension tests carry this label, not the docker tests' own, so neither run's cleanup removes the other's. */
export const VSCODE_TEST_LABEL = 'io.distroless.test.vscode';

/**
 * A name prefix unique to this extension host: other runs (other worktrees, the
 * desktop and browser runners) may share the engine, and cleanup goes by prefix.
 */
export function containerPrefix(test: string): string {
  return `distroless-vscode-${test}-${process.pid}`;
}
