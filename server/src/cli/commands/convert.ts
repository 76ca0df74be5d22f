/**
 * `distroless convert <Dockerfile>`: prints the converted Dockerfile, or replaces
 * it with --write (the original kept as <file>.bak, or the first free .bak.N), or with --check only says
 * whether a conversion is possible (exit 1 when it is, for CI gates).
 */
import * as path from 'path';
import { IMAGE_TARGETS, type ConvertResult, type GroundedEvidence, type ImageTarget } from '../../engine';
import { diskWorkspace } from '../../host/workspaceFiles';
import { analysisOptions, ConfigError, findConfigFile, readConfigFile, type DistrolessConfig } from '../../host/config';
import { buildTargetFor } from '../../host/buildTargets';
import { cliImageFacts, lookUpImages } from '../imageFacts';
import { assertEditable, DockerfileSource, encodeDockerfile, InputError, readDockerfileSource } from '../files';
import { backupFile, FileWriteError, writeFileAtomic } from '../../host/atomicWrite';
import { ExitCode } from './types';
import type { CliCommand, CliIo } from './types';
import { readCommandLine, UsageError, type CommandLine, type ParsedLine } from '../args';

const USAGE = `Usage: distroless convert [--write | --check | --verify [--format text|json]] [--target <stage>] [--to distroless|chainguard|dhi]
                          [--build [--build-arg K=V]... [--platform <p>]] <Dockerfile>

Converts a Dockerfile whose shipped stage runs on a general-purpose image into a
multi-stage build that ships only the artifact on a distroless image.

  (default)          print the converted Dockerfile to stdout
  -w, --write        replace the file, keeping the original as <Dockerfile>.bak
                     (or .bak.1, .bak.2, ... when that exists: a backup never
                     replaces a file)
  --check            print nothing; exit 1 when a conversion is possible, 0 when not
  --target <stage>   the stage that ships (as docker build --target)
  --to <family>      ship on distroless (default), chainguard or dhi (or say why that family cannot)
  --verify           build the original and the converted image on the local Docker
                     engine, run each for a few seconds and report them side by side
  -f, --format <f>   the --verify report as text (default) or json
  --build            build the original on the local engine first and convert from
                     what the image holds (the start program, its script, the
                     libraries it links); build output on stderr, nothing left behind
  --build-arg K=V    a build argument for --build (repeatable), as docker build
  --platform <p>     the platform for --build, as docker build

--verify exits 0 when the conversion is verified, 1 when not (a failed build shows
its failing step), 125 when no engine answers (the conversion is printed, not
verified), 130 when cancelled; everything it creates is removed.

Exit codes: 0 done (or nothing to convert), 1 a conversion is possible (--check)
or the file cannot be converted (the reason is printed), 2 usage error.`;

interface Args {
  file: string;
  write: boolean;
  check: boolean;
  verify: boolean;
  format: 'text' | 'json';
  target?: string;
  /** The image family to ship on; the configuration's convertTo, else distroless. */
  to?: ImageTarget;
  build: boolean;
  buildArgs: Record<string, string>;
  platform?: string;
}

export const CONVERT_LINE: CommandLine = {
  command: 'convert',
  usage: USAGE,
  afterDashDash: 'operands',
  options: [
    { name: 'write', short: 'w' },
    { name: 'check' },
    { name: 'verify' },
    { name: 'format', short: 'f', value: '<f>' },
    { name: 'target', value: '<stage>' },
    { name: 'to', value: '<family>' },
    { name: 'build' },
    { name: 'build-arg', value: 'K=V', repeatable: true },
    { name: 'platform', value: '<p>' },
  ],
};

function interpret(line: ParsedLine, env: NodeJS.ProcessEnv): Args {
  const format = line.value('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format takes text or json');
  const to = line.value('to');
  if (to !== undefined && !(IMAGE_TARGETS as readonly string[]).includes(to)) throw new UsageError(`--to takes ${IMAGE_TARGETS.join(', ')}`);
  const buildArgs: Record<string, string> = {};
  for (const value of line.values('build-arg')) {
    const eq = value.indexOf('=');
    // As docker build: a bare NAME takes its value from the environment.
    if (eq < 0) buildArgs[value] = env[value] ?? '';
    else buildArgs[value.slice(0, eq)] = value.slice(eq + 1);
  }
  if (line.operands.length === 0) throw new UsageError('give the Dockerfile to convert');
  if (line.operands.length > 1) throw new UsageError('give one Dockerfile');
  const args: Args = {
    file: line.operands[0],
    write: line.flag('write'),
    check: line.flag('check'),
    verify: line.flag('verify'),
    format,
    target: line.value('target'),
    to: to as ImageTarget | undefined,
    build: line.flag('build'),
    buildArgs,
    platform: line.value('platform'),
  };
  if (args.write && args.check) throw new UsageError('--write and --check exclude each other');
  if (args.verify && (args.write || args.check)) throw new UsageError('--verify prints a report; convert with --write after it verifies');
  if (args.format !== 'text' && !args.verify) throw new UsageError('--format applies to --verify');
  if (!args.build && (Object.keys(args.buildArgs).length > 0 || args.platform)) throw new UsageError('--build-arg and --platform apply to --build');
  return args;
}

