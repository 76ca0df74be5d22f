import { explained, shortImage } from '../messages';
import { CURRENT_DISTRO, imageName, parseImageRef } from '../imageFacts';
import type { Finding, Rule } from '../types';
import { replaceImageEdit } from './util';
import { imageRangeOf } from '../instructions';

/**
 * `gcr.io/distroless/static` without `-debianNN` follows whatever Debian release is
 * current: a rebuild can move the program to a new libc and new library versions.
 */
export const distrolessUnpinnedRelease: Rule = {
  id: 'distroless-unpinned-release',
  defaultSeverity: 'information',
  summary: 'A distroless image name without a -debianNN release suffix.',
  check({ model }) {
    const findings: Finding[] = [];
    for (const stage of model.stages) {
      const d = stage.base.distroless;
      // A digest pins the content whatever the name says.
      if (stage.parent || !d || d.distro || stage.base.ref.digest) continue;
      const name = imageName(stage.base.ref);
      const pinned = `${name}-${CURRENT_DISTRO}`;
      const edit = replaceImageEdit(model, stage, (text) => {
        const ref = parseImageRef(text);
        if (imageName(ref) !== name || ref.digest) return undefined;
        return `${pinned}${ref.tag ? `:${ref.tag}` : ''}`;
      });
      findings.push({
        range: imageRangeOf(stage.from) ?? stage.from.getRange(),
        message: explained(`The image name has no Debian release, so rebuilds can change libc: pin ${shortImage(pinned, 40)}`,
          `${name} has no -debianNN suffix, so it floats to whatever Debian release distroless builds next: a rebuild can silently change the C library and every shared library under the program. ` +
          `Pin the release: ${pinned}.`),
        fixes: edit ? [{ title: `Pin the release: ${pinned}`, edits: [edit], preferred: true }] : [],
      });
    }
    return findings;
  },
};
