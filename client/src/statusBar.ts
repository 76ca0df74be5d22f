/**
 * A status bar item on Dockerfiles: which stage ships (the build target, else the last
 * stage) and on what, and how many problems the file has; a click opens the Problems
 * panel. The stage comes from the language server (`distroless/shippedStage`).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SHIPPED_STAGE_REQUEST, type ShippedStage } from '../../server/src/protocol';

const UPDATE_DELAY_MS = 300;

export function registerStatusBar(context: vscode.ExtensionContext, client: LanguageClient): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('distroless.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Distroless: shipped stage and problems';
  item.command = { title: 'Show Problems', command: 'workbench.actions.view.problems' };
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;

  const update = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'dockerfile') {
      item.hide();
      return;
    }
    const uri = editor.document.uri;
    const mine = ++generation;
    let stage: ShippedStage | null = null;
    try {
      stage = await client.sendRequest<ShippedStage | null>(SHIPPED_STAGE_REQUEST, { uri: uri.toString() });
    } catch {
      // Server restarting: the next change updates the item.
    }
    if (mine !== generation) return;
    // As the Problems panel counts them: hints are not listed there.
    const problems = vscode.languages.getDiagnostics(uri).filter((d) => d.severity !== vscode.DiagnosticSeverity.Hint);
    const errors = problems.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    const others = problems.length - errors;
    const label = stage ? stageLabel(stage) : 'no stage';
    // No problems on an image nothing is known about means nothing was checked, not a pass.
    const counts = problems.length === 0 ? (stage?.baseKnown === false ? '$(question)' : '$(check)') : `${errors > 0 ? `$(error) ${errors}` : ''}${errors > 0 && others > 0 ? ' ' : ''}${others > 0 ? `$(warning) ${others}` : ''}`;
    item.text = `$(package) ${label} ${counts}`;
    item.tooltip = new vscode.MarkdownString(tooltip(stage, problems.length));
    item.accessibilityInformation = { label: `Ships ${label}; ${problems.length} problem${problems.length === 1 ? '' : 's'}` };
    item.show();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void update(), UPDATE_DELAY_MS);
  };

  context.subscriptions.push(
    item,
    { dispose: () => clearTimeout(timer) },
    vscode.window.onDidChangeActiveTextEditor(schedule),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && e.uris.some((u) => u.toString() === active)) schedule();
    }),
  );
  schedule();
  return item;
}

function stageLabel(stage: ShippedStage): string {
  if (stage.name) return stage.name;
  if (stage.stages === 1) return shortImage(stage.image) ?? 'the only stage';
  return `stage ${stage.index + 1}`;
}

function shortImage(image: string | undefined): string | undefined {
  return image?.replace(/@.*$/, '').split('/').pop();
}

function tooltip(stage: ShippedStage | null, problems: number): string {
  const count = `${problems} problem${problems === 1 ? '' : 's'} in this file. Click to open the Problems panel.`;
  if (!stage) return `No stage found. ${count}`;
  const which = stage.targeted ? `the build target (${escapeMarkdown(stage.targetSource ?? 'target setting')})` : stage.stages === 1 ? 'the only stage' : 'the last stage';
  const name = stage.name ? `**${stage.name}**` : `stage ${stage.index + 1}`;
  const image = stage.image ? ` on \`${stage.image}\`` : '';
  const shell = stage.shellless ? ' (no shell)' : '';
  const unknown = stage.baseKnown === false
    ? `\n\nNothing is known about this base image, so the rules that need its shell or user stay quiet. To make it known: pull it (\`docker pull ${(stage.image ?? '<image>').replace(/`/g, '')}\`), turn on \`distroless.imageFacts.registryLookups\`, or declare it under \`images:\` in .distroless.yaml.`
    : '';
  return `Ships ${name}, ${which} of ${stage.stages}${image}${shell}.${unknown}\n\n${count}`;
}

/** Text read from the project's files, shown as written (no links, no emphasis). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);
}
