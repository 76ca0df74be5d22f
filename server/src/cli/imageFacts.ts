/** The CLI's use of local image facts: look the Dockerfile's base images up once, before linting it. */
import { baseImageReferences, buildModel, type LintOptions } from '../engine';
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

/** `options` plus what the local engine knows about the images the Dockerfile builds from. */
export async function withLocalImages(text: string, options: LintOptions, images: LocalImageFacts | undefined): Promise<LintOptions> {
  if (!images) return options;
  const model = buildModel(text, { target: options.target, distrolessRegistry: options.distrolessRegistry, buildArgs: options.buildArgs, platform: options.platform });
  const keys = baseImageReferences(model);
  if (keys.length === 0) return options;
  await images.load(keys);
  return { ...options, images: images.snapshot() };
}
