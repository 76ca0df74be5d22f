/**
 * Converts a Dockerfile whose shipped stage runs on a general-purpose image into a
 * multi-stage build that ships only the artifact on a distroless image
 * (../shared/spec/conversion.md). Pure: text and workspace files in, text out.
 *
 * Idempotence: a file whose shipped stage is already shell-less (distroless,
 * chiseled, Chainguard, scratch) comes back `ok: true` with the same text and
 * `changed: false`, so "convert twice" is a no-op rather than an error.
 */
import type { Instruction } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import { applyEdits } from '../edits';
import { DockerfileModel, Stage, offsetOf, rangeOf } from '../model';
import { basename, commandsOf, joinedText, rawText } from '../shell';
import { SYSTEM_PACKAGE_MANAGERS, packageChanges } from '../packages';
import { copyAt, resolvePath, stageChainFromBase } from '../stages';
import { copiedFromFinder, isShellScript, runSteps, startCommand, execLine } from './common';
import { detectLanguage, languageOfRuntime } from './detect';
import { goConverter } from './go';
import { nodeConverter } from './node';
import { pythonConverter } from './python';
import { javaConverter } from './java';
import { rustConverter } from './rust';
import { dotnetConverter } from './dotnet';
import { ccConverter } from './cc';
import type { ConversionPlan, ConvertOptions, Language, LanguageContext, LanguageConverter, Plan } from './types';
import { imageOf, imageRangeOf } from '../instructions';
import { openTail } from '../tail';
import { planForTarget } from './targets';
import { SUPPRESSION_COMMENT } from '../suppressions';
import { classifyImage, isWindowsImage, type ImageInfo, type Runtime } from '../imageFacts';
import { lowPortNote, missingAtRuntime, movedOutOfRoot, runtimeHome } from './runtimeNeeds';
import { groundExtensions, groundPlan, groundWorkdir, groundedStart } from './groundedPlan';
import { groundedRuntimePackages } from './groundedPackages';

export type { ConversionPlan, ConvertOptions, ConvertResult, Language } from './types';
export { IMAGE_TARGETS, type ImageTarget } from './targets';

const CONVERTERS: Record<Language, LanguageConverter> = {
  go: goConverter, node: nodeConverter, python: pythonConverter, java: javaConverter,
  rust: rustConverter, dotnet: dotnetConverter, c: ccConverter,
};

/** Debuggers that run the app under them (argo-cd's Tilt image starts `dlv exec`): the image is for development. */
const DEBUGGERS: Record<string, string> = { dlv: 'the Delve debugger', gdb: 'the GNU debugger', gdbserver: 'the GNU debugger', lldb: 'the LLDB debugger', 'lldb-server': 'the LLDB debugger' };

/** Directories where a bare program name in CMD is usually installed. */
const PATH_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/go/bin', '/usr/local/cargo/bin'];

/** Plans already made, per model: final-stage-full-os's fix and convert of the same Analysis share one. */
const plans = new WeakMap<DockerfileModel, ConversionPlan>();

/**
 * The converter's decision for a model, planned once per model. The model is the
 * Analysis's (analysis.ts), built with every option lint has (target, registry mirror,
 * build args, platform, image facts), so the converter sees the images lint sees.
 */
export function conversionOf(model: DockerfileModel, options: ConvertOptions = {}): ConversionPlan {
  // A build's evidence is for one `convert --build`: that plan is neither kept nor shared.
  if (options.grounded) return planConversion(model, options);
  let plan = plans.get(model);
  if (!plan) {
    plan = planConversion(model, options);
    plans.set(model, plan);
  }
  return plan;
}

/**
 * Whether the file converts, and to which runtime image, or why not. Writing the file
 * is left to write(), because the lint rule final-stage-full-os needs the decision
 * when its fix is read but the converted text only when the fix is applied.
 */
