/**
 * Where a stage's image reference is written, and the one edit that rewrites it:
 * shared by the rules (pinning, nonroot tags, scratch) and the converter (builder tag),
 * which may not import each other.
 */
import type { Range, TextEdit } from 'vscode-languageserver-types';
import { DockerfileModel, Stage, offsetOf } from './model';
import { imageRangeOf } from './instructions';

export interface ImageTextLocation {
  /** The literal image reference text at `range` (no variables). */
  text: string;
  range: Range;
  /** True when the literal sits in a global ARG default rather than in FROM itself. */
  viaArg: boolean;
}

/**
 * Where the image of `stage` is written literally: in FROM itself, or in the
 * default of the global ARG that FROM consists of (`FROM ${BASE}`). Undefined when
 * the reference mixes variables and text, where no single edit is safe.
 */
export function imageTextLocation(model: DockerfileModel, stage: Stage): ImageTextLocation | undefined {
  if (stage.parent) return undefined;
  const range = imageRangeOf(stage.from);
  if (!range) return undefined;
  const written = model.text.slice(offsetOf(model, range.start), offsetOf(model, range.end));
  if (!written.includes('$')) return { text: written, range, viaArg: false };
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(written);
  if (!m) return undefined;
  const name = m[1] ?? m[2];
  const args = model.dockerfile.getInitialARGs().filter((a) => a.getProperty()?.getName() === name);
  const arg = args[args.length - 1];
  const valueRange = arg?.getProperty()?.getValueRange();
  const value = arg?.getProperty()?.getValue();
  if (!valueRange || !value) return undefined;
  const literal = model.text.slice(offsetOf(model, valueRange.start), offsetOf(model, valueRange.end));
  if (literal !== value || literal.includes('$')) return undefined;
  return { text: literal, range: valueRange, viaArg: true };
}

/** Rewrites the image reference of `stage`, or undefined when it cannot be done with one safe edit. */
export function replaceImageEdit(model: DockerfileModel, stage: Stage, rewrite: (text: string) => string | undefined): TextEdit | undefined {
  const location = imageTextLocation(model, stage);
  if (!location) return undefined;
  const next = rewrite(location.text);
  if (next === undefined || next === location.text) return undefined;
  return { range: location.range, newText: next };
}
