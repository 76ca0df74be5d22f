/**
 * The GitHub Action (action.yml at the repository root; bundled to dist/action.js):
 * `distroless lint` with the step's inputs, as the runner hands them over (INPUT_<NAME>
 * variables), then what a workflow run shows: an annotation per finding
 * (`::error file=…,line=…,col=…,title=<rule>::<headline>`), a job summary (a table of
 * findings and, where `convert` applies, the converted Dockerfile as a diff) and the
 * step outputs `findings` and `results-file` ($GITHUB_OUTPUT).
 * Workflow commands and files: docs.github.com/actions/reference/workflow-commands-for-github-actions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { convert, headlineOf, ruleDocUrl, SEVERITIES, parseSeverity, type Severity } from '../engine';
import { describeErrno, FileWriteError, writeFileAtomic } from '../host/atomicWrite';
import { analysisOptions, ConfigError, findConfigFile, readConfigFile, type DistrolessConfig } from '../host/config';
import { buildTargetFor } from '../host/buildTargets';
import { diskWorkspace } from '../host/workspaceFiles';
import { lintCommand } from './commands/lint';
import { ExitCode, type CliIo } from './commands/types';
import { FORMATS, type FileReport, type Report } from './report';
import { reportInternalError } from './internalError';
import { withoutHelpHint } from './args';
import { unifiedDiff } from './unifiedDiff';

export interface ActionInputs {
  dockerfile: string[];
  config?: string;
  format: string;
  outputFile?: string;
  failureThreshold: string;
  baseline?: string;
  noFail: boolean;
}

/** An input as the runner passes it: INPUT_ + the name in upper case, spaces as `_` (hyphens kept). */
function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs | string {
  const format = input(env, 'format') || 'sarif';
  if (!(FORMATS as readonly string[]).includes(format)) return `format: "${format}" is not one of ${FORMATS.join(', ')}.`;
  const failureThreshold = input(env, 'failure-threshold') || 'warning';
  if (failureThreshold !== 'none' && !parseSeverity(failureThreshold)) return `failure-threshold: "${failureThreshold}" is not one of ${SEVERITIES.join(', ')}, none.`;
  const noFail = input(env, 'no-fail') || 'false';
  if (!/^(true|false)$/i.test(noFail)) return `no-fail: "${noFail}" is not true or false.`;
  // One path or glob per line (a YAML block), so names with spaces need no quoting.
  const dockerfile = input(env, 'dockerfile').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return {
    dockerfile: dockerfile.length > 0 ? dockerfile : ['.'],
    config: input(env, 'config') || undefined,
    format,
    outputFile: input(env, 'output-file') || undefined,
    failureThreshold,
    baseline: input(env, 'baseline') || undefined,
    noFail: noFail.toLowerCase() === 'true',
  };
}

// ---- workflow commands ----

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const ANNOTATION: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** Paths as the repository names them: relative to the workspace, with `/`. */
function repoPath(workspace: string, file: FileReport): string {
  if (!file.file) return file.display;
  const relative = path.relative(workspace, file.file);
  return (relative.startsWith('..') || path.isAbsolute(relative) ? file.file : relative).split(path.sep).join('/');
}

export function annotations(report: Report, workspace: string): string {
  const lines: string[] = [];
  for (const file of report.files) {
    const where = repoPath(workspace, file);
    for (const d of file.diagnoses) {
      const properties = [
        `file=${escapeProperty(where)}`,
        `line=${d.range.start.line + 1}`,
        `col=${d.range.start.character + 1}`,
        `endLine=${d.range.end.line + 1}`,
        ...(d.range.end.line === d.range.start.line ? [`endColumn=${d.range.end.character + 1}`] : []),
        `title=${escapeProperty(d.ruleId)}`,
      ];
      lines.push(`::${ANNOTATION[d.severity]} ${properties.join(',')}::${escapeData(headlineOf(d.message))}`);
    }
  }
  for (const problem of report.errors) lines.push(`::error title=distroless::${escapeData(problem.message)}`);
  return lines.map((l) => `${l}\n`).join('');
}

