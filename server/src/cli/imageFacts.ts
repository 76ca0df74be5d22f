/** The CLI's use of local image facts: look the Dockerfiles' base images up before linting them. */
import { analyze, baseImageReferences, type Analysis, type AnalysisOptions, type ImageObservation } from '../engine';
import { LocalImageFacts } from '../host/imageFacts';

/**
 * A reader for one CLI run: each reference is inspected once per run (the registry
 * asked once too), each image read once per machine; undefined when both sources are
 * off. Like a missing engine, a failed registry lookup is silent: the table stands.
 */
export function cliImageFacts(env: NodeJS.ProcessEnv, sources: { localEngine: boolean; registryLookups: boolean; registryRedirectHosts?: readonly string[] }): LocalImageFacts | undefined {
  if (!sources.localEngine && !sources.registryLookups) return undefined;
  return new LocalImageFacts({
    env,
    refreshAfterMs: Number.POSITIVE_INFINITY,
    retryAfterMs: Number.POSITIVE_INFINITY,
    registryRefreshAfterMs: Number.POSITIVE_INFINITY,
    localEngine: sources.localEngine,
    registryLookups: sources.registryLookups,
    registryRedirectHosts: sources.registryRedirectHosts,
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
export function lookUpImages(text: string, options: AnalysisOptions, images: LocalImageFacts | undefined, progress?: (line: string) => void): ImageLookup {
  const first = analyze(text, options);
  if (!images) return { ready: Promise.resolve(first) };
  const keys = baseImageReferences(first.model);
  if (keys.length === 0) return { ready: Promise.resolve(first) };
  const loading = images.load(keys);
  if (progress) sayWhenSlow(images, keys, loading, progress);
  const ready = loading.then(() => {
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

/** Images this run already said it is reading (one line per image, however many Dockerfiles name it). */
const announced = new WeakMap<LocalImageFacts, Set<string>>();
export const SLOW_LOOKUP_MS = 1000;

/**
 * A lookup still running after a second gets one line on stderr naming the images, so
 * a first run on large local images is not silent (stdout stays the report).
 */
function sayWhenSlow(images: LocalImageFacts, keys: readonly string[], loading: Promise<unknown>, progress: (line: string) => void): void {
  let done = false;
  const timer = setTimeout(() => {
    if (done) return;
    const said = announced.get(images) ?? new Set<string>();
    announced.set(images, said);
    const fresh = keys.filter((k) => !said.has(k));
    if (fresh.length === 0) return;
    fresh.forEach((k) => said.add(k));
    progress(`distroless: reading ${fresh.map((k) => JSON.stringify(k).slice(1, -1)).join(', ')} from the local Docker engine (once per image; --no-image-inspect skips it)\n`);
  }, SLOW_LOOKUP_MS);
  timer.unref?.();
  void loading.finally(() => {
    done = true;
    clearTimeout(timer);
  });
}
