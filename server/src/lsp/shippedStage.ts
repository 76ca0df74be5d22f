/**
 * `distroless/shippedStage`: which stage of a Dockerfile ships (the build target, else
 * the last stage) and on which image, for the editor's status bar.
 */
import type { LintResult } from '../engine/lint';

export const SHIPPED_STAGE_REQUEST = 'distroless/shippedStage';

export interface ShippedStageParams {
  uri: string;
}

export interface ShippedStage {
  /** `AS` name, or undefined for an unnamed stage. */
  name?: string;
  /** 0-based index among the file's stages. */
  index: number;
  /** How many stages the file has. */
  stages: number;
  /** The image the stage runs on (through its parent stages and ARG defaults), when known. */
  image?: string;
  /** True when the image has no shell (distroless, scratch, chiseled). */
  shellless: boolean;
  /** The stage was chosen by the target setting or configuration file, not by being last. */
  targeted: boolean;
}

export function shippedStageOf(result: LintResult): ShippedStage | null {
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
