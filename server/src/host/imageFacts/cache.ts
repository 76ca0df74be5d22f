/**
 * Facts read from images, on disk by image ID: an image ID is the digest of its
 * config, which names every layer, so what was read once stays true for that ID on
 * any engine. One small JSON file per image under the user's cache directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ObservedImage, RegistryImage } from '../../engine';

/** Bumped when ObservedImage or the way it is read changes, so old entries are read again. */
const FORMAT = 1;

/** The OS's per-user cache directory for this tool (DISTROLESS_CACHE_DIR overrides). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  if (env.DISTROLESS_CACHE_DIR?.trim()) return env.DISTROLESS_CACHE_DIR.trim();
  if (platform === 'win32') return path.join(env.LOCALAPPDATA?.trim() || path.join(home, 'AppData', 'Local'), 'distroless', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'distroless');
  return path.join(env.XDG_CACHE_HOME?.trim() || path.join(home, '.cache'), 'distroless');
}

export class ImageFactsDiskCache {
  readonly dir: string;

  constructor(cacheDir: string) {
    this.dir = path.join(cacheDir, 'image-facts', `v${FORMAT}`);
  }

  private fileFor(id: string): string | undefined {
    const m = /^(sha256|sha512):([a-f0-9]{32,128})$/.exec(id);
    return m ? path.join(this.dir, `${m[1]}-${m[2]}.json`) : undefined;
  }

  get(id: string): ObservedImage | undefined {
    const file = this.fileFor(id);
    if (!file) return undefined;
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { image?: ObservedImage };
      // A file from another ID (copied by hand, truncated) is no answer.
      return parsed.image && parsed.image.id === id && Array.isArray(parsed.image.shells) ? parsed.image : undefined;
    } catch {
      return undefined;
    }
  }

  /** Best effort: a cache that cannot be written costs a second read, never an error. */
  put(image: ObservedImage): void {
    const file = this.fileFor(image.id);
    if (!file) return;
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(temp, JSON.stringify({ format: FORMAT, readAt: new Date().toISOString(), image }));
      fs.renameSync(temp, file);
    } catch {
      try {
        fs.unlinkSync(temp);
      } catch {
        // Nothing was written.
      }
    }
  }
}

/**
 * Image configs read from registries, on disk by the digest of the platform's image
 * manifest: that manifest names the config by digest, so what was read for it stays
 * true. The same image is also kept under the index digest its tag pointed at and the
 * platform chosen from it, so a later lookup asks the registry only a HEAD of the tag
 * (not a pull on Docker Hub).
 */
export class RegistryFactsDiskCache {
  readonly dir: string;

  constructor(cacheDir: string) {
    this.dir = path.join(cacheDir, 'registry-facts', `v${FORMAT}`);
  }

  private fileFor(digest: string, platform?: string): string | undefined {
    const m = /^(sha256|sha512):([a-f0-9]{64,128})$/.exec(digest);
    if (!m) return undefined;
    return path.join(this.dir, `${m[1]}-${m[2]}${platform ? `-${platform.replace(/[^a-z0-9]+/gi, '-')}` : ''}.json`);
  }

  /**
   * The image read for a platform manifest's digest; with `platform`, first the one
   * read for that platform when the tag pointed at the index digest `digest`.
   */
  get(digest: string, platform?: string): RegistryImage | undefined {
    for (const [file, key] of [[platform && this.fileFor(digest, platform), `${digest} ${platform}`], [this.fileFor(digest), digest]] as const) {
      if (!file) continue;
      try {
        const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { image?: RegistryImage; key?: string };
        const keyed = parsed.key === undefined ? parsed.image?.manifestDigest === digest : parsed.key === key;
        if (parsed.image && keyed && typeof parsed.image.id === 'string' && Array.isArray(parsed.image.env)) return parsed.image;
      } catch {
        // Not cached under this name.
      }
    }
    return undefined;
  }

  /** Best effort, as ImageFactsDiskCache.put. */
  put(image: RegistryImage, index?: { digest: string; platform: string }): void {
    const key = index ? `${index.digest} ${index.platform}` : image.manifestDigest;
    const file = index ? this.fileFor(index.digest, index.platform) : this.fileFor(image.manifestDigest);
    if (!file) return;
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(temp, JSON.stringify({ format: FORMAT, readAt: new Date().toISOString(), key, image }));
      fs.renameSync(temp, file);
    } catch {
      try {
        fs.unlinkSync(temp);
      } catch {
        // Nothing was written.
      }
    }
  }
}
