import { suggestedDistrolessImage, Runtime } from '../imageFacts';
import { copySources } from '../model';
import type { Rule } from '../types';
import { shippedDescription } from './util';

/**
 * The shipped stage runs on a general-purpose OS or toolchain image. The fix is the
 * whole-file conversion (conversion.md), offered by the converter when it can decide
 * the language and the artifact.
 */
export const finalStageFullOs: Rule = {
  id: 'final-stage-full-os',
  defaultSeverity: 'warning',
  summary: 'The shipped stage runs on a general-purpose OS or toolchain image.',
  check({ model, distrolessRegistry }) {
    const stage = model.shipped;
    if (!stage || stage.base.family !== 'general') return [];
    let runtime: Runtime = stage.base.runtime;
    let version = stage.base.runtimeVersion;
    if (runtime === 'none') {
      const source = copySources(model, stage).find((c) => c.from.base.runtime !== 'none');
      if (source) {
        runtime = source.from.base.runtime;
        version = source.from.base.runtimeVersion;
      }
    }
    const target = suggestedDistrolessImage(runtime, version, distrolessRegistry);
    const image = stage.resolvedImage ?? stage.from.getImage() ?? 'this image';
    return [{
      range: stage.from.getImageRange() ?? stage.from.getRange(),
      message:
        `${shippedDescription(model, stage)} runs on ${image}, a full OS with a shell and package manager: ` +
        `more to patch, more for an attacker to use, and a larger image. ` +
        `Ship only the artifact on a distroless image such as ${target} in a multi-stage build.`,
    }];
  },
};
