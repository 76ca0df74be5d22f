/** `distroless lint`: the rules over Dockerfiles, as text, JSON, SARIF, GitLab Code Quality or checkstyle; `--fix` applies the safe fixes; a baseline (baseline.ts) keeps only new findings. */
import { terminalText } from '../terminalText';
import * as fs from 'fs';
import * as path from 'path';
import { fixAll, type AnalysisOptions, type Diagnosis, type Severity, type WorkspaceFiles } from '../../engine';
import { analysisOptions, ConfigCache, ConfigError, DistrolessConfig, readConfigFile } from '../../host/config';
import { buildTargetsOfRun } from '../../host/buildTargets';
import { diskWorkspace } from '../../host/workspaceFiles';
import { assertEditable, collectDockerfiles, decodeDockerfile, encodeDockerfile, InputError, readDockerfileSource, type DockerfileSource } from '../files';
import { FileWriteError, writeFileAtomic } from '../../host/atomicWrite';
import { Format, FORMATS, InputProblem, render, Report } from '../report';
import { applyBaselines, describeStale, writeBaseline } from '../baseline';
import { SEVERITIES, atOrAbove, parseSeverity } from '../../engine';
import { version } from '../../../../package.json';
import { CliCommand, CliIo, ExitCode } from './types';
import { readCommandLine, UsageError, type CommandLine, type ParsedLine } from '../args';
import { cliImageFacts, lookUpImages, type ImageLookup } from '../imageFacts';

const USAGE = `Usage: distroless lint [options] <file | folder | glob>...
       distroless lint [options] --stdin [--stdin-filename <path>]

Checks Dockerfiles against the distroless rules. Folders are searched for
Dockerfile, Containerfile, *.Dockerfile and Dockerfile.* files; quote glob
patterns ('services/**/Dockerfile*') so every shell passes them unchanged.

Options:
  -f, --format <format>           text (default), json, sarif (GitHub code
                                  scanning), gitlab (GitLab Code Quality) or
                                  checkstyle (reviewdog).
      --fix                       Apply every safe fix in place (the editor's
                                  fix-all), then report what remains. With
                                  --stdin, print the fixed Dockerfile to stdout
                                  and the report to stderr.
      --failure-threshold <level> Exit with 1 when a finding is at or above this
                                  level: error, warning (default), information,
                                  hint, or none (never). --severity is the same.
      --baseline <file>           Report only findings the baseline does not record
                                  (default: the configuration's baseline key).
      --write-baseline <file>     Record every finding in <file> and exit 0.
      --target <stage>            The build stage that ships (docker build --target).
      --no-image-inspect          Do not read base images from the local Docker
                                  engine; use the built-in table only.
      --registry-lookups          For base images not on the local engine, read
                                  their manifest and config from the registry
                                  (network; never layers). Off by default.
      --registry-redirect-host <host[:port]>
                                  Also follow a registry's redirects and token
                                  realm to this host (repeatable); others are
                                  refused.
  -c, --config <file>             Use this configuration file instead of looking
                                  for .distroless.json/.yaml/.yml above each Dockerfile.
      --stdin                     Read one Dockerfile from standard input.
      --stdin-filename <path>     Name standard input in the report and look for
                                  the configuration from its folder.

Exit codes: 0 nothing at or above --failure-threshold, 1 findings at or above
it, 2 bad usage, unreadable input, an invalid configuration or baseline file.
Documentation: docs/cli.md.`;

interface LintArgs {
  format: Format;
  fix: boolean;
  severity: Severity | 'none';
  baseline?: string;
  writeBaseline?: string;
  target?: string;
  config?: string;
  stdin: boolean;
  stdinFilename?: string;
  inputs: string[];
  imageInspect: boolean;
  registryLookups: boolean;
  registryRedirectHosts: string[];
}

