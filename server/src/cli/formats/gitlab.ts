/**
 * GitLab Code Quality (the `codequality` report artifact): a JSON array of issues in
 * the Code Climate subset GitLab reads: description, check_name, fingerprint, severity,
 * location.path and location.lines.begin (docs.gitlab.com/ci/testing/code_quality/,
 * "Code Quality report format"). The merge-request widget compares the base and head
 * reports by fingerprint, so ours does not change when lines move (fingerprint.ts).
 */
import { headlineOf, ruleDocUrl, type Severity } from '../../engine';
import { fileFingerprint, fingerprints } from '../fingerprint';
import type { Report } from './types';

/** GitLab's five severities (info, minor, major, critical, blocker); blocker is left for builds that cannot run at all. */
const GITLAB_SEVERITY: Record<Severity, 'info' | 'minor' | 'major' | 'critical'> = {
  error: 'critical',
  warning: 'major',
  information: 'minor',
  hint: 'info',
};

export function renderGitlab(report: Report): string {
  const issues = report.files.flatMap((file) => {
    const prints = file.text === undefined ? [] : fingerprints(file.text, file.diagnoses);
    const location = file.display.split('\\').join('/');
    return file.diagnoses.map((d, i) => ({
      type: 'issue',
      description: headlineOf(d.message),
      content: { body: `${d.message}\n\n[${d.ruleId}](${ruleDocUrl(d.ruleId)})` },
      check_name: d.ruleId,
      categories: ['Bug Risk'],
      fingerprint: fileFingerprint(location, prints[i] ?? `${d.ruleId}:${d.range.start.line}:${d.range.start.character}`),
      severity: GITLAB_SEVERITY[d.severity],
      location: { path: location, lines: { begin: d.range.start.line + 1, end: d.range.end.line + 1 } },
    }));
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
