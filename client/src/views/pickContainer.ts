/** The command-palette path: pick one of the engine's running containers. */
import * as vscode from 'vscode';
import type { DockerService } from '../../../server/src/docker';
import type { SidecarFeatures } from '../sidecarFeatures';
import { containerRefFromArg } from './commandTarget';
import { NO_SHELL_MARK } from './containerItems';

/** The container a command was invoked on, or one the user picks; undefined when they cancel. */
export async function targetFromArgOrPick(features: SidecarFeatures, svc: DockerService, arg: unknown, title: string): Promise<string | undefined> {
  return containerRefFromArg(arg) ?? pickRunningContainer(features, svc, title);
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
