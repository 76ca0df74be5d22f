import { clip, explained } from '../messages';
import { interpreterWords } from '../imageFacts';
import { execFormArguments } from '../model';
import type { Finding, Rule } from '../types';
import { argumentsRange, toExecForm } from './util';

/**
 * `CMD ["node", "app.js"]` on distroless nodejs runs `node node app.js`: the image's
 * ENTRYPOINT already is the interpreter, so CMD must hold only its arguments.
 */
export const runtimeEntrypointDuplicated: Rule = {
  id: 'runtime-entrypoint-duplicated',
  defaultSeverity: 'error',
  summary: "CMD repeats the interpreter that the runtime image's ENTRYPOINT already runs.",
  check({ model }) {
    const stage = model.shipped;
    if (!stage || stage.base.family !== 'distroless' || stage.entrypointOverridden) return [];
    const entrypoint = stage.base.entrypoint;
    const interpreter = interpreterWords(stage.base.runtime);
    if (!entrypoint || entrypoint.length === 0 || !interpreter) return [];
    const findings: Finding[] = [];
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== 'CMD') continue;
      const args = execFormArguments(instruction);
      if (!args || args.length === 0 || !interpreter.test(args[0])) continue;
      const range = argumentsRange(instruction);
      if (!range) continue;
      const runs = [...entrypoint, ...args].join(' ');
      let rest: string[] | undefined;
      if (stage.base.runtime === 'java') {
        // The image runs `java -jar`; only `java -jar <jar> ...` maps onto it.
        rest = args[1] === '-jar' && args.length > 2 ? args.slice(2) : undefined;
      } else {
        rest = args.length > 1 ? args.slice(1) : undefined;
      }
      const message = `The image's ENTRYPOINT is already ${entrypoint.join(' ')}, so this CMD runs "${runs}" and the container fails at start.`;
      if (!rest) {
        findings.push({
          range,
          message: explained(`CMD repeats the interpreter the image's ENTRYPOINT runs: give CMD only its arguments`, `${message} Give CMD only the interpreter's arguments${stage.base.runtime === 'java' ? ' (the jar path), or set ENTRYPOINT to the full java command to pass JVM options' : ''}.`),
        });
        continue;
      }
      const exec = toExecForm(rest);
      findings.push({
        range,
        message: explained(`CMD repeats the interpreter the image's ENTRYPOINT runs: use CMD ${clip(exec, 30)}`, `${message} Drop the interpreter: CMD ${exec}.`),
        fixes: [{ title: `Drop the interpreter: CMD ${exec}`, edits: [{ range, newText: exec }], preferred: true }],
      });
    }
    return findings;
  },
};
