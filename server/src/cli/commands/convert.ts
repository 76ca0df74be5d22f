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

const USAGE = `Usage: distroless convert [--write | --check | --verify [--format text|json]] [--target <stage>] [--to distroless|chainguard|dhi]
                          [--build [--build-arg K=V]... [--platform <p>]] <Dockerfile>

Converts a Dockerfile whose shipped stage runs on a general-purpose image into a
multi-stage build that ships only the artifact on a distroless image.

  (default)          print the converted Dockerfile to stdout
  --write            replace the file, keeping the original as <Dockerfile>.bak
                     (or .bak.1, .bak.2, ... when that exists: a backup never
                     replaces a file)
  --check            print nothing; exit 1 when a conversion is possible, 0 when not
  --target <stage>   the stage that ships (as docker build --target)
  --to <family>      ship on distroless (default), chainguard or dhi (or say why that family cannot)
  --verify           build the original and the converted image on the local Docker
                     engine, run each for a few seconds and report them side by side
  --format <f>       the --verify report as text (default) or json
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
  file?: string;
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

function parseArgs(argv: string[]): Args | string {
  const args: Args = { write: false, check: false, verify: false, format: 'text', build: false, buildArgs: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write' || a === '-w') args.write = true;
    else if (a === '--check') args.check = true;
    else if (a === '--verify') args.verify = true;
    else if (a === '--build') args.build = true;
    else if (a === '--build-arg' || a.startsWith('--build-arg=')) {
      const value = a.startsWith('--build-arg=') ? a.slice('--build-arg='.length) : argv[++i];
      if (!value) return '--build-arg needs NAME=value';
      const eq = value.indexOf('=');
      // As docker build: a bare NAME takes its value from the environment.
      if (eq < 0) args.buildArgs[value] = process.env[value] ?? '';
      else args.buildArgs[value.slice(0, eq)] = value.slice(eq + 1);
    } else if (a === '--platform' || a.startsWith('--platform=')) {
      const value = a.startsWith('--platform=') ? a.slice('--platform='.length) : argv[++i];
      if (!value) return '--platform needs a platform (linux/amd64)';
      args.platform = value;
    }
    else if (a === '--format' || a === '-f' || a.startsWith('--format=')) {
      const value = a.startsWith('--format=') ? a.slice('--format='.length) : argv[++i];
      if (value !== 'text' && value !== 'json') return '--format takes text or json';
      args.format = value;
    }
    else if (a === '--target') {
      const value = argv[++i];
      if (!value) return '--target needs a stage name';
      args.target = value;
    } else if (a.startsWith('--target=')) args.target = a.slice('--target='.length);
    else if (a === '--to' || a.startsWith('--to=')) {
      const value = a.startsWith('--to=') ? a.slice('--to='.length) : argv[++i];
      if (!(IMAGE_TARGETS as readonly string[]).includes(value ?? '')) return `--to takes ${IMAGE_TARGETS.join(', ')}`;
      args.to = value as ImageTarget;
    }
    else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else if (args.file) return 'give one Dockerfile';
    else args.file = a;
  }
  if (!args.file) return 'give the Dockerfile to convert';
  if (args.write && args.check) return '--write and --check exclude each other';
  if (args.verify && (args.write || args.check)) return '--verify prints a report; convert with --write after it verifies';
  if (args.format !== 'text' && !args.verify) return '--format applies to --verify';
  if (!args.build && (Object.keys(args.buildArgs).length > 0 || args.platform)) return '--build-arg and --platform apply to --build';
  return args;
}

export const convertCommand: CliCommand = {
  name: 'convert',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(`${USAGE}\n`);
      return ExitCode.ok;
    }
    const args = parseArgs(argv);
    if (typeof args === 'string') {
      io.stderr.write(`distroless convert: ${args}\n\n${USAGE}\n`);
      return ExitCode.usage;
    }
    const file = path.resolve(io.cwd, args.file ?? '');
    let source: DockerfileSource;
    try {
      source = readDockerfileSource(file, args.file ?? file);
      // Printed or written, text decoded from bytes that are not UTF-8 would come out changed.
      if (!args.check) assertEditable(source, args.file ?? file, 'converted');
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
      return args.check ? ExitCode.ok : ExitCode.findings;
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
      return result.changed ? ExitCode.findings : ExitCode.ok;
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
