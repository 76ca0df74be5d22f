import { clip, explained } from '../messages';
import { DISTROLESS_PYTHON_VERSION, PYTHON_BUILDER_IMAGE, imageName, parseImageRef } from '../imageFacts';
import type { DockerfileModel, Stage } from '../model';
import type { Finding, Fix, Rule } from '../types';
import { values } from '../shell';
import { chainCommands, copySources, stageChainFromBase } from '../stages';
import { replaceImageEdit } from './util';
import { argumentsOf } from '../instructions';
import { pinWithoutWheels, requirementSources } from '../pythonWheels';

/** Source paths that hold installed packages or a virtual environment. */
const PACKAGES_PATH = /site-packages|dist-packages|(?:^|\/)\.?venv\b|\/virtualenv|\/usr\/local\/lib\/python|\/\.local\b/;

/**
 * Compiled extension modules and a venv's interpreter link are tied to one Python
 * minor version: packages built for 3.11 do not import on 3.13.
 */
export const pythonAbiMismatch: Rule = {
  id: 'python-abi-mismatch',
  defaultSeverity: 'warning',
  summary: 'Python packages or a venv built for one Python minor version are copied into distroless python3 of another.',
  check({ model, workspace }) {
    const findings: Finding[] = [];
    for (const stage of model.stages) {
      const target = stage.base;
      if (target.family !== 'distroless' || target.runtime !== 'python' || !target.runtimeVersion) continue;
      for (const { instruction, from, copy: paths } of copySources(model, stage)) {
        const built = from.base;
        if (built.runtime !== 'python' || !built.runtimeVersion || built.runtimeVersion === target.runtimeVersion) continue;
        // Packages count when the COPY names them or a directory that holds them (`--target=/app/deps`, COPY /app).
        const targets = [...installTargets(model, from), ...(pipInstallsGlobally(model, from) ? [`/usr/local/lib/python${built.runtimeVersion}/site-packages`] : [])];
        if (!paths.sources.some((s) => PACKAGES_PATH.test(s) || targets.some((t) => covers(s, t)))) continue;
        const root = stageChainFromBase(from)[0];
        const fixes: Fix[] = [];
        // A source path naming the old version (lib/python3.11/...) would not exist after the change.
        const namesVersion = paths.sources.some((s) => /python\d+\.\d+/.test(s));
        // A requirement with no wheels for the runtime's Python would fail the moved build: name it instead of offering the move.
        const commands = chainCommands(model, from).map(({ command }) => values(command.words));
        const readFile = (path: string): string | undefined => workspace?.readFile(path);
        const pin = target.runtimeVersion === DISTROLESS_PYTHON_VERSION ? pinWithoutWheels(requirementSources(commands, readFile), readFile) : undefined;
        if (target.runtimeVersion === DISTROLESS_PYTHON_VERSION && !root.base.ref.digest && !namesVersion && !pin) {
          const edit = replaceImageEdit(model, root, (text) => (parseImageRef(text).digest || imageName(parseImageRef(text)) !== imageName(root.base.ref) ? undefined : PYTHON_BUILDER_IMAGE));
          // Another Python for the builder may lack wheels for some requirements: the user picks this one.
          if (edit) fixes.push({ title: `Build on ${PYTHON_BUILDER_IMAGE}`, edits: [edit], preferred: true, fixAll: false });
        }
        const args = argumentsOf(instruction);
        findings.push({
          range: { start: args[0].getRange().start, end: args[args.length - 1].getRange().end },
          message: explained(`Packages built on Python ${clip(built.runtimeVersion, 8)} run on Python ${clip(target.runtimeVersion, 8)}: build on the same version`,
            `These packages were installed with Python ${built.runtimeVersion} (${from.resolvedImage ?? 'the build stage'}) but ${stage.resolvedImage ?? 'the runtime image'} runs Python ${target.runtimeVersion}: ` +
            `compiled modules are built for one minor version (and a venv points at its interpreter), so imports fail at start. ` +
            (target.runtimeVersion === DISTROLESS_PYTHON_VERSION ? `Build on ${PYTHON_BUILDER_IMAGE}${namesVersion ? ` and copy from its python${target.runtimeVersion} directory` : ''}.` : `Build on python:${target.runtimeVersion}-slim, or move the runtime to the current python3-debian13.`) +
            (pin ? ` First raise ${pin.requirement} to ${pin.first} or later: earlier releases have no wheels for Python ${target.runtimeVersion}, so pip install would fail there.` : '')),
          fixes,
        });
      }
    }
    return findings;
  },
};

function normalisePath(p: string): string {
  return p.replace(/\/\.$/, '').replace(/\/+$/, '');
}

/** True when copying `source` copies `target` (the same directory, or one of its parents). */
function covers(source: string, target: string): boolean {
  const s = normalisePath(source);
  const t = normalisePath(target);
  return s === t || t.startsWith(`${s}/`);
}

/** A plain `pip install` (no --target/--prefix/--user, outside a venv) writes to the interpreter's site-packages. */
function pipInstallsGlobally(model: DockerfileModel, stage: Stage): boolean {
  for (const { command } of chainCommands(model, stage)) {
    const words = values(command.words);
    const pip = words.findIndex((w) => /^(?:.*\/)?pip[0-9.]*$/.test(w));
    if (pip < 0 || words[pip + 1] !== 'install' || /\/(?:venv|\.venv|virtualenv)\//.test(words[pip])) continue;
    if (words.some((w) => /^(?:--target|-t|--prefix|--root|--user)(?:=|$)/.test(w))) continue;
    return true;
  }
  return false;
}

/** Directories `pip install --target/--prefix` or `python -m venv` write to in the stage (relative ones under its WORKDIR). */
function installTargets(model: DockerfileModel, stage: Stage): string[] {
  const out: string[] = [];
  const workdir = lastWorkdir(stage);
  for (const { command } of chainCommands(model, stage)) {
    const words = values(command.words);
    words.forEach((w, i) => {
      const m = /^(?:--target|--prefix|--root)=(.+)$/.exec(w);
      if (m) out.push(m[1]);
      else if (['--target', '-t', '--prefix', '--root'].includes(w) && words[i + 1] && /pip/.test(words[0])) out.push(words[i + 1]);
    });
    const venv = words.indexOf('venv');
    if (venv > 0 && words[venv - 1] === '-m' && words[venv + 1]) out.push(words[venv + 1]);
    if (words[0] === 'virtualenv' && words[1]) out.push(words[words.length - 1]);
  }
  return out.map((p) => (p.startsWith('/') || !workdir ? p : `${workdir}/${p.replace(/^\.\//, '')}`)).map(normalisePath);
}

function lastWorkdir(stage: Stage): string | undefined {
  let dir: string | undefined;
  for (const s of stageChainFromBase(stage)) {
    for (const i of s.instructions) {
      if (i.getKeyword() !== 'WORKDIR') continue;
      const value = (argumentsOf(i)[0]?.getValue() ?? '').trim();
      if (value.includes('$')) return undefined;
      dir = value.startsWith('/') ? value : `${dir ?? ''}/${value}`;
    }
  }
  return dir === undefined ? undefined : normalisePath(dir);
}
