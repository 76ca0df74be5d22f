import { explained, shortImage } from '../messages';
import { distrolessImage } from '../imageFacts';
import type { Rule } from '../types';
import { replaceImageEdit, shippedDescription } from './util';
import { imageRangeOf } from '../instructions';
import { nonRuntimeStage } from './runtimeStage';

/**
 * scratch is empty: no CA bundle, no tzdata, no /etc/passwd, no /tmp. The distroless
 * static image adds exactly those for about 2 MiB. The fix swaps the image and nothing
 * else: static-debian13 runs as root like scratch, and a USER the stage sets wins as it
 * did, so the program starts as the same user. Moving to non-root is runs-as-root's
 * business; writing `:nonroot` here as well would stack a second fix on that problem
 * (a `:nonroot` tag next to the `USER 65532:65532` it may add), or change the user of a
 * program that binds a low port or writes root-owned files.
 */
export const scratchPreferStatic: Rule = {
  id: 'scratch-prefer-static',
  defaultSeverity: 'information',
  summary: 'The shipped stage is scratch; distroless static adds CA certificates, tzdata, passwd and /tmp.',
  check({ model, distrolessRegistry }) {
    const stage = model.shipped;
    if (!stage || stage.base.family !== 'scratch' || nonRuntimeStage(model, stage)) return [];
    const replacement = distrolessImage('static', distrolessRegistry);
    const edit = replaceImageEdit(model, stage, (text) => (text.trim().toLowerCase() === 'scratch' ? replacement : undefined));
    const user = stage.user.source === 'instruction'
      ? `It runs as the USER this stage sets, as scratch did.`
      : `Like scratch it runs as root, so the program starts as before; its :nonroot tag runs as nonroot (65532), which runs-as-root offers on its own.`;
    return [{
      range: imageRangeOf(stage.from) ?? stage.from.getRange(),
      message: explained(`scratch lacks CA certificates, tzdata, passwd and /tmp: use ${shortImage(replacement, 40)}`,
        `${shippedDescription(model, stage)} is scratch, which has no CA certificates, no time zone data, no /etc/passwd (user names do not resolve) and no /tmp: ` +
        `TLS, time zones and temp files fail at run time. ${replacement} has all of them for about 2 MiB, still without a shell. ${user}`),
      fixes: edit ? [{ title: `Use ${replacement}`, edits: [edit], preferred: true }] : [],
    }];
  },
};
