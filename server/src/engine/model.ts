/**
 * The parsed Dockerfile and its stage model: what every rule and the converter
 * reason about. Built once per lint; pure (no I/O).
 */
import { DockerfileParser, Dockerfile, Instruction, From, Arg, Env, JSONInstruction } from 'dockerfile-ast';
import './parserGuards';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import { ImageInfo, ImageUser, ROOT, DISTROLESS_USERS } from './imageFacts';
import { argumentsContentOf, argumentsOf, imageOf, rememberReads } from './instructions';
import { imageFactsFor, observedUsers, type DeclaredImage, type ObservedImages } from './observedImage';
import { applyBuildArgs, collectArg, fromPlatform, substituteVariables } from './buildArgs';

export interface ResolvedUser {
  /** As written (or the base image's default user name). */
  text: string;
  /** Numeric uid when known. */
  uid?: number;
  /** Where the value comes from. */
  source: 'base' | 'instruction' | 'unknown';
  instruction?: Instruction;
}

export interface Stage {
  index: number;
  /** The `AS name`, lower-cased; undefined when unnamed. */
  name?: string;
  from: From;
  /** Image text after ARG substitution; undefined when a variable has no default. */
  resolvedImage?: string;
  /** Set when FROM names an earlier stage. */
  parent?: Stage;
  /** The image at the root of the FROM chain (through parents). */
  base: ImageInfo;
  /** Instructions of this stage, FROM excluded. */
  instructions: Instruction[];
  /** The range from FROM to the end of the stage's last instruction. */
  range: Range;
  shellless: boolean;
  user: ResolvedUser;
  /** Last ENTRYPOINT in the stage or an ancestor stage. */
  entrypoint?: Instruction;
  /** Whether the stage (or an ancestor) overrides the base image's ENTRYPOINT. */
  entrypointOverridden: boolean;
  /** ENV names to values visible at the end of the stage (ancestors included). */
  env: Map<string, string>;
}

export interface DockerfileModel {
  text: string;
  document: TextDocument;
  dockerfile: Dockerfile;
  /** ARGs before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
  /** The stage that is shipped: the `--target` one when given and found, else the last. */
  shipped?: Stage;
  /** The build target the model was built for, as given (the converter keeps it building). */
  target?: string;
  /** The Dockerfile's escape character (`# escape=` directive; `\\` by default). */
  escape: string;
  /** The line ending lines added to this file get: `\r\n` when the file has one, else `\n`. */
  eol: '\r\n' | '\n';
}

export interface ModelOptions {
  /** Build target (stage name); the last stage ships when absent or unknown. */
  target?: string;
  /** Mirror prefix whose images classify as distroless (see imageFacts.classifyImage). */
  distrolessRegistry?: string;
  /** Facts read from local images, by resolved reference (see observedImage.ts). */
  images?: ObservedImages;
  /** Build args that override global ARG defaults (configuration `buildArgs`). */
  buildArgs?: Readonly<Record<string, string>>;
  /** The platform the build runs on and for (`linux/amd64`): fills $TARGETARCH and the other automatic ARGs. */
  platform?: string;
  /** Facts the configuration file declares for images (`images:`). */
  declaredImages?: Readonly<Record<string, DeclaredImage>>;
}

export function parseDockerfile(text: string): Dockerfile {
  return rememberReads(DockerfileParser.parse(text));
}

function userFromText(text: string, base: ImageInfo): ResolvedUser['uid'] {
  const user = text.split(':')[0].trim();
  if (/^\d+$/.test(user)) return Number(user);
  if (user === 'root') return 0;
  if (base.family === 'distroless' || base.family === 'chainguard') {
    return DISTROLESS_USERS.find((u) => u.name === user)?.uid;
  }
  if (base.defaultUser && base.defaultUser.name === user) return base.defaultUser.uid;
  return observedUsers(base)?.find((u) => u.name === user)?.uid;
}

function defaultUser(base: ImageInfo): ResolvedUser {
  const u: ImageUser | undefined = base.defaultUser;
  if (!u) return { text: '', source: 'unknown' };
  return { text: u.name, uid: u.uid, source: 'base' };
}

