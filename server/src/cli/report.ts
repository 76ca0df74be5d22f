/**
 * The output formats of `distroless lint`: text for people, JSON for scripts,
 * SARIF 2.1.0 for code-scanning tools (GitHub code scanning reads it); GitLab Code
 * Quality and checkstyle in formats/. Pure functions
 * from a finished report to a string, so tests can compare exact output.
 */
import { terminalText } from './terminalText';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Range } from 'vscode-languageserver-types';
import { PROJECT_URL, RULES, ruleDocUrl, type Severity, headlineOf } from '../engine';
import type { FileReport, Report } from './formats/types';
import { renderCheckstyle } from './formats/checkstyle';
import { renderGitlab } from './formats/gitlab';

export const FORMATS = ['text', 'json', 'sarif', 'gitlab', 'checkstyle'] as const;
export type Format = (typeof FORMATS)[number];

export type { FileReport, InputProblem, Report } from './formats/types';

export function render(format: Format, report: Report): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'json':
      return `${JSON.stringify(renderJson(report), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(renderSarif(report), null, 2)}\n`;
    case 'gitlab':
      return renderGitlab(report);
    case 'checkstyle':
      return renderCheckstyle(report);
  }
}

// ---- text ----

/** One line per problem: its headline. `--format json` and SARIF carry the whole message. */
function renderText(report: Report): string {
  const lines: string[] = [];
  for (const file of report.files) {
    if (file.fixed.length > 0) lines.push(`${file.display}: fixed ${plural(file.fixed.length, 'problem')} (${[...new Set(file.fixed)].join(', ')})`);
    for (const d of file.diagnoses) {
      lines.push(`${file.display}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.ruleId} ${headlineOf(d.message)}`);
    }
  }
  // File names and quoted Dockerfile text: escape codes and line breaks are shown, never run.
  return lines.map((l) => `${terminalText(l)}\n`).join('');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---- JSON ----

/** 1-based lines and columns (UTF-16 code units), end exclusive, as editors show them. */
function span(range: Range) {
  return { line: range.start.line + 1, column: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

function renderJson(report: Report) {
  const summary: Record<Severity | 'fixed', number> = { error: 0, warning: 0, information: 0, hint: 0, fixed: 0 };
  for (const file of report.files) {
    summary.fixed += file.fixed.length;
    for (const d of file.diagnoses) summary[d.severity]++;
  }
  return {
    tool: { name: 'distroless', version: report.version },
    files: report.files.map((file) => ({
      path: file.display,
      fixed: file.fixed,
      diagnostics: file.diagnoses.map((d) => ({
        ruleId: d.ruleId,
        severity: d.severity,
        message: d.message,
        ...span(d.range),
        url: ruleDocUrl(d.ruleId),
        fixes: d.fixes.map((f) => ({
          title: f.title,
          preferred: f.preferred === true,
          edits: f.edits.map((e) => ({ ...span(e.range), newText: e.newText })),
        })),
      })),
    })),
    errors: report.errors.map((e) => ({ path: e.display, message: e.message })),
    summary,
  };
}

// ---- SARIF 2.1.0 ----

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const SRCROOT = '%SRCROOT%';

interface RuleDescriptor {
  id: string;
  summary: string;
  defaultSeverity: Severity;
}

/**
 * The rules this run reported, in documentation order. Listing only those keeps the
 * log small, as the ESLint and hadolint SARIF writers do; code scanning needs the
 * descriptors of the rules its results name, not of every rule.
 */
function ruleDescriptors(reported: Set<string>): RuleDescriptor[] {
  return RULES.map((r) => ({ id: r.id, summary: r.summary, defaultSeverity: r.defaultSeverity })).filter((r) => reported.has(r.id));
}

function pascalCase(id: string): string {
  return id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function region(range: Range) {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/**
 * Files under the working folder are relative to %SRCROOT% (the working folder), which
 * is how GitHub code scanning maps them onto the repository; others get absolute URIs.
 */
function artifactLocation(report: Report, file: FileReport): { uri: string; uriBaseId?: string } {
  if (!file.file) return { uri: file.display.split('/').map(encodeURIComponent).join('/') };
  const relative = path.relative(report.cwd, file.file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return { uri: pathToFileURL(file.file).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function renderSarif(report: Report) {
  const rules = ruleDescriptors(new Set(report.files.flatMap((f) => f.diagnoses.map((d) => d.ruleId))));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.files.flatMap((file) => {
    const location = artifactLocation(report, file);
    return file.diagnoses.map((d) => ({
      ruleId: d.ruleId,
      ...(index.has(d.ruleId) ? { ruleIndex: index.get(d.ruleId) } : {}),
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: region(d.range) } }],
      ...(d.fixes.length > 0
        ? {
            fixes: d.fixes.map((f) => ({
              description: { text: f.title },
              artifactChanges: [{
                artifactLocation: location,
                replacements: f.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
              }],
            })),
          }
        : {}),
    }));
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'distroless',
          version: report.version,
          semanticVersion: report.version,
          informationUri: PROJECT_URL,
          rules: rules.map((r) => ({
            id: r.id,
            name: pascalCase(r.id),
            shortDescription: { text: r.summary },
            fullDescription: { text: r.summary },
            helpUri: ruleDocUrl(r.id),
            help: { text: `${r.summary} See ${ruleDocUrl(r.id)}`, markdown: `${r.summary}\n\n[Rule documentation](${ruleDocUrl(r.id)})` },
            defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
          })),
        },
      },
      originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(report.cwd).href.replace(/\/?$/, '/')}` } },
      columnKind: 'utf16CodeUnits',
      invocations: [{
        executionSuccessful: report.errors.length === 0,
        toolExecutionNotifications: report.errors.map((e) => ({ level: 'error', message: { text: e.message } })),
      }],
      results,
    }],
  };
}

