import { DISTROLESS_USERS, ImageUser, isWindowsImage } from '../imageFacts';
import { nonRuntimeStage } from './runtimeStage';
import type { DockerfileModel, Stage } from '../model';
import type { Finding, Rule } from '../types';
import { commandsOf, rawText } from '../shell';
import { CopyInstruction, chainCopies, stageChainToBase } from '../stages';
import { argumentsContentOf, argumentsOf } from '../instructions';

interface CreatedUser {
  kind: 'user' | 'group';
  name: string;
  uid?: number;
  gid?: number;
  stage: Stage;
}

/**
 * USER by a name the image's /etc/passwd does not have: Docker resolves the name when
 * the container starts and fails with "unable to find user".
 */
export const userNotResolvable: Rule = {
  id: 'user-not-resolvable',
  defaultSeverity: 'error',
  summary: "USER names a user the stage's image cannot resolve.",
  check({ model }) {
    const findings: Finding[] = [];
    if (!model.stages.some((s) => s.instructions.some((i) => i.getKeyword() === 'USER'))) return findings;
    const created = createdUsers(model);
    for (const stage of model.stages) {
      const family = stage.base.family;
      // Windows resolves account names (ContainerUser) its own way; a squash stage carries the copied OS's /etc/passwd.
      if (isWindowsImage(stage.base) || nonRuntimeStage(model, stage) === 'squash') continue;
      // Only a minimal image's /etc/passwd is known; on a general or unknown image a name made elsewhere may still exist.
      const passwdKnown = family === 'scratch' || family === 'distroless' || family === 'dotnet-chiseled' || (family === 'chainguard' && stage.base.shell === 'no');
      let severity: 'warning' | undefined;
      const chain = new Set(stageChainToBase(stage));
      const users = stage.instructions.filter((i) => i.getKeyword() === 'USER');
      // A copied-in /etc/passwd (the classic scratch pattern) brings its own names.
      if (users.length === 0 || chainCopies(model, stage).some(copiesPasswd)) continue;
      for (const instruction of users) {
        const text = (argumentsContentOf(instruction) ?? '').trim();
        if (text.includes('$')) continue;
        const [user, group] = text.split(':');
        const names = [user, group].filter((n): n is string => n !== undefined && n !== '' && !/^\d+$/.test(n));
        if (names.length === 0) continue;
        const madeHere = (n: string) => created.some((c) => c.name === n && chain.has(c.stage));
        const madeElsewhere = (n: string) => created.find((c) => c.name === n && !chain.has(c.stage));
        let reason: string | undefined;
        if (family === 'scratch') {
          reason = 'scratch has no /etc/passwd or /etc/group, so no name resolves there';
        } else if (family === 'distroless') {
          const unknown = names.find((n) => !DISTROLESS_USERS.some((u) => u.name === n));
          if (unknown) reason = `distroless images only know root, nonroot and nobody, not "${unknown}"`;
        }
        if (!reason) {
          const other = names.map((n) => (madeHere(n) ? undefined : madeElsewhere(n))).find((c) => c !== undefined);
          if (other) {
            reason = `"${other.name}" is created in stage ${other.stage.name ? `"${other.stage.name}"` : other.stage.index}, and users made there do not exist in this stage` +
              (passwdKnown ? '' : ` (unless ${stage.resolvedImage ?? 'its image'} has a user of that name already)`);
            if (!passwdKnown) severity = 'warning';
          }
        }
        if (!reason) continue;
        const numeric = numericUser(user, group, created);
        const args = argumentsOf(instruction);
        const range = { start: args[0].getRange().start, end: args[args.length - 1].getRange().end };
        findings.push({
          range,
          severity,
          message: `USER ${text} cannot be resolved: ${reason}. Docker looks the name up when the container starts and fails with "unable to find user". ` +
            (numeric ? `Use the numeric ids: USER ${numeric}.` : 'Use numeric ids (USER <uid>:<gid>); 65532:65532 is distroless nonroot.'),
          fixes: numeric ? [{ title: `Use USER ${numeric}`, edits: [{ range, newText: numeric }], preferred: true }] : [],
        });
      }
    }
    return findings;
  },
};

