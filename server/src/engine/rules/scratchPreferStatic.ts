import { distrolessImage, distrolessNativeImage } from '../imageFacts';
import type { Rule } from '../types';
import { replaceImageEdit, shippedDescription } from './util';
import { imageRangeOf } from '../instructions';
import { nonRuntimeStage } from './runtimeStage';

/**
 * scratch is empty: no CA bundle, no tzdata, no /etc/passwd, no /tmp. The distroless
 * static image adds exactly those for about 2 MiB and runs as nonroot.
 */
export const scratchPreferStatic: Rule = {
  id: 'scratch-prefer-static',
  defaultSeverity: 'information',
  summary: 'The shipped stage is scratch; distroless static adds CA certificates, tzdata, passwd and /tmp.',
  check({ model, distrolessRegistry }) {
    const stage = model.shipped;
    if (!stage || stage.base.family !== 'scratch' || nonRuntimeStage(model, stage)) return [];
    const staticNonroot = distrolessNativeImage('static', distrolessRegistry);
    // The fix keeps the user the program runs as: scratch runs as root unless the stage sets USER,
    // so without a USER the root variant is written (runs-as-root offers :nonroot separately).
    const replacement = stage.user.source === 'instruction' ? staticNonroot : distrolessImage('static', distrolessRegistry);
    const edit = replaceImageEdit(model, stage, (text) => (text.trim().toLowerCase() === 'scratch' ? replacement : undefined));
    return [{
      range: imageRangeOf(stage.from) ?? stage.from.getRange(),
      message: `${shippedDescription(model, stage)} is scratch, which has no CA certificates, no time zone data, no /etc/passwd (user names do not resolve) and no /tmp: ` +
        `TLS, time zones and temp files fail at run time. ${staticNonroot} has all of them for about 2 MiB, still without a shell, and runs as nonroot.`,
      fixes: edit ? [{ title: `Use ${replacement}`, edits: [edit], preferred: true }] : [],
    }];
  },
};
