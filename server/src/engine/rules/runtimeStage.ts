/**
 * Which stages are runtimes at all, and what their start command does with root.
 * Rules about the shipped runtime (user, scratch, shell-less start commands) ask here
 * first so that a stage that is never run as a container stays quiet.
 */
import type { Instruction } from 'dockerfile-ast';
import { execFormArguments, type DockerfileModel, type Stage } from '../model';
import { argumentsContentOf, argumentsOf } from '../instructions';
import { stageChainToBase } from '../stages';
import type { WorkspaceFiles } from '../types';

/**
 * A stage that is not a Linux container runtime:
 * - `export`: FROM scratch with only files copied in and nothing about how it runs
 *   (used with `docker build --output` to hand files to the host), or a start command
 *   that names a data file (`ENTRYPOINT ["/dist.tar.gz"]`, so `docker create` takes it);
 * - `squash`: FROM scratch with a whole root file system copied in (`COPY --from=x / /`),
 *   so it is that OS, not an empty image;
 * - `wasm`: FROM scratch holding a WebAssembly module (`--platform=wasi/wasm`, or a
 *   start command that names a `.wasm` file), run by a Wasm runtime rather than on
 *   Linux: there is no libc, user or CA store of the OS to speak of, and no Linux
 *   image (distroless static included) is published for the wasi/wasm platform, so
 *   moving it off scratch would stop it building.
 */
