/**
 * Package managers: which ones there are, and what a RUN installs and removes with
 * them (apt, apk, dnf/yum/microdnf/tdnf, zypper, pip), read from the shell model's
 * commands (shell.ts). The one reader of package changes for the rules and the converter.
 */
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel } from './model';
import { basename, commandsOf, rawText, type Command, type Word } from './shell';

/** The operating-system package managers, by the package database they share. */
export const SYSTEM_PACKAGE_MANAGERS: Readonly<Record<string, 'dpkg' | 'apk' | 'rpm'>> = {
  'apt-get': 'dpkg', apt: 'dpkg', aptitude: 'dpkg', dpkg: 'dpkg',
  apk: 'apk',
  yum: 'rpm', dnf: 'rpm', microdnf: 'rpm', tdnf: 'rpm', zypper: 'rpm', rpm: 'rpm',
};

/** A cheap test on raw text before reading a RUN for package changes. */
export const PACKAGE_MANAGER_WORD = /\b(?:apt-get|apt|aptitude|apk|yum|dnf|microdnf|tdnf|zypper|pip[0-9.]*)\b/;

const VERBS: Record<string, { install: string[]; remove: string[]; autoRemove?: string[] }> = {
  'apt-get': { install: ['install'], remove: ['remove', 'purge', 'autoremove'], autoRemove: ['autoremove'] },
  apt: { install: ['install'], remove: ['remove', 'purge', 'autoremove'], autoRemove: ['autoremove'] },
  aptitude: { install: ['install'], remove: ['remove', 'purge'] },
  apk: { install: ['add'], remove: ['del'] },
  yum: { install: ['install'], remove: ['remove', 'erase', 'autoremove'], autoRemove: ['autoremove'] },
  dnf: { install: ['install'], remove: ['remove', 'erase', 'autoremove'], autoRemove: ['autoremove'] },
  microdnf: { install: ['install'], remove: ['remove'] },
  tdnf: { install: ['install'], remove: ['remove', 'erase', 'autoremove'], autoRemove: ['autoremove'] },
  zypper: { install: ['install', 'in'], remove: ['remove', 'rm'] },
  pip: { install: ['install'], remove: ['uninstall'] },
};

/** Options of the package managers that take a separate value (`apk add --virtual .deps`, `pip install -r req.txt`). */
const OPTIONS_WITH_VALUE = new Set([
  '-o', '-t', '-c', '--target-release', '--virtual', '--repository', '-X', '--root', '-p', '--arch',
  '--enablerepo', '--disablerepo', '--setopt', '--installroot', '--releasever', '-x', '--exclude',
  '-r', '--requirement', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
  '--target', '--prefix', '-e', '--editable', '--cache-dir', '--trusted-host',
]);

export interface PackageChange {
  /** `apt-get`, `apk`, `dnf`, … and `pip` (also for `pip3`, `python -m pip`). */
  manager: string;
  action: 'install' | 'remove';
  /** The manager word (`pip` of `python -m pip`). */
  managerWord: Word;
  verb: Word;
  /** Package words as written (version pins included); `$VARIABLES` and paths are left out. */
  packages: Word[];
  /** Whole-word package lists in a shell variable (`apk add $buildDeps`), by variable name. */
  variables: { word: Word; name: string }[];
  /** `apk add --virtual NAME` / `-t NAME`: the group the packages join; `apk del NAME` removes them all. */
  group?: string;
  /** `--auto-remove` or `autoremove`: dependencies nobody asked for go too. */
  autoRemove: boolean;
  command: Command;
}

/** The manager a command runs and the index of its first argument, or undefined. */
function managerOf(words: Word[]): { manager: string; word: Word; args: number } | undefined {
  const first = words[0];
  if (!first) return undefined;
  const name = basename(first.value);
  if (/^pip[0-9.]*$/.test(name)) return { manager: 'pip', word: first, args: 1 };
  if (/^python[0-9.]*$/.test(name) && words[1]?.value === '-m' && /^pip[0-9.]*$/.test(words[2]?.value ?? '')) {
    return { manager: 'pip', word: words[2], args: 3 };
  }
  return VERBS[name] ? { manager: name, word: first, args: 1 } : undefined;
}

