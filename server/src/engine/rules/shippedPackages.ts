import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel } from '../model';
import { basename, commandsOf, rawText, values } from '../shell';
import { installedPackages, packageChanges, PACKAGE_MANAGER_WORD, type InstalledPackage } from '../packages';

/**
 * The packages a RUN installs and does not take away again in the same RUN
 * (`apk add --virtual .deps … && apk del .deps`, `apt-get purge --auto-remove curl`,
 * and the Docker Official Images' idiom `apt-mark auto '.*'; apt-mark manual
 * $savedAptMark; apt-get purge -y --auto-remove`, which removes everything the RUN
 * installed): what is left in the layer, and so in the image.
 */
export function shippedPackages(model: DockerfileModel, instruction: Instruction): InstalledPackage[] {
  if (instruction.getKeyword() !== 'RUN' || !PACKAGE_MANAGER_WORD.test(rawText(model, instruction))) return [];
  const commands = commandsOf(model, instruction);
  const markedAuto = commands.findIndex((c) => {
    const words = values(c.words);
    return basename(words[0] ?? '') === 'apt-mark' && words[1] === 'auto' && words.slice(2).some((w) => w === '.*' || w === '*');
  });
  const autoRemovedAt = markedAuto < 0 ? -1 : commands.findIndex((c, i) => i > markedAuto && packageChanges([c]).some((p) => p.action === 'remove' && p.autoRemove && (p.manager === 'apt-get' || p.manager === 'apt')));
  return installedPackages(commands).filter((p) => {
    if (p.removedBy || p.change.manager === 'pip') return false;
    // Installed before everything was marked automatic, then auto-removed: gone with the RUN.
    if (autoRemovedAt >= 0 && (p.change.manager === 'apt-get' || p.change.manager === 'apt') && commands.indexOf(p.change.command) < markedAuto) return false;
    return true;
  });
}
