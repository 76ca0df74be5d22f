import { execFormArguments } from '../model';
import type { Finding, Rule } from '../types';
import { knownShellless } from './runtimeStage';
import { argumentsRange, firstShellSyntax, toExecForm } from './util';
import { argumentsContentOf, argumentsOf } from '../instructions';

/** Shell-form CMD or ENTRYPOINT where there is no /bin/sh to run it. */
export const shellFormInShelllessStage: Rule = {
  id: 'shell-form-in-shellless-stage',
  defaultSeverity: 'error',
  summary: 'Shell-form CMD or ENTRYPOINT in a stage whose image has no shell.',
  check({ model }) {
    const stage = model.shipped;
    if (!stage || !knownShellless(model, stage)) return [];
    const findings: Finding[] = [];
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'CMD' && keyword !== 'ENTRYPOINT') continue;
      if (execFormArguments(instruction) !== undefined) continue;
      const range = argumentsRange(instruction);
      if (!range) continue;
      const command = argumentsOf(instruction).map((a) => a.getValue()).join(' ');
      const base = `${keyword} ${command} is in shell form, which Docker runs as /bin/sh -c "…"; this image has no shell, so the container fails to start with "/bin/sh: no such file or directory".`;
      const syntax = firstShellSyntax(argumentsContentOf(instruction) ?? '');
      if (syntax) {
        findings.push({
          range,
          message: `${base} It uses ${syntax}, which only a shell understands: move that logic into the program (or a script run by an interpreter the image has) and use exec form.`,
        });
        continue;
      }
      const words = argumentsOf(instruction).map((a) => a.getValue());
      const exec = toExecForm(words);
      findings.push({
        range,
        message: `${base} Use exec form: ${keyword} ${exec}.`,
        fixes: [{ title: `Rewrite as exec form: ${keyword} ${exec}`, edits: [{ range, newText: exec }], preferred: true }],
      });
    }
    return findings;
  },
};