/** `parsed`: the tree dockerfile-ast made of exactly `text`, when the caller has it (the CLI parses to find the base images first). */
export function buildModel(text: string, options: ModelOptions = {}, parsed?: Dockerfile): DockerfileModel {
  const dockerfile = parsed ?? parseDockerfile(text);
  const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  const globalArgs = new Map<string, string | undefined>();
  for (const arg of dockerfile.getInitialARGs()) collectArg(arg, globalArgs);
  applyBuildArgs(globalArgs, options.buildArgs, options.platform);

  const froms = dockerfile.getFROMs();
  const all = dockerfile.getInstructions();
  // One pass over the instructions: each belongs to the FROM before it (a per-stage filter is quadratic).
  const byStage: Instruction[][] = froms.map(() => []);
  let current = -1;
  for (const instruction of all) {
    if (current + 1 < froms.length && instruction === froms[current + 1]) {
      current++;
      continue;
    }
    if (current >= 0) byStage[current].push(instruction);
  }
  const stages: Stage[] = [];
  froms.forEach((from, index) => {
    const instructions = byStage[index];
    const rawImage = imageOf(from) ?? '';
    // BuildKit reads FROM's image as a shell word: quotes around it are not part of the name.
    const resolvedImage = substituteVariables(/^(["'])[^"']*\1$/.test(rawImage) ? rawImage.slice(1, -1) : rawImage, globalArgs);
    const lowered = resolvedImage?.toLowerCase();
    const parent = lowered ? [...stages].reverse().find((s) => s.name !== undefined && s.name === lowered) : undefined;
    const base = parent ? parent.base : imageFactsFor(resolvedImage ?? '', options, fromPlatform(from, globalArgs));
    const last = instructions.length > 0 ? instructions[instructions.length - 1] : from;
    const stageName = buildStageOf(from, text, document)?.toLowerCase();

    const env = new Map<string, string>(parent ? parent.env : []);
    const stageArgs = new Map<string, string | undefined>(globalArgs);
    let user: ResolvedUser = parent ? parent.user : defaultUser(base);
    let entrypoint = parent?.entrypoint;
    let entrypointOverridden = parent?.entrypointOverridden ?? false;
    for (const instruction of instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'ENV') {
        for (const p of (instruction as Env).getProperties()) {
          const value = p.getValue();
          if (value !== null) env.set(p.getName(), value);
        }
      } else if (keyword === 'ARG') {
        collectArg(instruction as Arg, stageArgs);
      } else if (keyword === 'USER') {
        const args = argumentsContentOf(instruction) ?? '';
        const vars = new Map<string, string | undefined>([...stageArgs, ...env]);
        const resolved = substituteVariables(args.trim(), vars);
        user = resolved === undefined
          ? { text: args.trim(), source: 'unknown', instruction }
          : { text: resolved, uid: userFromText(resolved, base), source: 'instruction', instruction };
      } else if (keyword === 'ENTRYPOINT') {
        entrypoint = instruction;
        entrypointOverridden = true;
      }
    }
    stages.push({
      index,
      name: stageName,
      from,
      resolvedImage,
      parent,
      base,
      instructions,
      range: { start: from.getRange().start, end: last.getRange().end },
      shellless: base.shellless,
      user,
      entrypoint,
      entrypointOverridden,
      env,
    });
  });

  const target = options.target?.toLowerCase();
  const shipped = (target ? stages.find((s) => s.name === target) : undefined) ?? stages[stages.length - 1];
  return { text, document, dockerfile, globalArgs, stages, shipped, target: options.target, escape: dockerfile.getEscapeCharacter(), eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/**
 * from.getBuildStage(), read from the FROM's arguments already read (instructions.ts):
 * dockerfile-ast re-reads them on each call, which cost a third as much as parsing the FROM.
 */
function buildStageOf(from: From, text: string, document: TextDocument): string | undefined {
  const args = argumentsOf(from);
  if (args.length <= 2 || args[1].getValue().toUpperCase() !== 'AS') return undefined;
  const range = args[2].getRange();
  return text.slice(document.offsetAt(range.start), document.offsetAt(range.end));
}

/** True when the uid is known to be root. */
export function isRootUser(user: ResolvedUser): boolean {
  return user.uid === ROOT.uid;
}

/** Exec-form arguments of a CMD/ENTRYPOINT/RUN/HEALTHCHECK, or undefined when it is in shell form. */
const execCache = new WeakMap<Instruction, string[] | null>();

export function execFormArguments(instruction: Instruction): string[] | undefined {
  let cached = execCache.get(instruction);
  if (cached === undefined) {
    cached = readExecForm(instruction) ?? null;
    execCache.set(instruction, cached);
  }
  return cached ?? undefined;
}

function readExecForm(instruction: Instruction): string[] | undefined {
  const json = instruction as JSONInstruction;
  if (typeof json.getOpeningBracket !== 'function') {
    // HEALTHCHECK is not a JSONInstruction: parse its CMD arguments ourselves.
    return parseJsonArray(healthcheckCommandText(instruction) ?? '');
  }
  if (!json.getOpeningBracket() || !json.getClosingBracket()) return undefined;
  return parseJsonArray(argumentsContentOf(instruction) ?? '');
}

/** The text after `HEALTHCHECK [options] CMD`, or undefined for NONE / malformed. */
export function healthcheckCommandText(instruction: Instruction): string | undefined {
  const content = argumentsContentOf(instruction) ?? '';
  const m = /^((?:\s*--\S+)*)\s*CMD\b\s*([\s\S]*)$/i.exec(content);
  return m ? m[2] : undefined;
}

function parseJsonArray(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    // Continuation lines reach us with the backslash-newline already folded by the AST.
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    return undefined;
  }
  return undefined;
}

/** Offset range → LSP range in this model's document. */
export function rangeOf(model: DockerfileModel, start: number, end: number): Range {
  return { start: model.document.positionAt(start), end: model.document.positionAt(end) };
}

export function offsetOf(model: DockerfileModel, position: Range['start']): number {
  return model.document.offsetAt(position);
}
