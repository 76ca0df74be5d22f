import { explained } from '../messages';
import type { Instruction } from 'dockerfile-ast';
import type { Finding, Rule } from '../types';
import type { DockerfileModel } from '../model';
import { basename, commandsOf, wordRange } from '../shell';
import { SYSTEM_PACKAGE_MANAGERS, packageInstalls } from '../packages';
import { chainInstructions } from '../stages';
import { shippedPackages } from './shippedPackages';
import { knownShellless } from './runtimeStage';
import { shippedDescription } from './util';

/**
 * OS package installs in the stage that ships: the package manager, its database and
 * every installed package ship too, and need patching for the image's lifetime.
 */
export const packageManagerInFinalStage: Rule = {
  id: 'package-manager-in-final-stage',
  defaultSeverity: 'warning',
  summary: 'OS packages are installed in the shipped stage.',
  check({ model }) {
    const stage = model.shipped;
    if (!stage) return [];
    const findings: Finding[] = [];
    for (const instruction of chainInstructions(stage)) {
      const installs = packageInstalls(model, instruction);
      if (installs.length === 0) continue;
      const inherited = !stage.instructions.includes(instruction);
      const shipped = shippedPackages(model, instruction);
      // Everything this RUN installs it removes again (apk add --virtual .x … && apk del .x,
      // apk add $buildDeps … && apk del $buildDeps): nothing ships.
      if (!knownShellless(model, stage) && shipped.length === 0 && installs.some((i) => i.packages.length + i.variables.length > 0)) continue;
      const names = knownShellless(model, stage) ? installs.flatMap((i) => i.packages.map((p) => p.value)) : shipped.map((p) => p.word.value);
      const what = names.length > 0 ? names.join(', ') : 'packages';
      const where = inherited ? `${shippedDescription(model, stage)} is built on the stage that runs this ${installs[0].manager} install, so` : 'This runs in ' + shippedDescription(model, stage) + ', so';
      if (knownShellless(model, stage)) {
        // The RUN cannot execute here at all; dropping it is the only edit that lets the build go on.
        // Not in fix-all: the build would then pass while the program lacks the packages it
        // asked for, and fail at start instead; moving them to a build stage is the user's call.
        const removable = !inherited && onlyPackageManagement(model, instruction);
        findings.push({
          range: wordRange(model, installs[0].managerWord),
          message: explained(`${installs[0].manager} cannot run in this shell-less image: install in a build stage and COPY the files`,
            `${where} it needs a shell and ${installs[0].manager}, which this image does not have: the build fails. ` +
            `Install ${what} in a build stage and COPY --from only the files the program needs.`),
          fixes: removable ? [{ title: `Remove this ${installs[0].manager} install from the shell-less stage`, edits: [{ range: lineRange(model, instruction), newText: '' }], fixAll: false }] : [],
        });
        continue;
      }
      findings.push({
        range: wordRange(model, installs[0].managerWord),
        message: explained(`${installs[0].manager} and its packages ship in the image: install in a build stage, ship distroless`,
          `${where} ${installs[0].manager}, its package database and ${what} ship in the image: more to patch and more for an attacker to use at run time. ` +
          'Install build-time packages in a build stage and ship only the artifact on a distroless image; if the program needs a shared library, pick the distroless image that has it (base, cc).'),
      });
    }
    return findings;
  },
};

/** True when every command of the RUN is package management (update, install, clean-up). */
function onlyPackageManagement(model: DockerfileModel, instruction: Instruction): boolean {
  const commands = commandsOf(model, instruction);
  return commands.length > 0 && commands.every((c) => {
    const program = c.words[0]?.value ?? '';
    if (basename(program) in SYSTEM_PACKAGE_MANAGERS) return true;
    return program === 'rm' && c.words.slice(1).every((w) => w.value.startsWith('-') || /^\/var\/(?:lib\/apt\/lists|cache\/(?:apk|yum|dnf))/.test(w.value));
  });
}

/** The whole lines of an instruction, newline included, so removing it leaves no blank line. */
function lineRange(model: DockerfileModel, instruction: Instruction) {
  const r = instruction.getRange();
  const lastLine = model.document.lineCount - 1;
  return r.end.line < lastLine
    ? { start: { line: r.start.line, character: 0 }, end: { line: r.end.line + 1, character: 0 } }
    : { start: { line: r.start.line, character: 0 }, end: r.end };
}
