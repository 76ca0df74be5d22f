/** The command-palette path: pick one of the engine's running containers. */
import * as vscode from 'vscode';
import { TargetNotRunningError, type DockerService, type TargetInfo } from '../../../server/src/docker';
import type { SidecarFeatures } from '../sidecarFeatures';
import { containerRefFromArg } from './commandTarget';
import { NO_SHELL_MARK } from './containerItems';

/** The container a command was invoked on, or one the user picks; undefined when they cancel. */
export async function targetFromArgOrPick(features: SidecarFeatures, svc: DockerService, arg: unknown, title: string): Promise<string | undefined> {
  return containerRefFromArg(arg) ?? pickRunningContainer(features, svc, title);
}

/**
 * The start every container command shares: connect (or report why not), the container
 * it was invoked on or one the user picks, checked running before anything is pulled or
 * started; then `act`. An error from any step, `act` included, is reported once.
 * Undefined when the user cancels, the engine is unreachable or an error was reported.
 */
export async function withRunningTarget<T>(
  features: SidecarFeatures,
  arg: unknown,
  title: string,
  act: (svc: DockerService, target: TargetInfo) => Promise<T | undefined>,
): Promise<T | undefined> {
  const svc = await features.connectOrReport();
  if (!svc) return undefined;
  try {
    const ref = await targetFromArgOrPick(features, svc, arg, title);
    if (!ref) return undefined;
    const target = await svc.inspectTarget(ref);
    if (!target.running) throw new TargetNotRunningError(target.name, target.state);
    return await act(svc, target);
  } catch (err) {
    features.reportError(err);
    return undefined;
  }
}

export async function pickRunningContainer(features: SidecarFeatures, svc: DockerService, title: string): Promise<string | undefined> {
  const running = (await svc.listContainers({ all: false })).filter((c) => c.running && !c.isSidecar);
  if (running.length === 0) {
    void vscode.window.showInformationMessage(`No running containers on ${svc.endpoint.description}. Start one, then try again.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    running
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => ({
        label: c.name,
        description: [features.source.knownShell(c.id) === false ? NO_SHELL_MARK : undefined, c.image].filter(Boolean).join(' · '),
        detail: `${c.id.slice(0, 12)} · ${c.status}`,
        id: c.id,
      })),
    { title, placeHolder: 'Running container to debug', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.id;
}
