/**
 * What a build of the original image showed (`distroless convert --build`, the editor's
 * Convert from Build…): gathered by the Docker room without running the image
 * (server/src/docker/imageEvidence.ts), carried by `distroless/convert`
 * (server/src/protocol.ts), and turned into the converter's decisions by the engine
 * (server/src/engine/convert/grounded.ts). Declared once here so the three agree.
 */
export interface GroundedEvidence {
  /** ENTRYPOINT and CMD of the built image, as its config has them. */
  entrypoint: string[];
  cmd: string[];
  /** WORKDIR of the built image ('/' when unset). */
  workdir: string;
  /** The start program as found in the image (absolute), and what it is. */
  program?: {
    path: string;
    kind: 'elf' | 'script' | 'other' | 'missing';
    /** A script's text (bounded). */
    script?: string;
    interpreter?: string;
    musl?: boolean;
    isStatic?: boolean;
    /** The DT_NEEDED closure: soname and where the image's loader finds it (undefined: not found in the image). */
    libraries?: Array<{ soname: string; path?: string }>;
  };
  /**
   * The build's earlier named stages, each built again with `--target` (from the build's
   * cache), and which of the program's library paths each has: where the conversion can
   * copy a library from when the shipped stage installed it itself.
   */
  stages?: Array<{ name: string; has: string[] }>;
  /**
   * What dpkg says each apt package the Dockerfile installs put in the built image (its
   * /var/lib/dpkg/info list, directories included); packages the image does not have are absent.
   */
  packages?: Array<{ name: string; files: string[] }>;
  /**
   * Native extensions of the app's packages, read like programs: `.node` files under
   * node_modules, `.so` files under site-packages, dist-packages and PYTHONPATH.
   * Undefined when the start command is neither Node.js nor Python.
   */
  extensions?: NativeExtensions;
  /** USER of the built image ('' when unset, which is root). */
  user?: string;
  /** The owner (uid) of the working directory in the built image, when it could be read. */
  workdirOwner?: number;
}

export interface NativeExtensions {
  /** The package directories that exist in the image and were read. */
  searched: string[];
  files: Array<{
    path: string;
    /** Linked against musl (Alpine): DT_NEEDED names libc.musl-*, or its interpreter is ld-musl. */
    musl: boolean;
    /** The DT_NEEDED closure, found as the image's loader would (undefined path: not found in the image). */
    libraries: Array<{ soname: string; path?: string }>;
  }>;
  /** Files named like extensions that were not read (larger than the cap, or not ELF). */
  unread: string[];
  /** Why the list may be incomplete (a cap on files or bytes reached), as words for the converted file's comment. */
  capped?: string;
}
