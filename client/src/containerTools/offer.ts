/**
 * Offers, once, to point Container Tools' Attach Shell at our sidecar for
 * containers without a shell (containers.commands.attach), with "Never Ask
 * Again"; refreshes the template's paths after an update of this extension if
 * the template is ours; never touches a value the user set.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { ATTACH_SETTING, AttachSettingValue, attachTemplate, CONTAINER_TOOLS_EXTENSION, offerState } from './attachTemplate';

const NEVER_KEY = 'distroless.containerToolsAttach.never';
/** Asked in this window already: "Not Now" means not again until the next window. */
let askedThisSession = false;

export function desiredTemplate(context: vscode.ExtensionContext, image: string): string {
  return attachTemplate({ execPath: process.execPath, cliPath: path.join(context.extensionPath, 'dist', 'cli.js'), image });
}

function current(): AttachSettingValue {
  // Only what the user set globally counts: the default is Container Tools' own.
  return vscode.workspace.getConfiguration().inspect<AttachSettingValue>(ATTACH_SETTING)?.globalValue;
}

/** Writes the template to the user settings; returns the value written. */
export async function applyAttachTemplate(context: vscode.ExtensionContext, image: string): Promise<string> {
  const value = desiredTemplate(context, image);
  await vscode.workspace.getConfiguration().update(ATTACH_SETTING, value, vscode.ConfigurationTarget.Global);
  return value;
}

/** At activation: our own template keeps pointing at this version's CLI after an update. Silent; touches nothing else. */
export async function refreshContainerToolsTemplate(context: vscode.ExtensionContext, image: string): Promise<void> {
  if (process.platform === 'win32') return;
  if (offerState(current(), desiredTemplate(context, image)) === 'ours-stale') await applyAttachTemplate(context, image);
}

/**
 * After a debug shell opened (the moment the user shows they debug shell-less
 * containers): offer once, if Container Tools is installed and its setting is
 * still its default.
 */
export async function maybeOfferContainerToolsAttach(context: vscode.ExtensionContext, image: string): Promise<void> {
  if (process.platform === 'win32') return;
  if (!vscode.extensions.getExtension(CONTAINER_TOOLS_EXTENSION)) return;
  if (askedThisSession || context.globalState.get(NEVER_KEY)) return;
  if (offerState(current(), desiredTemplate(context, image)) !== 'offer') return;
  askedThisSession = true;
  const USE = 'Use Debug Sidecar';
  const NEVER = 'Never Ask Again';
  const choice = await vscode.window.showInformationMessage(
    "Container Tools' Attach Shell fails on containers without a shell (distroless). Let it open the distroless debug sidecar for those (containers with a shell keep docker exec)?",
    USE,
    'Not Now',
    NEVER,
  );
  if (choice === USE) {
    await applyAttachTemplate(context, image);
    void vscode.window.showInformationMessage(`Set ${ATTACH_SETTING} in your user settings; remove it there to undo.`);
  } else if (choice === NEVER) {
    await context.globalState.update(NEVER_KEY, true);
  }
  // "Not Now" or dismissed: asked again in a later window. The command stays either way.
}
