/**
 * "Convert and Verify": the conversion of the active Dockerfile, proven on the local
 * Docker engine before the user applies it. The language server converts (the same
 * request as Convert to Distroless); the build-run-compare is the Docker room's
 * verifyConversion (server/src/docker/verify.ts, shared with `distroless convert
 * --verify`), called here in the extension host on the engine connection the debug
 * sidecar uses. It does not go through the language server: it runs for minutes, is
 * cancelled from a progress notification, and needs the engine settings and workspace
 * trust that only the extension host knows; the language server stays text in, text out.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { OperationCancelledError } from '../../../server/src/docker/errors';
import { formatVerifyReport, verdict, verifyConversion, type VerifyReport } from '../../../server/src/docker/verify';
import { applyConversion, closeDiff, contentProvider, conversionOf, CONVERTED_SCHEME, targetDockerfile } from './convertToDistroless';
import type { CommandContext, CommandDefinition } from './types';
import { readonlyDocuments } from '../readonlyDocuments';
import { diffTitle } from '../conversionSummary';

export const VERIFY_REPORT_SCHEME = 'distroless-verify-report';

/** Programmatic callers (tests) may skip the question and get the report. */
interface VerifyCommandOptions {
  /** false: return the report without opening anything. */
  confirm?: boolean;
  /**
   * false: open the diff and the report as for the user, then return the report without
   * the modal question (VS Code refuses modal dialogs to extension tests).
   */
  ask?: boolean;
}

async function run(context: CommandContext, ...args: unknown[]): Promise<VerifyReport | undefined> {
  const options = (args[1] && typeof args[1] === 'object' ? args[1] : {}) as VerifyCommandOptions;
  const document = await targetDockerfile('Convert and Verify', args[0]);
  if (!document) return undefined;
  const name = path.basename(document.uri.path);
  if (document.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage(`Convert and Verify builds from the Dockerfile's folder on disk; ${name} is not a file on disk. Use Convert to Distroless instead.`);
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    // Building runs the Dockerfile's RUN steps: an untrusted workspace must not choose what runs.
    void vscode.window.showWarningMessage('Convert and Verify builds and runs this Dockerfile on your Docker engine; trust the workspace first, or use Convert to Distroless.');
    return undefined;
  }
  const original = document.getText();
  const version = document.version;
  const result = await conversionOf(context, 'Convert and Verify', document, original);
  if (!result) return undefined;

  const service = await context.sidecar.connectOrReport();
  if (!service) {
    // No engine: say so (connectOrReport did), and still offer the plain conversion.
    void vscode.window.showWarningMessage(`No Docker engine to verify on: showing the conversion of ${name} without verifying it.`);
    await vscode.commands.executeCommand('distroless.convertToDistroless', document.uri);
    return undefined;
  }

  // The text in the editor is what gets verified, saved or not: it is written beside nothing, in a temporary folder.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-verify-original-'));
  let report: VerifyReport;
  try {
    const originalFile = path.join(scratch, name);
    fs.writeFileSync(originalFile, original);
    report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Verifying the conversion of ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await verifyConversion({
            docker: service.docker,
            endpoint: service.endpoint,
            contextDir: path.dirname(document.uri.fsPath),
            dockerfile: originalFile,
            convertedText: result.text,
            probeImage: context.sidecar.settings().image,
            signal: abort.signal,
            onProgress: (message) => {
              if (/^(?:Building|Running)\b/.test(message) || /: (?:Step \d+\/\d+ :|#\d+ \[)/.test(message)) progress.report({ message });
            },
          });
        } finally {
          cancel.dispose();
        }
      },
    );
  } catch (error) {
    if (error instanceof OperationCancelledError) {
      void vscode.window.showInformationMessage('Convert and Verify cancelled; the images and containers it made are removed. The Dockerfile is unchanged.');
      return undefined;
    }
    context.sidecar.reportError(error);
    return undefined;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const proposed = vscode.Uri.from({ scheme: CONVERTED_SCHEME, path: document.uri.path, query: `v=${version}&verify` });
  const reportUri = vscode.Uri.from({ scheme: VERIFY_REPORT_SCHEME, path: `/${name} verify report.txt`, query: `v=${version}` });
  if (options.confirm === false) return report;

  const content = contentProvider(context);
  content.set(proposed, result.text);
  readonlyDocuments(context.extension, VERIFY_REPORT_SCHEME).set(reportUri, `${formatVerifyReport(report)}\nConvert and Verify: ${name} → ${result.runtimeImage}\n`);
  await vscode.commands.executeCommand('vscode.diff', document.uri, proposed, diffTitle(name, original, result.text, result.runtimeImage), { preview: true });
  // The report opens beside the diff, so both are in view when the question comes.
  const reportDocument = await vscode.workspace.openTextDocument(reportUri);
  await vscode.window.showTextDocument(reportDocument, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  if (options.ask === false) return report;

  // A notification, not a dialog: the diff and the report stay readable while it waits.
  // The verdict leads, with its cause; the question comes last.
  const answer = report.verified
    ? await vscode.window.showInformationMessage(`${verdict(report)} (on ${service.endpoint.description}) Apply the conversion to ${name}?`, 'Apply')
    : await vscode.window.showWarningMessage(`${verdict(report)} The report is beside the diff. Apply the conversion to ${name} anyway?`, 'Apply (not verified)');
  content.delete(proposed);
  await closeDiff(proposed);
  if (!answer) return report;
  if (document.version !== version) {
    void vscode.window.showWarningMessage('The Dockerfile changed while the conversion was verified; run Convert and Verify again.');
    return report;
  }
  await applyConversion(document, original, result.text);
  return report;
}

export const convertAndVerifyCommand: CommandDefinition = {
  id: 'distroless.convertAndVerify',
  run,
};
