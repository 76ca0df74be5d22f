/** Hover on a FROM image: what the product believes about the image and where each fact comes from. */
import type { Hover, MarkupContent, Position } from 'vscode-languageserver-types';
import { shippedStageOf } from './shippedStage';
import { describeImage, fromPlatform, imageKey, imageRangeOf, stageAtImage, type ImageObservation, type Analysis } from '../engine';

/**
 * Undefined when the position is not on a FROM image (or the image is an earlier stage).
 * `peek` tells why an image lint saw no facts for is absent (not found, no engine),
 * which lint does not record since it changes no finding.
 */
export function imageHover(result: Analysis, position: Position, peek: ((key: string) => ImageObservation | undefined) | undefined, targetSource?: string, compact = false): Hover | undefined {
  const stage = stageAtImage(result.model, position);
  if (!stage || stage.parent) return undefined;
  const key = imageKey(stage.resolvedImage ?? '', fromPlatform(stage.from, result.model.globalArgs));
  const otherwise: ImageObservation | undefined = peek ? peek(key) : { state: 'absent', reason: 'off' };
  const shipped = shippedStageOf(result, targetSource);
  // Which stage ships is news only where there is a choice (several stages) or a target picked it.
  const ships = stage === result.model.shipped && shipped && (shipped.stages > 1 || shipped.targeted)
    ? `\n\nThis stage ships: ${shipped.targeted ? escapeMarkdown(shipped.targetSource ?? 'the build target') : shipped.stages === 1 ? 'the only stage' : 'the last stage (no target set)'}.`
    : '';
  const described = describeImage(stage.base, otherwise);
  // Under the problems and their explanations, the facts take one paragraph, so the hover
  // stays short enough to show its Quick Fix without scrolling.
  const value = compact
    ? described.split('\n').filter((l) => l !== '').map((l) => l.replace(/^- /, '').replace(/ the built-in table \(source: (https?:[^)\s]+)\)/, ' the [built-in table]($1)')).join(' · ')
    : described;
  const contents: MarkupContent = { kind: 'markdown', value: value + ships };
  return { contents, range: imageRangeOf(stage.from) ?? undefined };
}

/** Our hover above the language service's, when both have something to say. */
export function mergeHovers(ours: Hover | undefined, theirs: Hover | null | undefined): Hover | null {
  if (!ours) return theirs ?? null;
  if (!theirs) return ours;
  const text = (h: Hover): string => {
    const c = h.contents;
    if (typeof c === 'string') return c;
    if (Array.isArray(c)) return c.map((m) => (typeof m === 'string' ? m : m.value)).join('\n\n');
    return c.value;
  };
  return { contents: { kind: 'markdown', value: `${text(ours)}\n\n---\n\n${text(theirs)}` }, range: ours.range };
}

/** Text read from the project's files, shown as written (no links, no emphasis). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);
}
