import { nameAndTag } from '../../shared/imageReference';
import { clip, explained } from '../messages';
import type { Instruction } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import { isWindowsImage, type ImageUser } from '../imageFacts';
import { isRootUser, type DockerfileModel, type Stage } from '../model';
import type { Finding, Fix, Rule, WorkspaceFiles } from '../types';
import { appendToStage, replaceImageEdit, shippedDescription } from './util';
import { argumentsContentOf, imageOf, imageRangeOf } from '../instructions';
import { basename } from '../shell';
import { stageChainToBase } from '../stages';
import { effectiveCmd, nonRuntimeStage, privilegeDrop, privilegedPorts, startScript } from './runtimeStage';

const NONROOT_USER = '65532:65532';
const WHY = 'a process running as root turns any code-execution bug into root in the container and eases escapes to the host.';

/**
 * The shipped stage's effective user is root. Quiet where it is not known (an image
 * the table does not know, a USER from an unset ARG), on Windows (no uids), and on
 * stages that are not runtimes. Every fix changes the user the program runs as, which
 * can stop it starting (files it writes, ports it binds), so none is in fix-all: the
 * user picks it as a quick fix.
 */
export const runsAsRoot: Rule = {
  id: 'runs-as-root',
  defaultSeverity: 'warning',
  summary: "The shipped stage's effective user is root.",
  check({ model, workspace }) {
    const stage = model.shipped;
    if (!stage || !isRootUser(stage.user) || isWindowsImage(stage.base) || nonRuntimeStage(model, stage)) return [];
    const where = shippedDescription(model, stage);
    const range = stage.user.source === 'instruction' && stage.user.instruction ? stage.user.instruction.getRange() : imageRangeOf(stage.from) ?? stage.from.getRange();

    const drop = privilegeDrop(model, stage, workspace);
    if (drop) {
      return [{
        range,
        severity: 'information',
        message: explained(`Starts as root and ${clip(drop.tool, 20)} steps down to another user: keep it covering every process`,
          `${where} starts as root and ${drop.tool} (${drop.where === 'base image' ? 'documented for the base image' : `in ${drop.where}`}) steps down to another user for the main process. ` +
          'That is a supported pattern; a USER instruction would stop the step-down from working. Make sure the step-down covers every process it starts.'),
        fixes: [],
      }];
    }

    const workers = stage.base.workersRunAs;
    const server = stage.base.serverProgram ?? basename(stage.base.ref.path);
    if (workers && stage.user.source === 'base' && startsTheServer(stage, server, workspace)) {
      return [{
        range,
        severity: 'information',
        message: explained(`${clip(server, 20)} keeps its master process as root and serves as ${clip(workers, 12)}: that is by design`,
          `${where} starts ${server} as root, as its image does: the master process binds the ports and reads the configuration, and the worker processes that serve requests run as ${workers}. ` +
          'A USER instruction alone stops it starting (its pid, cache and log files are where only root may write). ' +
          'To run no process as root, configure it for that (a port of 1024 or more, writable pid and cache paths) or use an image built for it, then add a USER.'),
        fixes: [],
      }];
    }

    const fixes = userFixes(model, stage);
    const ports = privilegedPorts(stage);
    const portNote = ports.length > 0
      ? ` It EXPOSEs port ${ports.join(', ')}: as a non-root user, binding below 1024 works on Docker 20.10 and later (unprivileged ports start at 0 there) but fails on Kubernetes by default; move the app to a port of 1024 or more, or grant NET_BIND_SERVICE.`
      : '';
    const suggestion = fixes.length > 0 ? ` ${fixes[0].title.replace(/ \(.*\)$/, '')}${stage.base.appUser ? ` (the image's own non-root user)` : ''}, after checking that the app does not write where only root may.` : '';
    // The headline names the first fix (the nonroot tag, the image's own user, or USER 65532:65532).
    const todo = fixes.length > 0 ? clip(fixes[0].title.replace(/ \(.*\)$/, '').replace(/^Use the /, 'use the ').replace(/^Add /, 'add '), 45) : 'add a non-root USER';
    let finding: Finding;
    if (stage.user.source === 'instruction' && stage.user.instruction) {
      finding = {
        range,
        message: explained(`Switches to root and stays there: switch back after the root steps (${todo})`,
          `${where} switches to root with "${stage.user.instruction.getTextContent().trim()}" and stays there: ${WHY}` +
          ` If root was needed only for build steps, switch back to a non-root user after them.${suggestion}${portNote}`),
        fixes,
      };
    } else {
      const image = stage.resolvedImage ?? imageOf(stage.from) ?? 'its base image';
      finding = {
        range,
        message: explained(`Runs as root (no USER, the image's default): ${todo}`, `${where} runs as root: it sets no USER and ${image} defaults to root; ${WHY}${suggestion}${portNote}`),
        fixes,
      };
    }
    return [finding];
  },
};

/**
 * No start command of this file's own, one that runs the server itself
 * (`CMD ["nginx", "-g", "daemon off;"]`), or an entrypoint script beside the Dockerfile
 * whose last command is `exec nginx …`.
 */
function startsTheServer(stage: Stage, server: string, workspace: WorkspaceFiles | undefined): boolean {
  const starts = stageChainToBase(stage).flatMap((s) => s.instructions).filter((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT');
  // httpd's own CMD is httpd-foreground, php:*-apache's apache2-foreground; nginx has nginx-debug: the same server.
  const name = `${server}(?:-foreground|-debug)?(?:[\\s"',]|$)`;
  if (starts.length === 0 || starts.some((i) => new RegExp(`(?:^|[\\s"'/])${name}`).test(argumentsContentOf(i) ?? ''))) return true;
  const start = stage.entrypoint ?? effectiveCmd(stage);
  const script = start ? startScript(stage, start, workspace) : undefined;
  return script !== undefined && new RegExp(`^\\s*exec\\s+(?:\\S*/)?${name}`).test(lastCommandLine(script.body));
}

/** The last line of a script that is not blank or a comment. */
function lastCommandLine(body: string): string {
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return lines[lines.length - 1] ?? '';
}

/** One fix per way to leave root, the image's own means first; all quick fixes only. */
function userFixes(model: DockerfileModel, stage: Stage): Fix[] {
  const fixes: Fix[] = [];
  const d = stage.base.distroless;
  if (stage.user.source === 'base' && d && !stage.parent && (d.variant === 'latest' || d.variant === 'debug') && !stage.base.ref.digest) {
    const tag = d.variant === 'debug' ? 'debug-nonroot' : 'nonroot';
    const edit = replaceImageEdit(model, stage, (text) => {
      if (text.includes('@')) return undefined;
      const { name } = nameAndTag(text);
      const arch = d.archSuffix ? `-${d.archSuffix}` : '';
      return `${name}:${tag}${arch}`;
    });
    // The tag is the image's own non-root variant: offered instead of a USER line, never with one.
    if (edit) return [{ title: `Use the :${tag} tag (uid 65532)`, edits: [edit], preferred: true, fixAll: false }];
  }
  const own: ImageUser | undefined = stage.base.appUser;
  if (own) fixes.push({ title: `Add USER ${own.name} (uid ${own.uid})`, edits: [userEdit(model, stage, `USER ${own.name}`)], preferred: true, fixAll: false });
  fixes.push({ title: `Add USER ${NONROOT_USER}`, edits: [userEdit(model, stage, `USER ${NONROOT_USER}`)], preferred: !own, fixAll: false });
  return fixes;
}

/**
 * USER goes before the stage's CMD/ENTRYPOINT (where readers look for it) unless a RUN
 * follows them, which must still run as root; otherwise at the end of the stage.
 */
function userEdit(model: DockerfileModel, stage: Stage, line: string): TextEdit {
  const starts = stage.instructions.filter((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT');
  const first: Instruction | undefined = starts[0];
  const lastRoot = stage.user.source === 'instruction' ? stage.user.instruction : undefined;
  if (first && !stage.instructions.slice(stage.instructions.indexOf(first)).some((i) => i.getKeyword() === 'RUN' || i === lastRoot)) {
    const at = { line: first.getRange().start.line, character: 0 };
    const eol = model.eol;
    return { range: { start: at, end: at }, newText: `${line}${eol}` };
  }
  return appendToStage(model, stage, line);
}
