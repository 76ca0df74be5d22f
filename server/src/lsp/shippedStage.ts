/** Answers `distroless/shippedStage` (protocol.ts) from the document's Analysis. */
import type { Analysis } from '../engine';
import type { ShippedStage } from '../protocol';

export function shippedStageOf(result: Analysis): ShippedStage | null {
  const stage = result.model.shipped;
  if (!stage) return null;
  return {
    name: stage.name,
    index: stage.index,
    stages: result.model.stages.length,
    image: stage.resolvedImage,
    shellless: stage.shellless,
    targeted: result.model.target !== undefined && result.model.target !== '' && stage.name === result.model.target.toLowerCase(),
  };
}
