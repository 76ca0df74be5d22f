/** The CLI's use of local image facts: look the Dockerfile's base images up once, before linting it. */
import { baseImageReferences, buildModel, type LintOptions } from '../engine';
import { LocalImageFacts } from '../host/imageFacts';

/** A reader for one CLI run: each reference is inspected once per run, each image read once per machine. */
export function cliImageFacts(env: NodeJS.ProcessEnv): LocalImageFacts {
  return new LocalImageFacts({ env, refreshAfterMs: Number.POSITIVE_INFINITY, retryAfterMs: Number.POSITIVE_INFINITY });
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
