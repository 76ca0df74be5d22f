import { imageName, parseImageRef } from '../imageFacts';
import type { Fix, Rule } from '../types';
import { SIDECAR_HINT } from './attackToolsInFinalStage';
import { replaceImageEdit, shippedDescription } from './util';
import { argumentsContentOf, imageRangeOf } from '../instructions';
import { execFormArguments, type Stage } from '../model';
import { chainInstructions } from '../stages';

/** A debug variant (busybox shell) shipped: the one thing distroless takes away is back. */
export const debugImageShipped: Rule = {
  id: 'debug-image-shipped',
  defaultSeverity: 'warning',
  summary: 'The shipped stage uses a debug image (distroless debug, Chainguard -dev).',
  check({ model }) {
    const stage = model.shipped;
    if (!stage || !stage.base.debug) return [];
    const tag = stage.base.ref.tag ?? '';
    const plain = withoutDebug(stage.base.family, tag);
    const fixes: Fix[] = [];
    if (plain !== undefined && !stage.parent && !stage.base.ref.digest) {
      const edit = replaceImageEdit(model, stage, (text) => {
        const ref = parseImageRef(text);
        if (ref.digest || ref.tag !== tag || imageName(ref) !== imageName(stage.base.ref)) return undefined;
        return `${text.slice(0, text.length - tag.length)}${plain}`;
      });
      // Without the debug shell, anything in the stage that still runs one would stop the build or the start.
      if (edit) fixes.push({ title: `Use the :${plain} tag (no shell)`, edits: [edit], preferred: true, fixAll: !usesShell(stage) });
    }
    const inherited = stage.parent ? ` (inherited from stage "${stage.parent.name ?? stage.parent.index}")` : '';
    return [{
      range: imageRangeOf(stage.from) ?? stage.from.getRange(),
      message: `${shippedDescription(model, stage)} ships the debug image ${imageName(stage.base.ref)}:${tag}${inherited}, which adds a busybox shell: ` +
        `anyone who gets code execution in the container gets a shell and tools too. Ship ${plain !== undefined ? `:${plain}` : 'the variant without debug'}. ${SIDECAR_HINT}`,
      fixes,
    }];
  },
};

/** RUN, SHELL, a shell-form start command or health check, or an exec form that names a shell or busybox. */
function usesShell(stage: Stage): boolean {
  return chainInstructions(stage).some((i) => {
    const keyword = i.getKeyword();
    if (keyword === 'RUN' || keyword === 'SHELL') return true;
    if (keyword !== 'CMD' && keyword !== 'ENTRYPOINT' && keyword !== 'HEALTHCHECK') return false;
    if (keyword === 'HEALTHCHECK' && /^\s*NONE\b/i.test(argumentsContentOf(i) ?? '')) return false;
    const exec = execFormArguments(i);
    return !exec || exec.some((w) => /(?:^|\/)(?:busybox|sh|bash|ash)$/.test(w));
  });
}

function withoutDebug(family: string, tag: string): string | undefined {
  if (family === 'distroless') {
    const m = /^debug(-nonroot)?(-[a-z0-9]+)?$/.exec(tag);
    if (!m) return undefined;
    return `${m[1] ? 'nonroot' : 'latest'}${m[2] ?? ''}`;
  }
  if (family === 'chainguard') {
    if (tag === 'latest-dev') return 'latest';
    const m = /^(.+)-dev$/.exec(tag);
    return m ? m[1] : undefined;
  }
  return undefined;
}