function copiesPasswd(paths: CopyInstruction): boolean {
  return !paths.heredoc && [...paths.sources, paths.destination].some((p) => /(?:^|\/)etc\/(?:passwd)?\/?$/.test(p) || /\/etc\/passwd$/.test(p));
}

const KNOWN: readonly ImageUser[] = DISTROLESS_USERS;

/** `uid:gid` for the name, when both ids are known; undefined otherwise. */
function numericUser(user: string, group: string | undefined, created: CreatedUser[]): string | undefined {
  const known = KNOWN.find((u) => u.name === user);
  const made = created.find((c) => c.kind === 'user' && c.name === user);
  const uid = /^\d+$/.test(user) ? Number(user) : known?.uid ?? made?.uid;
  let gid: number | undefined;
  if (group === undefined) gid = known?.gid ?? made?.gid;
  else if (/^\d+$/.test(group)) gid = Number(group);
  else gid = KNOWN.find((u) => u.name === group)?.gid ?? created.find((c) => c.kind === 'group' && c.name === group)?.gid;
  return uid !== undefined && gid !== undefined ? `${uid}:${gid}` : undefined;
}

/** How each tool spells its options: busybox adduser's -g is the GECOS field, useradd's the group. */
const OPTIONS: Record<string, { uid: string[]; gid: string[]; withValue: string[] }> = {
  useradd: { uid: ['-u', '--uid'], gid: ['-g', '--gid'], withValue: ['-s', '--shell', '-d', '--home-dir', '-c', '--comment', '-k', '--skel', '-K', '--key', '-e', '--expiredate', '-f', '--inactive', '-p', '--password', '-G', '--groups', '-b', '--base-dir'] },
  adduser: { uid: ['-u', '--uid'], gid: ['-G', '--gid', '--ingroup'], withValue: ['-h', '--home', '-g', '--gecos', '-s', '--shell', '-k', '--comment', '--firstuid', '--lastuid'] },
  groupadd: { uid: [], gid: ['-g', '--gid'], withValue: ['-K', '--key', '-p', '--password'] },
  addgroup: { uid: [], gid: ['-g', '--gid'], withValue: [] },
};

/** Users and groups made by useradd/adduser/groupadd/addgroup, with the ids given on the command line. */
function createdUsers(model: DockerfileModel): CreatedUser[] {
  const out: CreatedUser[] = [];
  const groups = new Map<string, number>();
  for (const stage of model.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== 'RUN' || !/user|group/.test(rawText(model, instruction))) continue;
      for (const c of commandsOf(model, instruction)) {
        const [program, ...args] = c.words.map((w) => w.value);
        const spec = OPTIONS[program];
        if (!spec) continue;
        let uid: number | undefined;
        let gid: string | undefined;
        const operands: string[] = [];
        for (let i = 0; i < args.length; i++) {
          const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
          const take = () => inline ?? args[++i];
          if (spec.uid.includes(flag)) {
            const v = take();
            uid = v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
          } else if (spec.gid.includes(flag)) {
            gid = take();
          } else if (spec.withValue.includes(flag)) {
            take();
          } else if (!flag.startsWith('-')) {
            operands.push(flag);
          }
        }
        const name = operands[0];
        if (!name) continue;
        const numericGid = gid !== undefined && /^\d+$/.test(gid) ? Number(gid) : gid !== undefined ? groups.get(gid) : undefined;
        if (program === 'groupadd' || program === 'addgroup') {
          // `addgroup user group` adds a member to a group; it creates nothing.
          if (program === 'addgroup' && operands.length === 2) continue;
          if (numericGid !== undefined) groups.set(name, numericGid);
          out.push({ kind: 'group', name, gid: numericGid, stage });
          continue;
        }
        // Without a group option the tools make a same-named group whose gid is only known if a groupadd above gave it.
        out.push({ kind: 'user', name, uid, gid: gid !== undefined ? numericGid : groups.get(name), stage });
      }
    }
  }
  return out;
}
