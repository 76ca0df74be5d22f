import { classifyImage, distrolessEndOfLife as endOfLife, imageName, parseImageRef } from '../imageFacts';
import type { Finding, Rule } from '../types';
import { replaceImageEdit } from './util';
import { imageRangeOf } from '../instructions';

/** A distroless image past its end of life, or no longer published. */
export const distrolessEndOfLife: Rule = {
  id: 'distroless-end-of-life',
  defaultSeverity: 'warning',
  summary: 'A distroless image past its end of life or no longer published.',
  check({ model, today, distrolessRegistry }) {
    const findings: Finding[] = [];
    for (const stage of model.stages) {
      if (stage.parent) continue;
      const eol = endOfLife(stage.base, today, distrolessRegistry);
      if (!eol) continue;
      const edit = replaceImageEdit(model, stage, (text) => {
        const ref = parseImageRef(text);
        if (ref.digest || imageName(ref) !== imageName(stage.base.ref)) return undefined;
        return `${eol.replacement}${ref.tag ? `:${ref.tag}` : ''}`;
      });
      findings.push({
        range: imageRangeOf(stage.from) ?? stage.from.getRange(),
        message: `${imageName(stage.base.ref)}: ${eol.reason}, so it gets no security fixes. Move to ${eol.replacement}.`,
        // A newer Debian keeps static/base/cc programs running; a different Node, Java or Python
        // may not run what was built for the old one, so that move is the user's pick.
        fixes: edit ? [{ title: `Use ${eol.replacement}`, edits: [edit], preferred: true, fixAll: classifyImage(eol.replacement, distrolessRegistry).runtimeVersion === stage.base.runtimeVersion }] : [],
      });
    }
    return findings;
  },
};