/** `host`, `*.domain`, `[ipv6]`, each with an optional `:port`. */
const REDIRECT_HOST = /^(?:\*\.)?(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export const LINT_LINE: CommandLine = {
  command: 'lint',
  usage: USAGE,
  afterDashDash: 'operands',
  options: [
    { name: 'format', short: 'f', value: '<format>' },
    { name: 'fix' },
    { name: 'failure-threshold', aliases: ['severity'], value: '<level>' },
    { name: 'baseline', value: '<file>' },
    { name: 'write-baseline', value: '<file>' },
    { name: 'target', value: '<stage>' },
    { name: 'no-image-inspect' },
    { name: 'registry-lookups' },
    { name: 'registry-redirect-host', value: '<host[:port]>', repeatable: true },
    { name: 'config', short: 'c', value: '<file>' },
    { name: 'stdin' },
    { name: 'stdin-filename', value: '<path>' },
  ],
};

function interpret(line: ParsedLine): LintArgs {
  const format = line.value('format') ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}". Use one of ${FORMATS.join(', ')}`);
  const level = line.value('failure-threshold') ?? 'warning';
  const severity = level === 'none' ? level : parseSeverity(level);
  if (!severity) throw new UsageError(`unknown severity "${level}". Use one of ${SEVERITIES.join(', ')}, none`);
  const registryRedirectHosts = line.values('registry-redirect-host');
  const badHost = registryRedirectHosts.find((host) => !REDIRECT_HOST.test(host));
  if (badHost !== undefined) throw new UsageError(`"${badHost}" is not a host or host:port`);
  const args: LintArgs = {
    format: format as Format,
    fix: line.flag('fix'),
    severity,
    baseline: line.value('baseline'),
    writeBaseline: line.value('write-baseline'),
    target: line.value('target'),
    config: line.value('config'),
    stdin: line.flag('stdin'),
    stdinFilename: line.value('stdin-filename'),
    inputs: [...line.operands],
    imageInspect: !line.flag('no-image-inspect'),
    registryLookups: line.flag('registry-lookups'),
    registryRedirectHosts,
  };
  if (args.stdin && args.inputs.length > 0) throw new UsageError(`--stdin reads one Dockerfile from standard input; drop ${args.inputs[0]} or --stdin`);
  if (args.stdinFilename && !args.stdin) throw new UsageError('--stdin-filename only names standard input; add --stdin');
  // Baseline entries are per file: unnamed standard input would record nothing and match nothing.
  const baselineFlag = args.writeBaseline !== undefined ? '--write-baseline' : args.baseline !== undefined ? '--baseline' : undefined;
  if (args.stdin && !args.stdinFilename && baselineFlag) throw new UsageError(`${baselineFlag} with --stdin needs --stdin-filename <path>: the baseline records findings by file`);
  if (!args.stdin && args.inputs.length === 0) throw new UsageError('name at least one Dockerfile, folder or glob, or pass --stdin');
  return args;
}

function readStdin(io: CliIo): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    io.stdin.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    io.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    io.stdin.on('error', reject);
  });
}

/**
 * How many files are read (and their base images asked for) ahead of the one being
 * linted. With --fix, none: files are written as they go, and a later path may be the
 * same file through a link.
 */
const READ_AHEAD = 256;

/** Lints (or fixes) one Dockerfile's text; throws InputError when it is no Dockerfile. */
async function check(text: string, display: string, lookup: ImageLookup, fix: boolean): Promise<{ diagnoses: Diagnosis[]; fixed: string[]; text: string; heldBack?: string }> {
  const analysis = await lookup.ready;
  // A file without FROM is not something docker builds: most likely the wrong path.
  if (analysis.model.stages.length === 0) throw new InputError(`${display}: no FROM instruction, so this is not a Dockerfile docker can build. Pass a Dockerfile's path.`);
  if (!fix) return { diagnoses: analysis.diagnoses, fixed: [], text };
  const fixed = fixAll(analysis);
  return { diagnoses: fixed.remaining, fixed: fixed.applied, text: fixed.text, heldBack: fixed.heldBack };
}

