import { explained, shortImage } from '../messages';
import { distrolessImage } from '../imageFacts';
import type { Rule } from '../types';
import { replaceImageEdit, shippedDescription } from './util';
import { imageRangeOf } from '../instructions';
import { nonRuntimeStage } from './runtimeStage';
import { stageChainToBase } from '../stages';
import type { Stage } from '../model';
import { CopyInstruction, chainCopies, isInside } from '../stages';

/**
 * scratch is empty: no CA bundle, no tzdata, no /etc/passwd, no /tmp. The distroless
 * static image adds exactly those for about 2 MiB. The fix swaps the image and nothing
 * else: static-debian13 runs as root like scratch, and a USER the stage sets wins as it
 * did, so the program starts as the same user. Moving to non-root is runs-as-root's
 * business; writing `:nonroot` here as well would stack a second fix on that problem
 * (a `:nonroot` tag next to the `USER 65532:65532` it may add), or change the user of a
 * program that binds a low port or writes root-owned files.
 */
interface Essential {
  short: string;
  long: string;
  fails: string;
  copied(copy: CopyInstruction): boolean;
}

const ESSENTIALS: Essential[] = [
  { short: 'CA certificates', long: 'CA certificates', fails: 'TLS connections', copied: (c) => [...c.sources, c.destination].some((p) => /ca-certificates|ca-bundle|\/etc\/ssl|\/etc\/pki|cacert/.test(p)) },
  { short: 'tzdata', long: 'time zone data', fails: 'time zones', copied: (c) => [...c.sources, c.destination].some((p) => /zoneinfo/.test(p)) },
  { short: 'passwd', long: '/etc/passwd (user names do not resolve)', fails: 'user name lookups', copied: (c) => isInside(c.destinationPath, '/etc/passwd') || (c.destinationPath === '/etc' && c.sources.some((p) => /(?:^|\/)(?:etc\/?|passwd)$/.test(p))) },
  { short: '/tmp', long: '/tmp', fails: 'temp files', copied: (c) => isInside(c.destinationPath, '/tmp') },
];

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

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
    // What the stage already copies in is not missing: saying so would be a false alarm.
    const missing = ESSENTIALS.filter((e) => !chainCopies(model, stage).some((c) => !c.heredoc && e.copied(c)));
    if (missing.length === 0) return [];
    return [{
      range: imageRangeOf(stage.from) ?? stage.from.getRange(),
      message: explained(`scratch lacks ${list(missing.map((e) => e.short))}: use ${shortImage(replacement, 40)}`,
        `${shippedDescription(model, stage)} is scratch, which has ${list(missing.map((e) => `no ${e.long}`))}: ` +
        `${list(missing.map((e) => e.fails))} fail at run time. ${replacement} has ${missing.length === ESSENTIALS.length ? 'all of them' : 'them'} for about 2 MiB, still without a shell. ${user}`),
      // With no start command of its own scratch cannot be run as it is: it may be an export
      // (docker build --output) that the new image would fill with a whole file system.
      fixes: edit ? [{ title: `Use ${replacement}`, edits: [edit], preferred: true, fixAll: hasStartCommand(stage) }] : [],
    }];
  },
};

function hasStartCommand(stage: Stage): boolean {
  return stageChainToBase(stage).some((s) => s.instructions.some((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT'));
}