export const convertCommand: CliCommand = {
  name: 'convert',
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = readCommandLine(CONVERT_LINE, argv, io, (line) => interpret(line, io.env));
    if (typeof args === 'number') return args;
    const file = path.resolve(io.cwd, args.file);
    let source: DockerfileSource;
    try {
      source = readDockerfileSource(file, args.file);
      // Printed or written, text decoded from bytes that are not UTF-8 would come out changed.
      if (!args.check) assertEditable(source, args.file, 'converted');
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.stderr.write(`distroless convert: ${error.message}\n`);
      return ExitCode.usage;
    }
    // The project's configuration file gives the target and the registry mirror; the flag wins.
    let config: DistrolessConfig = {};
    try {
      const configFile = findConfigFile(path.dirname(file));
      if (configFile) config = readConfigFile(configFile);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr.write(`distroless convert: ${error.message}\n`);
      return ExitCode.usage;
    }
    // The Analysis lint makes of this file (configuration, build args, platform, the
    // local engine's image facts, the stage the project's build files ship), so convert
    // and lint agree on what the file ships on; --to wins over the file's convertTo.
    const buildTarget = args.target || config.target ? undefined : buildTargetFor(file)?.target;
    const options = analysisOptions(config, { target: args.target, convertTo: args.to }, { workspace: diskWorkspace(path.dirname(file)), buildTarget });
    const shown = path.relative(io.cwd, file) || file;
    let grounded: GroundedEvidence | undefined;
    if (args.build) {
      // In the Docker commands' bundle, like --verify: the Docker client loads only for --build.
      const buildModule = __filename.endsWith('engine-commands.js') ? './docker-commands' : './convertBuild';
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { buildEvidence } = require(buildModule) as typeof import('./convertBuild');
      const evidence = await buildEvidence({ file, shown, buildArgs: args.buildArgs, target: options.target, platform: args.platform }, io);
      if (typeof evidence === 'number') return evidence;
      grounded = evidence;
    }
    let result: ConvertResult;
    try {
      result = (await lookUpImages(source.text, options, cliImageFacts(io.env, { localEngine: true, registryLookups: false })).ready).convert(grounded);
    } catch (error) {
      result = { ok: false, reason: `the Dockerfile could not be parsed (${String(error)})` };
    }
    if (!result.ok) {
      io.stderr.write(`${shown}: cannot convert: ${result.reason}\n`);
      // --check asks "is a conversion possible?": no is the passing answer.
      return args.check ? ExitCode.ok : ExitCode.negative;
    }
    if (args.verify) {
      if (!result.changed) {
        io.stderr.write(`${shown}: already ships on ${result.runtimeImage}; nothing to convert or verify\n`);
        return ExitCode.ok;
      }
      // In the Docker commands' bundle (dist/cli/docker-commands.js, beside this one, see esbuild.mjs):
      // the Docker client loads only for --verify. A module name in a variable keeps esbuild from
      // folding it into this bundle; run from source (tests), ./convertVerify is the file itself.
      const verifyModule = __filename.endsWith('engine-commands.js') ? './docker-commands' : './convertVerify';
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runConvertVerify } = require(verifyModule) as typeof import('./convertVerify');
      return runConvertVerify({ file, shown, contextDir: path.dirname(file), convertedText: result.text, target: options.target, format: args.format }, io);
    }
    if (args.check) {
      if (result.changed) io.stderr.write(`${shown}: can be converted to ${result.runtimeImage} (run distroless convert --write ${shown})\n`);
      return result.changed ? ExitCode.negative : ExitCode.ok;
    }
    if (!args.write) {
      io.stdout.write(result.text);
      return ExitCode.ok;
    }
    if (!result.changed) {
      io.stderr.write(`${shown}: already ships on ${result.runtimeImage}; nothing to convert\n`);
      return ExitCode.ok;
    }
    let backup: string;
    try {
      // The backup first: if it cannot be made, the original is not touched either.
      backup = backupFile(file, shown);
      writeFileAtomic(file, encodeDockerfile(source, result.text), shown);
    } catch (error) {
      if (!(error instanceof FileWriteError)) throw error;
      io.stderr.write(`distroless convert: ${error.message}\n`);
      return ExitCode.usage;
    }
    io.stderr.write(`${shown}: converted to a ${result.language} build on ${result.runtimeImage} (original kept as ${path.relative(io.cwd, backup) || backup})\n`);
    for (const d of result.dropped) io.stderr.write(`  not carried over: ${d}\n`);
    return ExitCode.ok;
  },
};