// ---- job summary ----

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** GitHub shows at most 1 MiB of summary per step: long diffs are cut well before that. */
const MAX_DIFF_LINES = 400;
const MAX_TABLE_ROWS = 500;

/** `configFile`: the `config` input (absolute), which lint used for every Dockerfile instead of the one found above it. */
function convertedDiff(file: FileReport, where: string, configFile?: string): string | undefined {
  if (!file.file || file.text === undefined) return undefined;
  const folder = path.dirname(file.file);
  let config: DistrolessConfig;
  try {
    configFile ??= findConfigFile(folder);
    config = configFile ? readConfigFile(configFile) : {};
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return undefined;
  }
  // The options `distroless convert` builds for this file, so the diff is what that command writes.
  const buildTarget = config.target ? undefined : buildTargetFor(file.file)?.target;
  const result = convert(file.text, analysisOptions(config, {}, { workspace: diskWorkspace(folder), buildTarget }));
  if (!result.ok || !result.changed) return undefined;
  const diff = unifiedDiff(file.text, result.text, where);
  if (!diff) return undefined;
  const lines = diff.replace(/\r$/gm, '').replace(/\n$/, '').split('\n');
  const shown = lines.length > MAX_DIFF_LINES ? [...lines.slice(0, MAX_DIFF_LINES), `… ${lines.length - MAX_DIFF_LINES} more lines: run distroless convert ${where}`] : lines;
  // A fence longer than any run of backticks in the Dockerfile, so none can close it.
  const fence = '`'.repeat(Math.max(3, ...shown.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length + 1)))));
  return `<details><summary>Converted to ${cell(result.runtimeImage)}: <code>${cell(where)}</code> (<code>distroless convert --write ${cell(where)}</code>)</summary>\n\n${fence}diff\n${shown.join('\n')}\n${fence}\n\n</details>\n`;
}

export function summary(report: Report, workspace: string, inputs: Pick<ActionInputs, 'failureThreshold'> & { configFile?: string }): string {
  const findings = report.files.flatMap((file) => file.diagnoses.map((d) => ({ where: repoPath(workspace, file), d })));
  const out: string[] = ['## distroless lint', ''];
  const counts = SEVERITIES.map((s) => [s, findings.filter((f) => f.d.severity === s).length] as const).filter(([, n]) => n > 0);
  out.push(findings.length === 0
    ? `No findings in ${report.files.length} ${report.files.length === 1 ? 'Dockerfile' : 'Dockerfiles'}.`
    : `${findings.length} ${findings.length === 1 ? 'finding' : 'findings'} in ${report.files.length} ${report.files.length === 1 ? 'Dockerfile' : 'Dockerfiles'} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')}); failure threshold: ${inputs.failureThreshold}.`, '');
  if (findings.length > 0) {
    out.push('| File | Line | Severity | Rule | Finding |', '| --- | ---: | --- | --- | --- |');
    for (const { where, d } of findings.slice(0, MAX_TABLE_ROWS)) {
      out.push(`| \`${cell(where)}\` | ${d.range.start.line + 1} | ${d.severity} | [${d.ruleId}](${ruleDocUrl(d.ruleId)}) | ${cell(headlineOf(d.message))} |`);
    }
    if (findings.length > MAX_TABLE_ROWS) out.push('', `… and ${findings.length - MAX_TABLE_ROWS} more (see the results file).`);
    out.push('');
  }
  if (report.errors.length > 0) {
    out.push('**Not linted:**', '', ...report.errors.map((e) => `- ${cell(e.message)}`), '');
  }
  const diffs = report.files.map((file) => convertedDiff(file, repoPath(workspace, file), inputs.configFile)).filter((d): d is string => d !== undefined);
  if (diffs.length > 0) out.push('### Converted to distroless', '', ...diffs);
  return `${out.join('\n')}\n`;
}