function planConversion(model: DockerfileModel, options: ConvertOptions): ConversionPlan {
  const text = model.text;
  const tail = openTail(text, model.dockerfile);
  if (tail) return { ok: false, reason: tail.reason };
  const stage = model.shipped;
  if (!stage) return { ok: false, reason: 'the Dockerfile has no FROM instruction' };
  const target = model.target?.toLowerCase();
  if (target && stage.name !== target) return { ok: false, reason: `there is no stage named "${model.target}" to convert` };

  const image = stage.resolvedImage ?? imageOf(stage.from) ?? '';
  const windows = windowsStage(model, stage);
  if (windows) {
    return { ok: false, reason: `the ${windows === stage ? 'shipped stage' : `stage "${windows.name ?? windows.index}"`} runs on the Windows image ${windows.resolvedImage ?? imageOf(windows.from) ?? ''}, and there are no distroless images for Windows containers (Nano Server is already the smallest Windows base)` };
  }
  if (stage.base.shellless) {
    const language = languageOfRuntime(stage.base.runtime) ?? 'none';
    return { ok: true, runtimeImage: image, write: () => ({ ok: true, text, changed: false, language, runtimeImage: image, dropped: [] }) };
  }
  if (stage.resolvedImage === undefined) {
    return { ok: false, reason: `the base image "${imageOf(stage.from) ?? ''}" uses a build argument without a default, so it is unknown what it contains: give the ARG a default` };
  }
  if (stage.base.family === 'chainguard') return { ok: false, reason: chainguardReason(image, stage.base) };
  if (stage.base.family !== 'general') {
    const why = stage.base.debug
      ? 'it is a debug variant of a minimal image: switch to the same tag without debug instead'
      : 'it is not an image the converter knows (an OS or a language toolchain image); base the stage on one, or convert by hand';
    return { ok: false, reason: `the shipped stage runs on ${image}, and ${why}` };
  }

  const chain = stageChainFromBase(stage);
  const { runs, workdir } = runSteps(model, stage);
  const grounded = groundedStart(options.grounded);
  if (grounded && 'refuse' in grounded) return { ok: false, reason: grounded.refuse };
  const start = grounded ?? startCommand(model, chain);
  if ('refuse' in start) return { ok: false, reason: start.refuse };
  if (!grounded && start.words.length > 0 && isShellScript(start.words[0])) {
    return { ok: false, reason: `the start command runs the shell script ${start.words[0]}, and the runtime image has no shell: do its work in the build stage or in the program, start the program directly, and convert again` };
  }

  const debuggerName = start.words.length > 0 ? DEBUGGERS[basename(start.words[0])] : undefined;
  if (debuggerName) {
    return { ok: false, reason: `the start command runs ${debuggerName} (${basename(start.words[0])}), which starts and debugs another program at run time: this is a development image, and shipping the debugger alone would not run the app; convert the Dockerfile that starts the program itself` };
  }

  const copiedFrom = copiedFromFinder(model, chain);
  const program = start.words[0];
  const programPaths = program === undefined ? [] : program.includes('/') || program.startsWith('.') ? [resolvePath(program, workdir)] : PATH_DIRS.map((d) => `${d}/${program}`);
  const copied = programPaths.map((p) => copiedFrom(p)).find((c) => c !== undefined);
  const artifactRuns = copied ? runSteps(model, copied.stage).runs : [];

  const language = detectLanguage({ start: start.words, artifactStage: copied?.stage, chain, runs, artifactRuns, workspace: options.workspace });
  if (!language) {
    return { ok: false, reason: `the language of the app could not be determined from ${image}, the build commands or the files beside the Dockerfile: build it on a language image (golang, node, python, eclipse-temurin, rust, dotnet/sdk, gcc) or add its manifest (go.mod, package.json, requirements.txt, pom.xml, Cargo.toml, *.csproj)` };
  }

  const renameForTarget = target !== undefined && stage.name === target;
  const buildName = renameForTarget ? uniqueName(model, `${target}-build`) : stage.name ?? uniqueName(model, 'build');
  const context: LanguageContext = {
    model, stage, chain, workspace: options.workspace, runs, workdir,
    start: start.words, entrypointLength: start.entrypointLength, buildName, copiedFrom,
    distrolessRegistry: options.distrolessRegistry,
  };
  const planned = CONVERTERS[language].plan(context);
  if ('refuse' in planned) return { ok: false, reason: planned.refuse };
  // What the built image showed comes first: grounding can move a distroless runtime (static -> cc).
  const evidence = options.grounded ? groundPlan(planned, language, options.grounded, context, grounded && 'env' in grounded ? grounded.env : []) : undefined;
  if (evidence && 'refuse' in evidence) return { ok: false, reason: evidence.refuse };
  const packagesRead = options.grounded ? groundedRuntimePackages(context, planned, options.grounded) : undefined;
  if (packagesRead && packagesRead !== 'carried') return { ok: false, reason: packagesRead.refuse };
  const extensions = options.grounded ? groundExtensions(planned, language, options.grounded, context) : undefined;
  if (extensions) return { ok: false, reason: extensions.refuse };
  if (options.grounded) groundWorkdir(planned, options.grounded, context);
  const missing = missingAtRuntime(context, planned, language, copied ? { stage: copied.stage, runs: artifactRuns } : undefined, { script: grounded !== undefined, libraries: evidence?.librariesKnown ?? false, packages: packagesRead === 'carried' });
  if (missing) return { ok: false, reason: missing };
  // The family to ship on (convert --to); the language converters pick distroless.
  const plan = planForTarget(planned, options.to);
  if ('refuse' in plan) return { ok: false, reason: plan.refuse };
  if (start.words.length === 0) {
    // The base image's own CMD (a shell, a REPL) is not the app: inventing one would ship an image that runs something else.
    return { ok: false, reason: `the image has no start command (no CMD or ENTRYPOINT in ${chain.length > 1 ? 'the shipped stage or the stages it builds on' : 'the shipped stage'}), and the converter does not invent one: add the CMD or ENTRYPOINT that starts the app and convert again` };
  }

  return {
    ok: true,
    runtimeImage: plan.runtimeImage,
    write: () => {
      const { text: converted, dropped } = assemble(context, plan, renameForTarget ? stage.name : undefined);
      return { ok: true, text: converted, changed: converted !== text, language, runtimeImage: plan.runtimeImage, dropped };
    },
  };
}

