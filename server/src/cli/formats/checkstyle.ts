/**
 * Checkstyle XML, the format reviewdog (`-f=checkstyle`) and many CI dashboards read:
 * one <file> per Dockerfile, one <error> per finding with line, column, severity
 * (error, warning, info), message and source (the rule id).
 */
import { headlineOf, type Severity } from '../../engine';
import type { Report } from './types';

const CHECKSTYLE_SEVERITY: Record<Severity, 'error' | 'warning' | 'info'> = { error: 'error', warning: 'warning', information: 'info', hint: 'info' };

/** Attribute text: the five XML escapes, and characters XML 1.0 cannot hold at all replaced. */
function attribute(value: string): string {
  return value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

export function renderCheckstyle(report: Report): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const file of report.files) {
    out.push(`  <file name="${attribute(file.display)}">`);
    for (const d of file.diagnoses) {
      out.push(`    <error line="${d.range.start.line + 1}" column="${d.range.start.character + 1}" severity="${CHECKSTYLE_SEVERITY[d.severity]}" message="${attribute(headlineOf(d.message))}" source="distroless.${attribute(d.ruleId)}"/>`);
    }
    out.push('  </file>');
  }
  // Inputs that could not be read: an error on the file, as other linters' checkstyle writers do.
  for (const problem of report.errors) {
    out.push(`  <file name="${attribute(problem.display)}">`, `    <error severity="error" message="${attribute(problem.message)}" source="distroless.input"/>`, '  </file>');
  }
  out.push('</checkstyle>');
  return `${out.join('\n')}\n`;
}