// ---- the step ----

/** `name=value` lines, or the delimited form for a value with a line break. */
function outputLine(name: string, value: string): string {
  if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
  const delimiter = `distroless_${Math.random().toString(36).slice(2)}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

export async function runAction(io: CliIo): Promise<number> {
  const inputs = readInputs(io.env);
  if (typeof inputs === 'string') {
    io.stdout.write(`::error title=distroless::${escapeData(inputs)}\n`);
    return ExitCode.usage;
  }
  const workspace = io.env.GITHUB_WORKSPACE || io.cwd;
  const argv = ['--format', inputs.format, '--failure-threshold', inputs.failureThreshold];
  if (inputs.config) argv.push('--config', inputs.config);
  if (inputs.baseline) argv.push('--baseline', inputs.baseline);
  argv.push(...inputs.dockerfile);

  const chunks: Buffer[] = [];
  let said = '';
  let report: Report | undefined;
  const code = await lintCommand.run(argv, {
    ...io,
    stdout: { write: (chunk: string | Buffer) => (chunks.push(Buffer.from(chunk)), true) } as unknown as CliIo['stdout'],
    // Passed on to the log, and kept: a refusal before any file is linted has no report to annotate from.
    stderr: { write: (chunk: string | Buffer) => ((said += chunk.toString()), io.stderr.write(chunk)) } as unknown as CliIo['stderr'],
    report: (r) => {
      report = r;
    },
  });
  // Stale baseline entries: one notice, with the entries listed under it.
  for (const block of said.split(/\n(?! {2})/).filter((b) => b.startsWith('distroless lint: information: '))) {
    io.stdout.write(`::notice title=distroless baseline::${escapeData(block.slice('distroless lint: information: '.length).trimEnd())}\n`);
  }
  if (!report && code === ExitCode.usage) {
    for (const line of said.split('\n').filter((l) => l.startsWith('distroless lint: '))) io.stdout.write(`::error title=distroless::${escapeData(withoutHelpHint(line, 'lint').slice('distroless lint: '.length))}\n`);
  }
  const output = Buffer.concat(chunks);
  let resultsFile = '';
  if (inputs.outputFile) {
    resultsFile = path.resolve(io.cwd, inputs.outputFile);
    try {
      fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
      writeFileAtomic(resultsFile, output, inputs.outputFile);
    } catch (error) {
      const message = error instanceof FileWriteError ? error.message : `${inputs.outputFile}: cannot create its folder (${describeErrno((error as NodeJS.ErrnoException).code).cause}). Nothing was written.`;
      io.stdout.write(`::error title=distroless::${escapeData(`output-file: ${message}`)}\n`);
      return ExitCode.usage;
    }
  } else {
    io.stdout.write(output);
  }
  const findings = report ? report.files.reduce((n, f) => n + f.diagnoses.length, 0) : 0;
  if (report) {
    io.stdout.write(annotations(report, workspace));
    if (io.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(io.env.GITHUB_STEP_SUMMARY, summary(report, workspace, { ...inputs, configFile: inputs.config ? path.resolve(io.cwd, inputs.config) : undefined }));
  }
  if (io.env.GITHUB_OUTPUT) {
    fs.appendFileSync(io.env.GITHUB_OUTPUT, outputLine('findings', String(findings)) + outputLine('results-file', resultsFile ? path.relative(workspace, resultsFile) || resultsFile : ''));
  }
  if (code === ExitCode.negative) {
    if (inputs.noFail) return ExitCode.ok;
    io.stdout.write(`::error title=distroless::${escapeData(`findings at or above the failure threshold (${inputs.failureThreshold}); see the annotations and the job summary`)}\n`);
  }
  return code;
}

if (require.main === module) {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
  runAction(io)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.exitCode = reportInternalError(error, io);
    });
}
