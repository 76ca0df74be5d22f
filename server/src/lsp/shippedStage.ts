/** Answers `distroless/shippedStage` (protocol.ts) from the document's Analysis. */
import type { Analysis } from '../engine';
import type { ShippedStage } from '../protocol';

export function shippedStageOf(result: Analysis, targetSource?: string): ShippedStage | null {
  const stage = result.model.shipped;
  if (!stage) return null;
  const targeted = result.model.target !== undefined && result.model.target !== '' && stage.name === result.model.target.toLowerCase();
  return {
    name: stage.name,
    index: stage.index,
    stages: result.model.stages.length,
    image: stage.resolvedImage,
    shellless: stage.shellless,
    targeted,
    targetSource: targeted ? targetSource : undefined,
    baseKnown: stage.base.shell !== 'unknown' || stage.base.defaultUser !== undefined,
  };
}
