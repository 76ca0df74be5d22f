import type { Finding, Rule } from '../types';
import { findSuppressions } from '../suppressions';

/**
 * A `# distroless-ignore` comment that silences nothing: it names no rule, an unknown
 * rule (a typo, a renamed rule), or it does not sit directly above an instruction.
 */
export const invalidSuppression: Rule = {
  id: 'invalid-suppression',
  defaultSeverity: 'warning',
  summary: 'A distroless-ignore comment that silences nothing: no rule id, an unknown id, or not above an instruction.',
  check({ model, ruleIds }) {
    const findings: Finding[] = [];
    for (const s of findSuppressions(model)) {
      if (s.ids.length === 0) {
        findings.push({ range: s.range,
          message: `This suppression names no rule, so it silences nothing. Write the rule id after it, e.g. "# ${s.scope === 'file' ? 'distroless-ignore-file' : 'distroless-ignore'} runs-as-root".` });
      }
      for (const id of s.ids) {
        if (ruleIds.includes(id.id)) continue;
        findings.push({ range: id.range,
          message: `Unknown rule id "${id.id}" in a suppression comment: it silences nothing. Known ids: ${ruleIds.join(', ')}.` });
      }
      if (s.scope === 'instruction' && !s.lines && s.ids.length > 0) {
        findings.push({ range: s.range,
          message: 'This suppression is not directly above an instruction, so it silences nothing. Put it on the line before the instruction, or use distroless-ignore-file.' });
      }
    }
    return findings;
  },
};
