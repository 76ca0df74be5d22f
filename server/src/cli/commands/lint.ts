/** `distroless lint <file or folder>...`: the rules, as `file:line:col severity rule-id message`. */
import * as path from 'path';
import { lint } from '../../engine/lint';
import { diskWorkspace } from '../../workspaceFiles';
import { collectDockerfiles, InputError, readDockerfile } from '../files';
import { CliCommand, ExitCode } from './types';

const USAGE = `Usage: distroless lint [--target <stage>] <file or folder>...

Checks Dockerfiles against the distroless rules. Folders are searched for
Dockerfile, Containerfile, *.Dockerfile and Dockerfile.* files.

Exit codes: 0 no warning or error, 1 a warning or error was found,
2 bad usage or unreadable input.`;

export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'Check Dockerfiles against the distroless rules',
  usage: USAGE,
  async run(argv, io) {
    const inputs: string[] = [];
    let target: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      if (arg === '--target') {
        target = argv[++i];
        if (!target) {
          io.stderr.write('distroless lint: --target needs a stage name.\n');
          return ExitCode.usage;
        }
      } else if (arg.startsWith('-') && arg !== '-') {
        io.stderr.write(`distroless lint: unknown option ${arg}.\n${USAGE}\n`);
        return ExitCode.usage;
      } else {
        inputs.push(arg);
      }
    }
    if (inputs.length === 0) {
      io.stderr.write(`distroless lint: name at least one Dockerfile or folder.\n${USAGE}\n`);
      return ExitCode.usage;
    }
    let files: string[];
    try {
      files = collectDockerfiles(inputs, io.cwd);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.stderr.write(`distroless lint: ${error.message}\n`);
      return ExitCode.usage;
    }
    let found = false;
    let unreadable = false;
    for (const file of files) {
      const display = path.relative(io.cwd, file) || file;
      let text: string;
      try {
        text = readDockerfile(file, display);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        io.stderr.write(`distroless lint: ${error.message}\n`);
        unreadable = true;
        continue;
      }
      const { diagnoses } = lint(text, { target, workspace: diskWorkspace(path.dirname(file)) });
      for (const d of diagnoses) {
        io.stdout.write(`${display}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.ruleId} ${d.message}\n`);
        if (d.severity === 'error' || d.severity === 'warning') found = true;
      }
    }
    if (unreadable) return ExitCode.usage;
    return found ? ExitCode.findings : ExitCode.ok;
  },
};
