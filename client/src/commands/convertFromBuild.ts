/**
 * "Convert from Build…": the conversion grounded in the built image, as `distroless
 * convert --build`. The extension host builds the original and reads the image with
 * the shared Docker code (server/src/docker/imageEvidence.ts: engine API build, a
 * created and never-started container, the archive API), on the engine connection the
 * debug sidecar uses; the language server converts with that evidence (the
 * `distroless/convert` request's `grounded`), since only it may reach the engine room.
 * Progress with Cancel; the build output goes to the Distroless log; the image and
 * container the build made are removed; the result opens as Convert to Distroless's diff.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { OperationCancelledError } from '../../../server/src/docker/errors';
import { BuildFailedError, evidenceFromBuild, type ImageEvidence } from '../../../server/src/docker/imageEvidence';
import { conversionOf, propose, targetDockerfile } from './convertToDistroless';
import { log } from '../log';
import type { CommandContext, CommandDefinition } from './types';

async function run(context: CommandContext, ...args: unknown[]): Promise<ImageEvidence | undefined> {
  const title = 'Convert from Build';
  const document = await targetDockerfile(title, args[0]);
  if (!document) return undefined;
  const name = path.basename(document.uri.path);
  if (document.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage(`${title} builds from the Dockerfile's folder on disk; ${name} is not a file on disk. Use Convert to Distroless instead.`);
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    // Building runs the Dockerfile's RUN steps: an untrusted workspace must not choose what runs.
    void vscode.window.showWarningMessage(`${title} builds this Dockerfile on your Docker engine; trust the workspace first, or use Convert to Distroless.`);
    return undefined;
  }
  if (document.isDirty && !(await document.save())) {
    // The engine builds what is on disk: the converted text must be of the same file.
    void vscode.window.showWarningMessage(`${title}: save ${name} first; the engine builds the file on disk.`);
    return undefined;
  }
  const service = await context.sidecar.connectOrReport();
  if (!service) return undefined;

  let evidence: ImageEvidence;
  try {
    evidence = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Building ${name} to convert it`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await evidenceFromBuild(service.docker, {
            contextDir: path.dirname(document.uri.fsPath),
            dockerfile: name,
            signal: abort.signal,
            cli: { args: service.endpoint.cliArgs },
            onOutput: (line) => {
              log.info(`${title} ${name}: ${line}`);
              if (/^(?:Building|Reading|Step \d+\/\d+ :)/.test(line)) progress.report({ message: line });
            },
          });
        } finally {
          cancel.dispose();
        }
      },
    );
  } catch (error) {
    if (error instanceof OperationCancelledError) {
      void vscode.window.showInformationMessage(`${title} cancelled; the image and container it made are removed. ${name} is unchanged.`);
      return undefined;
    }
    if (error instanceof BuildFailedError) {
      log.info(`${title} ${name}: the build failed: ${error.message}`);
      void vscode.window.showWarningMessage(`${name} does not build, so there is nothing to read: ${error.message}. The build output is in the Distroless log.`);
      return undefined;
    }
    context.sidecar.reportError(error);
    return undefined;
  }
  const original = document.getText();
  const result = await conversionOf(context, title, document, original, evidence);
  if (result) await propose(context, document, original, document.version, result);
  return evidence;
}

export const convertFromBuildCommand: CommandDefinition = {
  id: 'distroless.convertFromBuild',
  run,
};