/** The package installs and removals of a list of commands, in order. */
export function packageChanges(commands: readonly Command[]): PackageChange[] {
  const out: PackageChange[] = [];
  for (const command of commands) {
    const found = managerOf(command.words);
    if (!found) continue;
    const words = command.words;
    const verbs = VERBS[found.manager];
    let i = found.args;
    let group: string | undefined;
    let autoRemove = false;
    const option = (k: number): number => {
      const v = words[k].value;
      if (v === '--auto-remove' || v === '--autoremove') autoRemove = true;
      const virtual = /^--virtual=(.+)$/.exec(v);
      if (virtual) group = virtual[1];
      if (OPTIONS_WITH_VALUE.has(v)) {
        if (found.manager === 'apk' && (v === '--virtual' || v === '-t')) group = words[k + 1]?.value;
        return k + 2;
      }
      return k + 1;
    };
    while (i < words.length && words[i].value.startsWith('-')) i = option(i);
    const verb = words[i];
    if (!verb) continue;
    const action = verbs.install.includes(verb.value) ? 'install' : verbs.remove.includes(verb.value) ? 'remove' : undefined;
    if (!action) continue;
    if (verbs.autoRemove?.includes(verb.value)) autoRemove = true;
    const packages: Word[] = [];
    const variables: { word: Word; name: string }[] = [];
    for (let j = i + 1; j < words.length;) {
      const v = words[j].value;
      if (v.startsWith('-')) {
        j = option(j);
        continue;
      }
      j++;
      const variable = /^\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\})$/.exec(v);
      if (variable) variables.push({ word: words[j - 1], name: variable[1] ?? variable[2] });
      if (v.includes('$') || v === '\\' || v === '' || /^(?:\.{1,2}(?:\/|$)|\/|~)/.test(v) || v.includes('://')) continue;
      packages.push(words[j - 1]);
    }
    out.push({ manager: found.manager, action, managerWord: found.word, verb, packages, variables, group, autoRemove, command });
  }
  return out;
}

/** A package word without version pins or extras (`curl=7.88`, `bash~5`, `requests[socks]>=2`). */
export function packageName(word: { value: string }): string {
  return word.value.replace(/[=<>~![;@].*$/, '').toLowerCase();
}

export interface InstalledPackage {
  change: PackageChange;
  word: Word;
  name: string;
  /** A later removal in the same commands that takes the package away again, if any. */
  removedBy?: PackageChange;
  /** A list in a shell variable (`apk add $buildDeps`): `name` is `$buildDeps`, its packages unknown. */
  variable?: boolean;
}

function database(manager: string): string {
  return SYSTEM_PACKAGE_MANAGERS[manager] ?? manager;
}

/**
 * Every package the commands install, with the removal (later in the same commands)
 * that takes it away again: `apk add --virtual .deps gcc && … && apk del .deps`,
 * `apt-get install curl && … && apt-get purge --auto-remove curl`, `pip uninstall`.
 * What is installed and not removed is what ships.
 */
export function installedPackages(commands: readonly Command[]): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const change of packageChanges(commands)) {
    if (change.action === 'install') {
      for (const word of change.packages) out.push({ change, word, name: packageName(word) });
      for (const v of change.variables) out.push({ change, word: v.word, name: `$${v.name}`, variable: true });
      continue;
    }
    // `apk del $buildDeps` takes away the same list `apk add $buildDeps` installed, whatever it holds.
    const removed = new Set([...change.packages.map(packageName), ...change.variables.map((v) => `$${v.name}`)]);
    for (const p of out) {
      if (p.removedBy || database(p.change.manager) !== database(change.manager)) continue;
      const group = p.change.group?.toLowerCase();
      if (removed.has(p.name) || (group !== undefined && removed.has(group))) p.removedBy = change;
    }
  }
  return out;
}

/** The operating-system package installs of a RUN (pip and removals are in packageChanges). */
export function packageInstalls(model: DockerfileModel, instruction: Instruction): PackageChange[] {
  if (instruction.getKeyword() !== 'RUN' || !PACKAGE_MANAGER_WORD.test(rawText(model, instruction))) return [];
  return packageChanges(commandsOf(model, instruction)).filter((c) => c.action === 'install' && c.manager in SYSTEM_PACKAGE_MANAGERS);
}
