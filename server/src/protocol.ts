/**
 * What the editor extension and the language server agree on, declared once and
 * imported by both: the diagnostic source, the fix-all code action kind, which file
 * names are Dockerfiles, and the custom requests with their params and results.
 *
 * The extension (client/) may import nothing else from server/src
 * (test/unit/boundaries.test.ts), so this file imports nothing but the pure, tiny
 * server/src/shared (a type here): whatever it pulls in would land in the extension's
 * bundle and start-up.
 *
 * Other editors can use the same requests; docs/editors.md names them.
 */

import type { GroundedEvidence } from './shared/groundedEvidence';

/** `source` of every diagnostic the distroless rules publish (syntax checks keep dockerfile-utils' own). */
export const SOURCE = 'distroless';

/**
 * The code action kind of "fix all distroless problems": under `source.fixAll`, so
 * `editor.codeActionsOnSave: { "source.fixAll": "explicit" }` runs it.
 */
export const FIX_ALL_KIND = 'source.fixAll.distroless';

/** The file names the extension associates with the dockerfile language (package.json `languages`). */
export function isDockerfileName(name: string): boolean {
  return /^(Dockerfile|Containerfile)$/i.test(name) || /\.dockerfile$/i.test(name) || /^(Dockerfile|Containerfile)\.[^/]+$/i.test(name);
}

/**
 * `distroless/convert`: the whole-file conversion of a Dockerfile to a multi-stage
 * build that ships on a distroless image, planned by the language server with the
 * same configuration its diagnostics use (the project's configuration file, the
 * `distroless.target` setting over the file's target, the registry mirror, the files
 * beside the Dockerfile). The server only answers; the client decides whether and how
 * to apply the text.
 */
export const CONVERT_REQUEST = 'distroless/convert';

export interface ConvertParams {
  /** The Dockerfile: its folder locates the configuration file and the files beside it. */
  textDocument: { uri: string };
  /**
   * The text to convert. When absent the server converts its synchronized copy of
   * the document (which must then be open). A client that will replace a precise
   * version sends that version's text, so the answer is about exactly what it holds.
   */
  text?: string;
  /**
   * What the built original image showed (Convert from Build…: the extension builds
   * and reads the image with the shared Docker code, the server converts with it).
   */
  grounded?: GroundedEvidence;
}

export type ConvertResult =
  | {
      status: 'converted';
      /** The converted Dockerfile, to replace the whole document. */
      text: string;
      /** The app's language as the converter detected it: go, node, python, java, rust, dotnet or c. */
      language: string;
      /** The image the shipped stage runs on after conversion. */
      runtimeImage: string;
      /** Instructions that do not reach the runtime image (also listed in a comment in `text`). */
      dropped: string[];
    }
  /** The shipped stage already runs on a shell-less image: there is nothing to convert. */
  | { status: 'unchanged'; runtimeImage: string }
  /** Why the file cannot be converted, as a clause ("the Dockerfile has no FROM instruction"). */
  | { status: 'refused'; reason: string };

/**
 * `distroless/shippedStage`: which stage of an open Dockerfile ships (the build target,
 * else the last stage) and on what image; the VS Code status bar shows it.
 */
export const SHIPPED_STAGE_REQUEST = 'distroless/shippedStage';

export interface ShippedStageParams {
  uri: string;
}

/** The answer; `null` when the document is not open or has no stage. */
export interface ShippedStage {
  /** `AS` name, or undefined for an unnamed stage. */
  name?: string;
  /** 0-based index among the file's stages. */
  index: number;
  /** How many stages the file has. */
  stages: number;
  /** The image the stage runs on (through its parent stages and ARG defaults), when known. */
  image?: string;
  /** True when the image has no shell (distroless, scratch, chiseled). */
  shellless: boolean;
  /** The stage was chosen by the target setting or configuration file, not by being last. */
  targeted: boolean;
  /** Where the target was read (the setting, .distroless.yaml, compose.yaml's service "web", …). */
  targetSource?: string;
  /** False when nothing is known about the base image (not on this machine, not in the table, not declared). */
  baseKnown?: boolean;
}

/**
 * Commands a client runs itself, announced in `initializationOptions.clientCommands`.
 * Code actions name them only for such a client (VS Code): Convert shows its diff
 * before anything changes, the rule documentation opens in Markdown preview. Other
 * editors get the conversion as an edit and the documentation through window/showDocument.
 */
export const CLIENT_CONVERT_COMMAND = 'distroless.convertToDistroless';
export const CLIENT_SHOW_RULE_DOCUMENTATION_COMMAND = 'distroless.showRuleDocumentation';
