/**
 * Rust: `cargo build --release`, the binary alone on cc-debian13 (libgcc for
 * unwinding), or on static-debian13 for a musl target, which links statically.
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { distrolessNativeImage } from '../imageFacts';
import { basename, values } from '../shell';
import { resolvePath, stageChainFromBase } from '../stages';
import { argumentFileCopies, flagValue, insertAt, nativeStart, nativeTarget, runSteps } from './common';
import type { LanguageConverter, PlanResult } from './types';

export const rustConverter: LanguageConverter = {
  language: 'rust',
  plan(context): PlanResult {
    const program = context.start[0];
    const programPath = program && (program.includes('/') || program.startsWith('.')) ? resolvePath(program, context.workdir) : undefined;
    const copied = program ? (programPath ? [programPath] : ['/usr/local/bin', '/usr/bin', '/usr/local/cargo/bin'].map((d) => `${d}/${program}`)).map((p) => context.copiedFrom(p)).find((c) => c) : undefined;
    const chain = copied ? stageChainFromBase(copied.stage) : context.chain;
    const runs = copied ? runSteps(context.model, copied.stage).runs : context.runs;
    const edits: TextEdit[] = [];
    const candidates: Array<{ path: string; musl: boolean }> = [];
    const packageName = /\[package\][^[]*?\bname\s*=\s*"([^"]+)"/.exec(context.workspace?.readFile('Cargo.toml') ?? '')?.[1];
    const binName = /\[\[bin\]\][^[]*?\bname\s*=\s*"([^"]+)"/.exec(context.workspace?.readFile('Cargo.toml') ?? '')?.[1];
    for (const run of runs) {
      for (const command of run.shell) {
        const words = values(command.words);
        if (words[0] !== 'cargo' || (words[1] !== 'build' && words[1] !== 'install')) continue;
        const target = flagValue(words, ['--target']);
        const musl = target?.includes('musl') === true || chain[0].base.libc === 'musl';
        const name = flagValue(words, ['--bin']) ?? (program ? basename(program) : binName ?? packageName);
        if (!name) continue;
        if (words[1] === 'build') {
          const release = words.includes('--release') || flagValue(words, ['--profile']) === 'release';
          if (!release) {
            // Exec form's words are JSON strings: no flag can be inserted there, and a debug build is not the artifact.
            if (command.exec) continue;
            edits.push(insertAt(context.model, command.words[1].end, ' --release'));
          }
          const targetDir = run.stage.env.get('CARGO_TARGET_DIR') ?? `${run.workdir.replace(/\/$/, '')}/target`;
          candidates.push({ path: `${resolvePath(targetDir, run.workdir)}/${target ? `${target}/` : ''}release/${name}`, musl });
        } else {
          const root = flagValue(words, ['--root']) ?? run.stage.env.get('CARGO_HOME') ?? '/usr/local/cargo';
          candidates.push({ path: `${resolvePath(root, run.workdir)}/bin/${name}`, musl });
        }
      }
    }
    const wanted = copied?.source ?? programPath;
    const chosen = candidates.find((c) => c.path === wanted) ?? candidates.find((c) => program !== undefined && basename(c.path) === basename(program)) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (!chosen) {
      return { refuse: candidates.length === 0 ? 'no cargo build or cargo install runs in the build with a known binary name (Cargo.toml beside the Dockerfile or --bin), so there is no binary to ship' : `several cargo builds run and none visibly produces ${program ?? 'the program'}: start the binary by its path and convert again` };
    }
    const runtimeImage = distrolessNativeImage(chosen.musl ? 'static' : 'libstdc++', context.distrolessRegistry);
    if (copied && !context.stage.parent) {
      const start = nativeStart(context, program ?? chosen.path);
      return { runtimeImage, replaceShipped: true, copies: [], edits, ...start };
    }
    const target = nativeTarget(context, chosen.path);
    const args = nativeStart(context, target);
    const copies = [`COPY --from=${context.buildName} ${chosen.path} ${target}`, ...argumentFileCopies(context, [...args.entrypoint.slice(1), ...args.cmd], [target])];
    return { runtimeImage, replaceShipped: false, copies, edits, ...args };
  },
};
