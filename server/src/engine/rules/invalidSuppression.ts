import type { Finding, Rule } from '../types';
import { findSuppressions } from '../suppressions';
import { clip, closest, explained } from '../messages';

export const INVALID_SUPPRESSION = 'invalid-suppression';

/**
 * A `# distroless-ignore` comment that silences nothing: it names no rule, an unknown
 * rule (a typo, a renamed rule: "did you mean", with a fix to the closest id), or it
 * does not sit directly above an instruction.
 */
export const invalidSuppression: Rule = {
  id: INVALID_SUPPRESSION,
  defaultSeverity: 'warning',
  summary: 'A distroless-ignore comment that silences nothing: no rule id, an unknown id, or not above an instruction.',
  check({ model, ruleIds }) {
    const findings: Finding[] = [];
    for (const s of findSuppressions(model)) {
      if (s.ids.length === 0) {
        findings.push({ range: s.range,
          message: explained('This suppression names no rule, so it silences nothing: add a rule id after it',
            `Write the rule id after it, e.g. "# ${s.scope === 'file' ? 'distroless-ignore-file' : 'distroless-ignore'} runs-as-root".`) });
      }
      for (const id of s.ids) {
        if (ruleIds.includes(id.id)) continue;
        const suggestion = closest(id.id, ruleIds);
        findings.push({ range: id.range,
          // A guess at what was meant: offered, never applied unattended by fix-all.
          fixes: suggestion ? [{ title: `Change to ${suggestion}`, edits: [{ range: id.range, newText: suggestion }], preferred: true, fixAll: false }] : [],
          message: explained(
            suggestion ? `Unknown rule id "${clip(id.id, 25)}": did you mean "${suggestion}"?` : `Unknown rule id "${clip(id.id, 40)}" in this suppression: it silences nothing`,
            `A suppression with an unknown id silences nothing. Known ids: ${ruleIds.join(', ')}.`) });
      }
      if (s.scope === 'instruction' && !s.lines && s.ids.length > 0) {
        findings.push({ range: s.range,
          message: explained('This suppression is not directly above an instruction: move it to the line before one',
            'It silences nothing where it is. Put it on the line before the instruction, or use distroless-ignore-file.') });
      }
    }
    return findings;
  },
};