export function nonRuntimeStage(_model: DockerfileModel, stage: Stage): 'export' | 'squash' | 'wasm' | undefined {
  const lineage = stageChainToBase(stage);
  if (lineage[lineage.length - 1].base.family !== 'scratch') return undefined;
  const instructions = lineage.flatMap((s) => s.instructions);
  if (instructions.some((i) => i.getKeyword() === 'COPY' && copiesWholeRoot(i))) return 'squash';
  if (lineage.some((s) => /\bwasm\b/i.test(s.from.getPlatformFlag()?.getValue() ?? '')) || startsWasmModule(stage)) return 'wasm';
  const copiesFiles = instructions.some((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD');
  if (!copiesFiles || !instructions.every((i) => EXPORT_KEYWORDS.has(i.getKeyword()) || ((i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT') && startsDataFile(i)))) return undefined;
  return 'export';
}

/** What an export stage holds besides its files (a start command only when it names a data file). */
const EXPORT_KEYWORDS = new Set(['COPY', 'ADD', 'ARG', 'LABEL', 'ENV', 'WORKDIR']);

/** File names no kernel can execute: archives, documents, data and libraries. */
const DATA_FILE = /\.(?:tar|tgz|gz|xz|bz2|zst|zip|7z|deb|rpm|apk|whl|nupkg|json|ya?ml|toml|ini|cfg|conf|txt|md|html?|css|xml|csv|pdf|svg|png|jpe?g|sbom|spdx|sarif|log|sig|asc|sha256|pem|crt|so(?:\.\d+)*|a|dylib|dll|lib|jar|war)$/i;

/**
 * The start command names a data file (`ENTRYPOINT ["/report.tar"]`): written so that
 * `docker create` accepts the image and `docker cp` can take the files out, never run.
 */
function startsDataFile(instruction: Instruction): boolean {
  const exec = execFormArguments(instruction);
  const first = exec ? exec[0] : (argumentsContentOf(instruction) ?? '').trim().split(/\s+/)[0];
  return first !== undefined && DATA_FILE.test(first);
}

/** The start command's program is a `.wasm` file (`ENTRYPOINT ["/app.wasm"]`). */
function startsWasmModule(stage: Stage): boolean {
  return [stage.entrypoint, effectiveCmd(stage)].some((instruction) => {
    if (!instruction) return false;
    const exec = execFormArguments(instruction);
    const first = exec ? exec[0] : (argumentsContentOf(instruction) ?? '').trim().split(/\s+/)[0];
    return first !== undefined && /\.wasm$/i.test(first);
  });
}

function copiesWholeRoot(instruction: Instruction): boolean {
  const words = argumentsOf(instruction).map((a) => a.getValue());
  if (words.length !== 2) return false;
  const hasFrom = copySourcesOf(instruction);
  return hasFrom && /^\/\.?$/.test(words[0]) && /^\/\.?$/.test(words[1]);
}

function copySourcesOf(instruction: Instruction): boolean {
  const flag = (instruction as unknown as { getFromFlag?(): { getValue(): string | null } | null }).getFromFlag?.();
  return Boolean(flag?.getValue());
}

/** True when the stage is known to have no shell and is a runtime (a squash stage is the OS it copied). */
export function knownShellless(model: DockerfileModel, stage: Stage): boolean {
  return stage.shellless && nonRuntimeStage(model, stage) !== 'squash';
}

/** The CMD in effect for the stage (its own or an ancestor stage's). */
export function effectiveCmd(stage: Stage): Instruction | undefined {
  for (const s of stageChainToBase(stage)) {
    const cmds = s.instructions.filter((i) => i.getKeyword() === 'CMD');
    if (cmds.length > 0) return cmds[cmds.length - 1];
    if (s.instructions.some((i) => i.getKeyword() === 'ENTRYPOINT')) return undefined;
  }
  return undefined;
}

/** Programs that start as root and step down to another user. */
const PRIVILEGE_DROP = /(?:^|[\s"'`;&|(/])(gosu|su-exec|setpriv|runuser|s6-setuidgid|s6-applyuidgid|chpst\s+-u|supervisord|start-stop-daemon\s[^\n]*--chuid|chroot\s+--userspec|su\s+(?:-\S+\s+)*-c|su\s+-\s+\S+\s+-c|sudo\s+-u)(?=[\s"'`;&|)=]|$)/m;

export interface PrivilegeDrop {
  /** The program that steps down (gosu, su-exec, supervisord, …). */
  tool: string;
  /** Where it was seen: the instruction, or a script beside the Dockerfile. */
  where: string;
}

/**
 * Whether the stage's start command starts as root and drops privileges itself:
 * seen in ENTRYPOINT/CMD, in an entrypoint script the Dockerfile copies from beside
 * it (read through the workspace), or documented for the base image's own entrypoint.
 */
export function privilegeDrop(model: DockerfileModel, stage: Stage, workspace: WorkspaceFiles | undefined): PrivilegeDrop | undefined {
  const starts = [stage.entrypoint, effectiveCmd(stage)].filter((i): i is Instruction => i !== undefined);
  for (const instruction of starts) {
    const text = argumentsContentOf(instruction) ?? '';
    const inline = PRIVILEGE_DROP.exec(text.replace(/[[\],"]/g, ' '));
    if (inline) return { tool: toolName(inline[1]), where: instruction.getKeyword() };
    if (/(^|["\s/])init["\s\]]*$/.test(text) && /s6-overlay/i.test(model.text)) return { tool: 's6-overlay', where: instruction.getKeyword() };
    const script = startScript(stage, instruction, workspace);
    const inScript = script && PRIVILEGE_DROP.exec(script.body);
    if (script && inScript) return { tool: toolName(inScript[1]), where: script.path };
  }
  if (!stage.entrypointOverridden && stage.base.dropsPrivilegesTo) {
    return { tool: `the image's entrypoint (runs as ${stage.base.dropsPrivilegesTo})`, where: 'base image' };
  }
  return undefined;
}

/**
 * The script a start command runs, read from beside the Dockerfile (found through the
 * COPY/ADD that put it in the image, else by its file name), or undefined.
 */
export function startScript(stage: Stage, instruction: Instruction, workspace: WorkspaceFiles | undefined): { path: string; body: string } | undefined {
  const script = scriptOf(instruction);
  if (!script || !workspace) return undefined;
  for (const candidate of scriptCandidates(stage, script)) {
    const body = safeRead(workspace, candidate);
    if (body !== undefined) return { path: candidate, body };
  }
  return undefined;
}

function toolName(match: string): string {
  const word = match.trim().split(/\s+/)[0];
  return word === 'chroot' ? 'chroot --userspec' : word === 'start-stop-daemon' ? 'start-stop-daemon --chuid' : word;
}

function safeRead(workspace: WorkspaceFiles, path: string): string | undefined {
  try {
    return workspace.readFile(path);
  } catch {
    return undefined;
  }
}

/** The first word of a start command when it looks like a script or program path. */
function scriptOf(instruction: Instruction): string | undefined {
  const exec = execFormArguments(instruction);
  const first = exec ? exec[0] : (argumentsContentOf(instruction) ?? '').trim().split(/\s+/)[0];
  if (!first) return undefined;
  // `sh /entrypoint.sh`, `bash -c ./start.sh`: the script is the next word.
  if (/^(?:\/bin\/|\/usr\/bin\/)?(?:ba|da|a)?sh$/.test(first)) {
    const rest = exec ? exec.slice(1) : (argumentsContentOf(instruction) ?? '').trim().split(/\s+/).slice(1);
    return rest.find((w) => !w.startsWith('-'));
  }
  return first;
}

/** Where the script might be beside the Dockerfile: the COPY/ADD that put it in the image, else its file name. */
function scriptCandidates(stage: Stage, script: string): string[] {
  const base = script.split('/').pop() ?? script;
  const out: string[] = [];
  for (const s of stageChainToBase(stage)) {
    for (const i of s.instructions) {
      const keyword = i.getKeyword();
      if ((keyword !== 'COPY' && keyword !== 'ADD') || copySourcesOf(i)) continue;
      const words = argumentsOf(i).map((a) => a.getValue());
      if (words.length < 2) continue;
      const dest = words[words.length - 1];
      for (const src of words.slice(0, -1)) {
        const srcBase = src.split('/').pop();
        if (srcBase === base || dest.endsWith(`/${base}`) || dest === script) out.push(src.replace(/^\.\//, ''));
      }
    }
  }
  out.push(base);
  return [...new Set(out)];
}

/** Ports below 1024 the stage EXPOSEs (its own or inherited from earlier stages of this file). */
export function privilegedPorts(stage: Stage): number[] {
  const ports: number[] = [];
  for (const s of stageChainToBase(stage)) {
    for (const i of s.instructions) {
      if (i.getKeyword() !== 'EXPOSE') continue;
      for (const word of argumentsOf(i).map((a) => a.getValue())) {
        const m = /^(\d+)(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/i.exec(word);
        if (m && Number(m[1]) > 0 && Number(m[1]) < 1024) ports.push(Number(m[1]));
      }
    }
  }
  return [...new Set(ports)].sort((a, b) => a - b);
}
