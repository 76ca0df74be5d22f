import { explained, shortImage } from '../messages';
import { distrolessNativeImage } from '../imageFacts';
import type { Rule } from '../types';
import { replaceImageEdit, shippedDescription } from './util';
import { imageRangeOf } from '../instructions';

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
    if (!stage || stage.base.family !== 'scratch') return [];
    const staticNonroot = distrolessNativeImage('static', distrolessRegistry);
    const edit = replaceImageEdit(model, stage, (text) => (text.trim().toLowerCase() === 'scratch' ? staticNonroot : undefined));
    return [{
      range: imageRangeOf(stage.from) ?? stage.from.getRange(),
      message: explained(`scratch lacks CA certificates, tzdata, passwd and /tmp: use ${shortImage(staticNonroot, 40)}`,
        `${shippedDescription(model, stage)} is scratch, which has no CA certificates, no time zone data, no /etc/passwd (user names do not resolve) and no /tmp: ` +
        `TLS, time zones and temp files fail at run time. ${staticNonroot} has all of them for about 2 MiB, still without a shell, and runs as nonroot.`),
      fixes: edit ? [{ title: `Use ${staticNonroot}`, edits: [edit], preferred: true }] : [],
    }];
  },
};
