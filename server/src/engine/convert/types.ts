/** The contract between the conversion pipeline (index.ts) and each language. */
import type { Instruction } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Stage } from '../model';
import type { WorkspaceFiles } from '../types';
import type { Command } from '../shell';
import type { GroundedEvidence } from './grounded';

export type Language = 'go' | 'node' | 'python' | 'java' | 'rust' | 'dotnet' | 'c';

export type ConvertResult =
  | {
      ok: true;
      /** The converted Dockerfile; equal to the input when it already ships on a shell-less image. */
      text: string;
      /** False when the input already shipped on a shell-less image and was returned unchanged. */
      changed: boolean;
      /** The language of the app, or 'none' for an unchanged file whose language was not needed. */
      language: Language | 'none';
      /** The image the shipped stage runs on after conversion. */
      runtimeImage: string;
      /** The instructions that do not reach the runtime image, as listed in the comment above it. */
      dropped: string[];
    }
  | { ok: false; reason: string };

/** The converter's decision (conversionOf): the refusal as convert() gives it, or the runtime image and a way to write the result. */
export type ConversionPlan =
  | { ok: false; reason: string }
  | {
      ok: true;
      /** The image the shipped stage runs on after conversion (as convert() reports it). */
      runtimeImage: string;
      /** What convert() returns; each call writes the converted file again. */
      write(): Extract<ConvertResult, { ok: true }>;
    };

/** What the converter reads besides the model (the Analysis passes its own). */
export interface ConvertOptions {
  workspace?: WorkspaceFiles;
  /** The project's mirror of gcr.io/distroless (configuration `registry`). */
  distrolessRegistry?: string;
  /** The image family to ship on (`--to`, configuration `convertTo`); distroless when absent. */
  to?: 'distroless' | 'chainguard' | 'dhi';
  /** What the built original image showed (`convert --build`): the start program, its script or its libraries. */
  grounded?: GroundedEvidence;
}

/** A RUN step split into simple commands, with the WORKDIR it runs in. */
export interface RunStep {
  instruction: Instruction;
  stage: Stage;
  /** The shell text after RUN and its flags, line continuations joined. */
  text: string;
  /** The words of each simple command that runs a program (assignment-only and bare here-document commands are left out). */
  commands: string[][];
  /** The same commands as the shell model reads them, with document offsets (engine/shell.ts). */
  shell: Command[];
  workdir: string;
}

/** Where a file of the shipped stage came from, when another stage's COPY put it there. */
export interface CopiedFile {
  stage: Stage;
  /** Absolute path in `stage`. */
  source: string;
  instruction: Instruction;
}

export interface LanguageContext {
  model: DockerfileModel;
  /** The shipped stage. */
  stage: Stage;
  /** The shipped stage and the stages it is built FROM, root first. */
  chain: Stage[];
  workspace?: WorkspaceFiles;
  /** RUN steps of the chain, in order. */
  runs: RunStep[];
  /** WORKDIR at the end of the shipped stage (absolute, `/` when never set). */
  workdir: string;
  /** The start command as words (ENTRYPOINT words then CMD words); empty when there is none. */
  start: string[];
  /** How many leading words of `start` came from ENTRYPOINT. */
  entrypointLength: number;
  /** The name the build stage will have in the output. */
  buildName: string;
  /** Where the distroless images come from (the project's mirror, or gcr.io/distroless). */
  distrolessRegistry?: string;
  /** Which stage (other than the shipped one) put `absolutePath` into the shipped stage, if any. */
  copiedFrom(absolutePath: string): CopiedFile | undefined;
}

export interface Plan {
  runtimeImage: string;
  /**
   * The image as written in the new FROM when it differs from runtimeImage only in how it
   * is spelled (a registry ARG kept: `${REGISTRY}/dotnet/aspnet:10.0-noble-chiseled`).
   */
  fromImage?: string;
  /**
   * True: the shipped stage only assembles files copied from other stages, so it is
   * replaced by the runtime stage (its COPY lines kept). False: it becomes the build
   * stage and the runtime stage follows it.
   */
  replaceShipped: boolean;
  /** COPY lines of the runtime stage (mode replaceShipped=false), after carried instructions. */
  copies: string[];
  /** ENV lines the runtime needs (PYTHONPATH, JAVA_TOOL_OPTIONS). */
  env?: string[];
  /** WORKDIR of the runtime stage; the build's WORKDIR when absent. */
  workdir?: string;
  /**
   * The runtime image sets a WORKDIR of its own (DHI node and Chainguard jre: /app), so the
   * runtime stage writes its WORKDIR even when it is `/`, where relative paths in CMD start.
   */
  imageSetsWorkdir?: boolean;
  entrypoint?: string[];
  cmd?: string[];
  /** Edits to the original text inside build stages (compiler flags, builder tag). */
  edits?: TextEdit[];
  /** Instructions added at the end of the build stage. */
  append?: string[];
  /** Notes for the comment, besides the dropped instructions. */
  notes?: string[];
}

export type PlanResult = Plan | { refuse: string };

export interface LanguageConverter {
  language: Language;
  plan(context: LanguageContext): PlanResult;
}