function uniqueName(model: DockerfileModel, wanted: string): string {
  let name = wanted;
  for (let n = 2; model.stages.some((s) => s.name === name); n++) name = `${wanted}-${n}`;
  return name;
}

const CARRIED = new Set(['ARG', 'ENV', 'LABEL', 'EXPOSE', 'VOLUME', 'STOPSIGNAL']);
const USER_MANAGEMENT = /^(?:useradd|adduser|groupadd|addgroup|usermod)$/;

/** One line for the comment: continuation lines folded, long lines shortened. */
function oneLine(model: DockerfileModel, instruction: Instruction): string {
  const line = joinedText(rawText(model, instruction), model.escape).replace(/\s+/g, ' ').trim();
  return line.length > 110 ? `${line.slice(0, 107)}...` : line;
}

/** Comment lines directly above an instruction (not parser directives, not suppressions). */
function commentsAbove(model: DockerfileModel, instruction: Instruction): string[] {
  const lines = model.text.split(/\r?\n/);
  const out: string[] = [];
  for (let l = instruction.getRange().start.line - 1; l >= 0; l--) {
    const line = lines[l];
    if (!/^\s*#/.test(line) || /^\s*#\s*(?:syntax|escape|check)\s*=/i.test(line) || SUPPRESSION_COMMENT.test(line)) break;
    out.unshift(line.trim());
  }
  return out;
}

/** Instructions of the shipped stage the runtime stage leaves out (listed in its header comment). */
function isDropped(model: DockerfileModel, instruction: Instruction, replaced: boolean): boolean {
  const keyword = instruction.getKeyword();
  if (['USER', 'HEALTHCHECK', 'SHELL', 'ONBUILD'].includes(keyword)) return true;
  if (keyword === 'RUN') {
    if (replaced) return true;
    const commands = commandsOf(model, instruction);
    // OS packages and users: the runtime image has neither a package manager nor useradd.
    return packageChanges(commands).some((c) => c.action === 'install' && c.manager in SYSTEM_PACKAGE_MANAGERS)
      || commands.some((c) => USER_MANAGEMENT.test(basename(c.words[0]?.value ?? '')));
  }
  if ((keyword === 'COPY' || keyword === 'ADD') && replaced) {
    const paths = copyAt(model, instruction);
    return paths !== undefined && paths.flags.from === undefined && paths.sources.some((s) => s === '.' || s === './');
  }
  return false;
}

/**
 * A COPY kept in a replaced stage: a --chown by a name the runtime's passwd lacks (or a
 * variable it does not set) becomes the numeric id of the user the runtime image runs
 * as: 65532 on distroless, 1654 (`app`) on chiseled .NET, so the app still owns its files.
 */
function keptCopy(model: DockerfileModel, instruction: Instruction, edits: TextEdit[], runtimeImage: string): string {
  const raw = editedText(model, instruction, edits);
  const user = classifyImage(runtimeImage).defaultUser;
  const runtimeUser = user?.uid !== undefined && user.uid !== 0 ? user : undefined;
  const names = ['root', 'nonroot', 'nobody', ...(runtimeUser ? [runtimeUser.name] : [])].join('|');
  const known = new RegExp(`^(?:\\d+|${names})(?::(?:\\d+|${names}))?$`);
  const owner = runtimeUser ? `${runtimeUser.uid}:${runtimeUser.gid ?? runtimeUser.uid}` : '65532:65532';
  return raw.replace(/--chown=(\S+)/, (m, written: string) => (known.test(written) ? m : `--chown=${owner}`));
}

/**
 * An instruction's text as the converted build stage has it: the plan's edits that fall
 * inside it applied (a carried `ENV PYTHONPATH=…/python3.12/…` follows the version move too).
 */
function editedText(model: DockerfileModel, instruction: Instruction, edits: TextEdit[]): string {
  const r = instruction.getRange();
  const start = offsetOf(model, r.start);
  const end = offsetOf(model, r.end);
  const inside = edits
    .map((e) => ({ from: offsetOf(model, e.range.start), to: offsetOf(model, e.range.end), text: e.newText }))
    .filter((e) => e.from >= start && e.to <= end)
    .sort((a, b) => b.from - a.from);
  let text = model.text.slice(start, end);
  for (const e of inside) text = text.slice(0, e.from - start) + e.text + text.slice(e.to - start);
  return text;
}

function assemble(context: LanguageContext, plan: Plan, runtimeName: string | undefined): { text: string; dropped: string[] } {
  const { model, stage, chain } = context;
  const eol = model.eol;
  const edits: TextEdit[] = [...(plan.edits ?? [])];
  const replaced = plan.replaceShipped;
  const sources = replaced ? [stage] : chain;

  const dropped: string[] = [];
  const body: string[] = [];
  for (const s of sources) {
    for (const instruction of s.instructions) {
      const keyword = instruction.getKeyword();
      if (isDropped(model, instruction, replaced)) {
        dropped.push(oneLine(model, instruction));
        continue;
      }
      const keep = CARRIED.has(keyword) || (replaced && (keyword === 'COPY' || keyword === 'ADD' || keyword === 'WORKDIR' || keyword === 'MAINTAINER'));
      if (!keep) continue;
      body.push(...commentsAbove(model, instruction));
      body.push(keyword === 'COPY' ? keptCopy(model, instruction, edits, plan.runtimeImage) : editedText(model, instruction, edits).replace(/\r?\n/g, eol));
    }
  }
  const workdir = plan.workdir ?? context.workdir;
  if (!replaced && (workdir !== '/' || plan.imageSetsWorkdir)) body.push(`WORKDIR ${workdir}`);
  // Replaced, the stage's own WORKDIR lines are carried; only `/` (none written) needs saying on an image with a WORKDIR of its own.
  if (replaced && (plan.workdir || (plan.imageSetsWorkdir && workdir === '/'))) body.push(`WORKDIR ${workdir}`);
  body.push(...plan.copies, ...(plan.env ?? []));
  if (plan.entrypoint) body.push(execLine('ENTRYPOINT', plan.entrypoint));
  if (plan.cmd && plan.cmd.length > 0) body.push(execLine('CMD', plan.cmd));

  // /root is 0700 root on distroless and chiseled images: what would live there moves to the user's home.
  const home = runtimeHome(plan.runtimeImage);
  const notes = [...(plan.notes ?? [])];
  if (home && body.some((line) => movedOutOfRoot(line, home) !== line)) {
    body.splice(0, body.length, ...body.map((line) => movedOutOfRoot(line, home)));
    notes.push(`Paths under /root now name ${home}: /root is readable only by root there, and the image runs as a non-root user.`);
  }
  const lowPorts = lowPortNote(context, plan.runtimeImage);
  if (lowPorts) notes.push(lowPorts);
  const header = ['# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).'];
  if (dropped.length > 0) {
    header.push(`# Not carried over from ${replaced ? 'the original stage' : `the build stage "${context.buildName}"`}, because they cannot run here or do not apply:`);
    header.push(...dropped.map((d) => `#   ${d}`));
  }
  header.push(...notes.map((n) => `# ${n}`));
  const from = `FROM ${plan.fromImage ?? plan.runtimeImage}${runtimeName ? ` AS ${runtimeName}` : replaced && stage.from.getBuildStage() ? ` AS ${stage.from.getBuildStage()}` : ''}`;
  const runtimeText = [...header, from, ...body].join(eol);

  const stageStart = offsetOf(model, stage.from.getRange().start);
  const stageEnd = offsetOf(model, stage.range.end);
  if (replaced) {
    // Comments directly above the old FROM described the old stage; the header replaces them.
    edits.push({ range: rangeOf(model, stageStart, stageEnd), newText: runtimeText });
  } else {
    edits.push(...buildStageNaming(model, stage, context.buildName, runtimeName));
    const appended = (plan.append ?? []).map((line) => `${eol}${line}`).join('');
    edits.push({ range: rangeOf(model, stageEnd, stageEnd), newText: `${appended}${eol}${eol}${runtimeText}` });
  }
  return { text: applyEdits(model.text, edits), dropped };
}

/**
 * Names the build stage: `AS build` when unnamed; when a target named the shipped
 * stage, the runtime stage takes that name (so `--target` builds it) and references
 * from later stages follow the build stage under its new name.
 */
function buildStageNaming(model: DockerfileModel, stage: Stage, buildName: string, runtimeName: string | undefined): TextEdit[] {
  const edits: TextEdit[] = [];
  const nameRange = stage.from.getBuildStageRange();
  if (!nameRange) {
    const end = imageRangeOf(stage.from)?.end ?? stage.from.getRange().end;
    edits.push({ range: { start: end, end }, newText: ` AS ${buildName}` });
    return edits;
  }
  if (!runtimeName) return edits;
  edits.push({ range: nameRange, newText: buildName });
  for (const later of model.stages.slice(stage.index + 1)) {
    const imageRange = imageRangeOf(later.from);
    if (imageRange && imageOf(later.from)?.toLowerCase() === runtimeName) edits.push({ range: imageRange, newText: buildName });
    for (const i of later.instructions) {
      const copy = i.getKeyword() === 'COPY' ? copyAt(model, i) : undefined;
      const range = copy?.flags.fromRange;
      if (range && copy?.flags.from?.toLowerCase() === runtimeName) edits.push({ range, newText: buildName });
    }
  }
  return edits;
}

/**
 * The first stage on a Windows image among the shipped stage's chain and the stages it
 * copies from (transitively): a Windows container has no Linux distroless counterpart.
 */
function windowsStage(model: DockerfileModel, shipped: Stage): Stage | undefined {
  const seen = new Set<Stage>();
  const visit = (s: Stage): Stage | undefined => {
    if (seen.has(s)) return undefined;
    seen.add(s);
    for (const c of stageChainFromBase(s)) {
      if (isWindowsImage(c.base)) return c;
      for (const i of c.instructions) {
        const from = i.getKeyword() === 'COPY' ? copyAt(model, i)?.fromStage : undefined;
        const hit = from && from.index < s.index ? visit(from) : undefined;
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return visit(shipped);
}

/** The shell-less Chainguard runtime each build image's artifact ships on. */
const CHAINGUARD_RUNTIMES: Partial<Record<Runtime, string>> = { go: 'static', rust: 'glibc-dynamic', c: 'glibc-dynamic', java: 'jre', node: 'node', python: 'python' };

/**
 * Why a Chainguard image that keeps a shell is not converted: it is already a minimal
 * image, and the way to ship without its shell is Chainguard's own (the standard tag
 * instead of -dev, or a runtime image such as static), not a move to gcr.io/distroless.
 */
function chainguardReason(image: string, base: ImageInfo): string {
  const segments = base.ref.path.split('/');
  const name = segments.pop() ?? '';
  if (base.debug) {
    return `the shipped stage runs on ${image}, the -dev variant of Chainguard's minimal ${name} image (it adds a shell and apk): use the standard tag without -dev, which has neither, instead of converting`;
  }
  const runtime = CHAINGUARD_RUNTIMES[base.runtime];
  const target = runtime ? [base.ref.registry, ...segments, runtime].filter((part) => part).join('/') : 'a shell-less Chainguard image (static, glibc-dynamic, jre, node, python)';
  return `the shipped stage runs on ${image}, which is already a minimal Chainguard image (Chainguard's ${name} image${base.shell === 'yes' ? ', which includes a shell' : ''}), and the converter moves only general-purpose images to distroless: to ship without a shell, copy the built artifact onto ${target} in a last stage`;
}