export const lintCommand: CliCommand = {
  name: 'lint',
  async run(argv, io) {
    const args = readCommandLine(LINT_LINE, argv, io, interpret);
    if (typeof args === 'number') return args;
    const relative = (file: string) => path.relative(io.cwd, file) || file;
    const fail = (display: string, message: string): InputProblem => {
      io.stderr.write(`distroless lint: ${terminalText(message)}\n`);
      return { display, message };
    };

    let explicitConfig: DistrolessConfig | undefined;
    let explicitConfigFile: string | undefined;
    if (args.config) {
      const file = path.resolve(io.cwd, args.config);
      explicitConfigFile = file;
      if (!fs.existsSync(file)) {
        io.stderr.write(`distroless lint: ${args.config}: no such configuration file. Check the path given to --config.\n`);
        return ExitCode.usage;
      }
      try {
        explicitConfig = readConfigFile(file);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        io.stderr.write(`distroless lint: ${relative(error.file)}: ${error.detail}\n`);
        return ExitCode.usage;
      }
    }
    const images = cliImageFacts(io.env, { localEngine: args.imageInspect, registryLookups: args.registryLookups, registryRedirectHosts: args.registryRedirectHosts });
    const configs = new ConfigCache();
    const overrides = { target: args.target };
    // Once per folder: the configuration lookup walks up to the repository root, and
    // the files beside the Dockerfiles are read once for all of them.
    const folders = new Map<string, { config: DistrolessConfig; workspace: WorkspaceFiles; options: AnalysisOptions }>();
    const configuredBaselines = new Map<string, string>();
    const folderOptions = (folder: string) => {
      let known = folders.get(folder);
      if (!known) {
        const loaded = explicitConfig ? { config: explicitConfig, file: explicitConfigFile } : configs.load(folder);
        const config = loaded.config;
        const workspace = diskWorkspace(folder);
        known = { config, workspace, options: analysisOptions(config, overrides, { workspace }) };
        folders.set(folder, known);
        if (config.baseline && loaded.file) configuredBaselines.set(folder, path.resolve(path.dirname(loaded.file), config.baseline));
      }
      return known;
    };
    const optionsFor = (folder: string): AnalysisOptions => folderOptions(folder).options;
    // The stage the project's build files ship (compose.yaml, docker-bake.hcl, skaffold.yaml,
    // GitHub workflows) when neither --target nor the configuration file names one.
    const buildTargetFor = buildTargetsOfRun();
    const optionsForFile = (file: string): AnalysisOptions => {
      const { config, workspace, options } = folderOptions(path.dirname(file));
      const found = options.target ? undefined : buildTargetFor(file);
      return found ? analysisOptions(config, overrides, { workspace, buildTarget: found.target }) : options;
    };
    const configProblem = (error: unknown, display: string): InputProblem => {
      if (!(error instanceof ConfigError)) throw error;
      return fail(display, `${relative(error.file)}: ${error.detail} (needed for ${display})`);
    };

    const report: Report = { version, cwd: io.cwd, files: [], errors: [] };

    if (args.stdin) {
      const file = args.stdinFilename ? path.resolve(io.cwd, args.stdinFilename) : undefined;
      const display = file ? relative(file) : '<stdin>';
      let fixedText: Buffer | undefined;
      let raw: Buffer | undefined;
      try {
        raw = await readStdin(io);
        const source = decodeDockerfile(raw, display);
        if (args.fix) assertEditable(source, display, 'fixed');
        const result = await check(source.text, display, lookUpImages(source.text, file ? optionsForFile(file) : optionsFor(io.cwd), images, args.fix ? undefined : (line) => io.stderr.write(line)), args.fix);
        if (result.heldBack) io.stderr.write(`distroless lint: ${terminalText(`${display}: fixes at the end of the file were not applied: ${result.heldBack}`)}.\n`);
        report.files.push({ file, display, diagnoses: result.diagnoses, fixed: result.fixed, text: result.text });
        fixedText = encodeDockerfile(source, result.text);
      } catch (error) {
        // A bug while fixing still hands the input back unchanged before it is reported
        // (exit 3): a filter must never empty an editor's buffer.
        if (args.fix && raw !== undefined && !(error instanceof InputError) && !(error instanceof ConfigError)) io.stdout.write(raw);
        report.errors.push(error instanceof InputError ? fail(display, error.message) : configProblem(error, display));
      }
      if (args.fix) {
        // stdout is the fixed Dockerfile (for editors and pipes); the report goes aside.
        // Input that could not be fixed goes back unchanged: a filter must never empty an editor's buffer.
        const out = fixedText ?? raw;
        if (out !== undefined) io.stdout.write(out);
        const settled = settleBaseline(report, args, io, configuredBaselines);
        io.stderr.write(render(args.format, report));
        return settled;
      }
      const settled = settleBaseline(report, args, io, configuredBaselines);
      io.stdout.write(render(args.format, report));
      return settled;
    }

    let files: string[];
    try {
      files = collectDockerfiles(args.inputs, io.cwd);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.stderr.write(`distroless lint: ${error.message}\n`);
      return ExitCode.usage;
    }
    // Files are read, and their base images asked for, ahead of the one being linted:
    // the engine then answers many lookups at once (one connection) instead of one
    // round trip per file between lints. A bounded window, so a large tree is not
    // held in memory at once.
    type Prepared = { source: DockerfileSource; lookup: ImageLookup } | { error: unknown };
    const ahead = args.fix ? 1 : READ_AHEAD;
    const prepared = new Map<number, Prepared>();
    let preparedUpTo = 0;
    const prepare = (file: string): Prepared => {
      try {
        const source = readDockerfileSource(file, relative(file));
        return { source, lookup: lookUpImages(source.text, optionsForFile(file), images, (line) => io.stderr.write(line)) };
      } catch (error) {
        return { error };
      }
    };
    for (let index = 0; index < files.length; index++) {
      for (; preparedUpTo < Math.min(files.length, index + ahead); preparedUpTo++) prepared.set(preparedUpTo, prepare(files[preparedUpTo]));
      const ready = prepared.get(index) as Prepared;
      prepared.delete(index);
      const file = files[index];
      const display = relative(file);
      try {
        // A file that could not be read fails in its turn, so the report keeps the files' order.
        if ('error' in ready) throw ready.error;
        const { source, lookup } = ready;
        const text = source.text;
        if (args.fix && source.invalidUtf8Line !== undefined) {
          // Reported as it is, and not touched: the error says why and how to fix it.
          const result = await check(text, display, lookup, false);
          report.files.push({ file, display, diagnoses: result.diagnoses, fixed: [], text });
          assertEditable(source, display, 'fixed');
        }
        const result = await check(text, display, lookup, args.fix);
        if (result.text !== text) {
          try {
            writeFileAtomic(file, encodeDockerfile(source, result.text), display);
          } catch (error) {
            if (!(error instanceof FileWriteError)) throw error;
            throw new InputError(error.message);
          }
        }
        if (result.heldBack) io.stderr.write(`distroless lint: ${terminalText(`${display}: fixes at the end of the file were not applied: ${result.heldBack}`)}.\n`);
        report.files.push({ file, display, diagnoses: result.diagnoses, fixed: result.fixed, text: result.text });
      } catch (error) {
        report.errors.push(error instanceof InputError ? fail(display, error.message) : configProblem(error, display));
      }
    }
    const settled = settleBaseline(report, args, io, configuredBaselines);
    io.stdout.write(render(args.format, report));
    return settled;
  },
};

