import { explained } from '../messages';
import { isRootUser } from '../model';
import type { Fix, Rule } from '../types';
import { appendToStage, replaceImageEdit, shippedDescription } from './util';
import { imageOf, imageRangeOf } from '../instructions';

const NONROOT_USER_LINE = 'USER 65532:65532';

/** The shipped stage's effective user is root. */
export const runsAsRoot: Rule = {
  id: 'runs-as-root',
  defaultSeverity: 'warning',
  summary: "The shipped stage's effective user is root.",
  check({ model }) {
    const stage = model.shipped;
    if (!stage || !isRootUser(stage.user)) return [];
    const why = 'a process running as root turns any code-execution bug into root in the container and eases escapes to the host.';
    const fixes: Fix[] = [];
    const d = stage.base.distroless;
    if (stage.user.source === 'base' && d && !stage.parent && (d.variant === 'latest' || d.variant === 'debug') && !stage.base.ref.digest) {
      const tag = d.variant === 'debug' ? 'debug-nonroot' : 'nonroot';
      const edit = replaceImageEdit(model, stage, (text) => {
        const at = text.indexOf('@');
        if (at >= 0) return undefined;
        const slash = text.lastIndexOf('/');
        const colon = text.lastIndexOf(':');
        const name = colon > slash ? text.slice(0, colon) : text;
        const arch = d.archSuffix ? `-${d.archSuffix}` : '';
        return `${name}:${tag}${arch}`;
      });
      if (edit) fixes.push({ title: `Use the :${tag} tag (uid 65532)`, edits: [edit], preferred: true });
    }
    if (fixes.length === 0) {
      fixes.push({ title: `Add ${NONROOT_USER_LINE} at the end of the stage`, edits: [appendToStage(model, stage, NONROOT_USER_LINE)], preferred: true });
    }
    if (stage.user.source === 'instruction' && stage.user.instruction) {
      return [{
        range: stage.user.instruction.getRange(),
        message: explained('Switches to root and stays there: switch back to USER 65532:65532 after these steps',
          `${shippedDescription(model, stage)} switches to root with "${stage.user.instruction.getTextContent().trim()}" and stays there: ${why} Switch back to a non-root user (65532:65532) after the steps that need root.`),
        fixes,
      }];
    }
    const image = stage.resolvedImage ?? imageOf(stage.from) ?? 'its base image';
    return [{
      range: imageRangeOf(stage.from) ?? stage.from.getRange(),
      message: explained(`Runs as root (no USER): use the nonroot tag or add ${NONROOT_USER_LINE}`,
        `${shippedDescription(model, stage)} runs as root: it sets no USER and ${image} defaults to root; ${why} Use the nonroot tag or add ${NONROOT_USER_LINE}.`),
      fixes,
    }];
  },
};
