/** The CLI's use of local image facts: look the Dockerfiles' base images up before linting them. */
import { analyze, baseImageReferences, type Analysis, type AnalysisOptions, type ImageObservation } from '../engine';
import { LocalImageFacts } from '../host/imageFacts';

/**
 * A reader for one CLI run: each reference is inspected once per run (the registry
 * asked once too), each image read once per machine; undefined when both sources are
 * off. Like a missing engine, a failed registry lookup is silent: the table stands.
 */
export function cliImageFacts(env: NodeJS.ProcessEnv, sources: { localEngine: boolean; registryLookups: boolean }): LocalImageFacts | undefined {
  if (!sources.localEngine && !sources.registryLookups) return undefined;
  return new LocalImageFacts({
    env,
    refreshAfterMs: Number.POSITIVE_INFINITY,
    retryAfterMs: Number.POSITIVE_INFINITY,
    registryRefreshAfterMs: Number.POSITIVE_INFINITY,
    localEngine: sources.localEngine,
    registryLookups: sources.registryLookups,
  });
}

export interface ImageLookup {
  /** The Analysis of the text with what the local engine knows about its base images, once it answered. */
  ready: Promise<Analysis>;
}

/**
 * Starts looking up the base images of one Dockerfile and returns without waiting:
 * the CLI starts the lookups of many files before it waits for the first, so the
 * engine answers them all at once (one connection, requests in parallel) instead of
 * one round trip per file between lints.
 */
export function lookUpImages(text: string, options: AnalysisOptions, images: LocalImageFacts | undefined): ImageLookup {
  const first = analyze(text, options);
  if (!images) return { ready: Promise.resolve(first) };
  const keys = baseImageReferences(first.model);
  if (keys.length === 0) return { ready: Promise.resolve(first) };
  const ready = images.load(keys).then(() => {
    // Lint reads the facts of these references only (the stages' base images).
    const known: Record<string, ImageObservation> = {};
    for (const key of keys) {
      const observation = images.peek(key);
      if (observation) known[key] = observation;
    }
    // With no facts found, the first analysis stands; otherwise the same tree, modelled with the facts.
    return Object.keys(known).length === 0 ? first : analyze(text, { ...options, images: known }, first.model.dockerfile);
  });
  return { ready };
}
