import { execFormArguments, healthcheckCommandText, offsetOf, rangeOf } from '../model';
import type { Finding, Rule } from '../types';
import { basename } from '../shell';
import { chainInstructions } from '../stages';
import { MISSING_PROGRAMS, firstShellSyntax, stageProvidesProgram, toExecForm } from './util';
import { knownShellless } from './runtimeStage';

/**
 * `HEALTHCHECK CMD <command>` is run as `/bin/sh -c <command>`; on a shell-less image
 * every probe fails, the container turns unhealthy and orchestrators restart it.
 */
export const healthcheckNeedsShell: Rule = {
  id: 'healthcheck-needs-shell',
  defaultSeverity: 'error',
  summary: 'Shell-form HEALTHCHECK CMD in a stage whose image has no shell.',
  check({ model }) {
    const stage = model.shipped;
    if (!stage || !knownShellless(model, stage)) return [];
    // Only the last HEALTHCHECK (own or inherited) is in effect.
    const healthcheck = chainInstructions(stage).filter((i) => i.getKeyword() === 'HEALTHCHECK').pop();
    if (!healthcheck) return [];
    const command = healthcheckCommandText(healthcheck);
    if (command === undefined || command.trim() === '' || execFormArguments(healthcheck) !== undefined) return [];
    const flatCommand = command.trim();
    const r = healthcheck.getRange();
    const whole = model.text.slice(offsetOf(model, r.start), offsetOf(model, r.end));
    // The command as written starts after the CMD keyword; locate it in the document.
    const cmdMatch = /\bCMD\b[ \t]*/i.exec(whole);
    const start = offsetOf(model, r.start) + (cmdMatch ? cmdMatch.index + cmdMatch[0].length : 0);
    const range = rangeOf(model, start, offsetOf(model, r.end));
    const base = `HEALTHCHECK CMD ${flatCommand} is in shell form, which Docker runs with /bin/sh -c; this image has no shell, so every probe fails and the container is reported unhealthy (and restarted by orchestrators).`;
    const syntax = firstShellSyntax(flatCommand);
    if (syntax) {
      return [{ range, message: `${base} It uses ${syntax}, which only a shell understands: give the program a health sub-command or endpoint check of its own and call it in exec form.` }];
    }
    const words = flatCommand.split(/\s+/);
    const program = basename(words[0]);
    if (MISSING_PROGRAMS.has(program) && !stageProvidesProgram(model, stage, words[0])) {
      return [{ range, message: `${base} Exec form alone does not help: ${program} is not in this image either. Copy a static ${program} binary from a build stage, or give the app a health sub-command and use HEALTHCHECK CMD ["/app", "health"].` }];
    }
    const exec = toExecForm(words);
    const finding: Finding = {
      range,
      message: `${base} Use exec form: HEALTHCHECK CMD ${exec}.`,
      fixes: [{ title: `Rewrite as exec form: HEALTHCHECK CMD ${exec}`, edits: [{ range, newText: exec }], preferred: true }],
    };
    return [finding];
  },
};
