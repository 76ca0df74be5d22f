/** Facts about base images read from the local engine: the host side of engine/observedImage.ts. */
export { LocalImageFacts } from './provider';
export type { ImageFactsStats, LocalImageFactsOptions } from './provider';
export { ImageFactsDiskCache, defaultCacheDir } from './cache';
export { observeImage, parsePasswd, WANTED_FILES } from './observe';
