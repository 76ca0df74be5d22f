import { imageName, parseImageRef } from '../imageFacts';
import type { DockerfileModel, Stage } from '../model';
import type { Finding, Fix, Rule } from '../types';
import { commandsOf, values } from '../shell';
import { copySources, placedInstructions, stageChainFromBase } from '../stages';
import { replaceImageEdit } from './util';
import { argumentsOf } from '../instructions';

/**
 * node_modules built by npm on Node N carry native addons compiled for N's ABI;
 * on Node M they fail to load ("was compiled against a different Node.js version").
 */
export const nodeVersionMismatch: Rule = {
  id: 'node-version-mismatch',
  defaultSeverity: 'warning',
  summary: 'node_modules built on one Node major are copied into a distroless nodejs image of another.',
  check({ model }) {
    const findings: Finding[] = [];
    for (const stage of model.stages) {
      const target = stage.base;
      if (target.family !== 'distroless' || target.runtime !== 'node' || !target.runtimeVersion) continue;
      for (const { instruction, from, copy: paths } of copySources(model, stage)) {
        const built = from.base;
        if (built.runtime !== 'node' || !built.runtimeVersion || built.runtimeVersion === target.runtimeVersion) continue;
        if (!paths.sources.some((s) => /node_modules/.test(s) || copiesInstallDir(model, from, s))) continue;
        const root = stageChainFromBase(from)[0];
        const fixes: Fix[] = [];
        const edit = root.base.ref.digest ? undefined : replaceImageEdit(model, root, (text) => {
          const ref = parseImageRef(text);
          if (ref.digest || imageName(ref) !== imageName(root.base.ref) || !ref.tag || !/^\d+/.test(ref.tag)) return undefined;
          // Keep the variant (-alpine, -slim, -bookworm); only the version changes.
          const tag = ref.tag.replace(/^\d+(?:\.\d+)*/, target.runtimeVersion as string);
          return `${text.slice(0, text.length - ref.tag.length)}${tag}`;
        });
        // Dependencies may not install on another Node major (engines, prebuilt binaries): the user picks this one.
        if (edit) fixes.push({ title: `Build on node:${target.runtimeVersion}`, edits: [edit], preferred: true, fixAll: false });
        const args = argumentsOf(instruction);
        findings.push({
          range: { start: args[0].getRange().start, end: args[args.length - 1].getRange().end },
          message: `node_modules installed on Node ${built.runtimeVersion} (${from.resolvedImage ?? 'the build stage'}) are copied into ${stage.resolvedImage ?? 'the runtime image'}, which runs Node ${target.runtimeVersion}: ` +
            `native addons are compiled for one Node major and fail to load on another. Build on node:${target.runtimeVersion}.`,
          fixes,
        });
      }
    }
    return findings;
  },
};

/** True when `source` is the directory the stage ran its npm/yarn install in. */
function copiesInstallDir(model: DockerfileModel, stage: Stage, source: string): boolean {
  let installedIn: string | undefined;
  for (const { instruction, workdir } of placedInstructions(model, stage).placed) {
    if (instruction.getKeyword() !== 'RUN') continue;
    for (const c of commandsOf(model, instruction)) {
      const [program, verb] = values(c.words);
      if ((program === 'npm' && (verb === 'ci' || verb === 'install' || verb === 'i')) || (program === 'yarn' && (verb === undefined || verb === 'install')) || (program === 'pnpm' && verb === 'install')) {
        installedIn = workdir;
      }
    }
  }
  if (installedIn === undefined) return false;
  // COPY --from paths are relative to the stage's root, not its WORKDIR.
  const normalized = `/${source.replace(/^\.?\/*/, '')}`.replace(/\/+$/, '') || '/';
  const dir = installedIn.replace(/\/+$/, '') || '/';
  return normalized === '/' || dir === normalized || dir.startsWith(`${normalized}/`);
}
