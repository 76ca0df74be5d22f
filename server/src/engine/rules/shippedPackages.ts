import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel } from '../model';
import { commandsOf, installedPackages, PACKAGE_MANAGER_WORD, rawText, type InstalledPackage } from '../shell';

/**
 * The packages a RUN installs and does not take away again in the same RUN
 * (`apk add --virtual .deps … && apk del .deps`, `apt-get purge --auto-remove curl`):
 * what is left in the layer, and so in the image.
 */
export function shippedPackages(model: DockerfileModel, instruction: Instruction): InstalledPackage[] {
  if (instruction.getKeyword() !== 'RUN' || !PACKAGE_MANAGER_WORD.test(rawText(model, instruction))) return [];
  return installedPackages(commandsOf(model, instruction)).filter((p) => !p.removedBy && p.change.manager !== 'pip');
}