/**
 * Writes the baseline (--write-baseline) or drops what it accepts (--baseline, else the
 * configuration's baseline for the Dockerfile's folder), then the exit code.
 */
function settleBaseline(report: Report, args: LintArgs, io: CliIo, configured: Map<string, string>): number {
  const shown = (file: string) => path.relative(io.cwd, file) || file;
  try {
    if (args.writeBaseline) {
      const file = path.resolve(io.cwd, args.writeBaseline);
      const count = writeBaseline(file, args.writeBaseline, report);
      io.stderr.write(`distroless lint: ${args.writeBaseline}: ${count} ${count === 1 ? 'finding' : 'findings'} recorded; lint with --baseline ${args.writeBaseline} (or the configuration's baseline key) reports only new ones.\n`);
      io.report?.(report);
      return report.errors.length > 0 ? ExitCode.usage : ExitCode.ok;
    }
    const given = args.baseline ? path.resolve(io.cwd, args.baseline) : undefined;
    const outcome = applyBaselines(report, (file) => {
      const baseline = given ?? configured.get(path.dirname(file));
      return baseline ? { file: baseline, display: given ? (args.baseline as string) : shown(baseline) } : undefined;
    });
    io.stderr.write(describeStale(outcome.stale));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`distroless lint: ${error.message}\n`);
    report.errors.push({ display: args.writeBaseline ?? args.baseline ?? '', message: error.message });
  }
  io.report?.(report);
  return exitCode(report, args.severity);
}

function exitCode(report: Report, threshold: Severity | 'none'): number {
  if (report.errors.length > 0) return ExitCode.usage;
  if (threshold === 'none') return ExitCode.ok;
  const found = report.files.some((f) => f.diagnoses.some((d) => atOrAbove(d.severity, threshold)));
  return found ? ExitCode.negative : ExitCode.ok;
}
