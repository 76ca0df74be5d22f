/**
 * Which image family a conversion ships on (`convert --to`, the `convertTo` key):
 * distroless (the default, what every language converter picks), or the equivalent
 * Chainguard or Docker Hardened Image when one is known to start the converted file
 * the same way. Only static binaries qualify today: the start command the converter
 * writes (`ENTRYPOINT ["/app"]`) runs the same on each static image, while the
 * language images differ in how they start (distroless nodejs and python set
 * ENTRYPOINT to the interpreter; DHI's node and python set only CMD, so the converted
 * `CMD ["server.js"]` would not start) and Chainguard's free images are `:latest`
 * only, whose runtime version need not match the build's.
 */
import { classifyImage } from '../imageFacts';

export type ImageTarget = 'distroless' | 'chainguard' | 'dhi';
export const IMAGE_TARGETS: readonly ImageTarget[] = ['distroless', 'chainguard', 'dhi'];

/**
 * The static images of each family (nonroot 65532 in each, CA bundle and tzdata, no
 * shell, no libc): Chainguard's `static` (docs/image-facts.md), DHI's `static` tag of its
 * catalog definition (image/static/debian-13/static.yaml).
 */
const STATIC_EQUIVALENT: Record<Exclude<ImageTarget, 'distroless'>, string> = {
  chainguard: 'cgr.dev/chainguard/static:latest',
  dhi: 'dhi.io/static:20250419-debian13',
};

/** The image to ship on for `to`, or why the conversion cannot target that family. */
export function imageForTarget(runtimeImage: string, to: ImageTarget | undefined): { image: string } | { refuse: string } {
  if (!to || to === 'distroless') return { image: runtimeImage };
  const name = classifyImage(runtimeImage).distroless?.name;
  if (name === 'static') return { image: STATIC_EQUIVALENT[to] };
  const family = to === 'dhi' ? 'Docker Hardened Images' : 'Chainguard';
  return {
    refuse: `this app needs ${runtimeImage.replace(/:nonroot$/, '')}, and converting to ${family} is supported for static binaries only so far ` +
      `(the ${family} language images start differently, or are published as :latest only); convert with --to distroless`,
  };
}
