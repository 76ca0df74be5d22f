/**
 * The baseline: the findings a team accepted on the day it adopted the rules, so CI
 * fails only on new ones. `lint --write-baseline <file>` records each finding as
 * (file, rule, fingerprint of its instruction: fingerprint.ts); `--baseline <file>` or
 * the configuration's `baseline` key drops the findings it records. An entry that
 * matches nothing any more (fixed, or the file is gone) is stale: said once, as
 * information, on standard error; it never fails the run.
 */
import { terminalText } from './terminalText';
import * as fs from 'fs';
import * as path from 'path';
import { describeErrno, FileWriteError, writeFileAtomic } from '../host/atomicWrite';
import { fingerprints } from './fingerprint';
import { InputError } from './files';
import type { FileReport, Report } from './report';

export interface BaselineEntry {
  /** Relative to the baseline file's folder, with `/`, so the file can be committed and read anywhere. */
  file: string;
  rule: string;
  fingerprint: string;
  /** Where the finding was when it was recorded: for people reading the file, never matched on. */
  line: number;
}

const VERSION = 1;

function keyOf(entry: Pick<BaselineEntry, 'file' | 'rule' | 'fingerprint'>): string {
  return `${entry.file}\0${entry.rule}\0${entry.fingerprint}`;
}

function relativeTo(baselineFile: string, file: string): string {
  return path.relative(path.dirname(baselineFile), file).split(path.sep).join('/');
}

function entriesOf(baselineFile: string, file: FileReport & { file: string }): BaselineEntry[] {
  const prints = fingerprints(file.text ?? '', file.diagnoses);
  const relative = relativeTo(baselineFile, file.file);
  return file.diagnoses.map((d, i) => ({ file: relative, rule: d.ruleId, fingerprint: prints[i], line: d.range.start.line + 1 }));
}

/** Reads a baseline file; InputError (exit 2) when it is missing or not one. */
export function readBaseline(file: string, display: string): BaselineEntry[] {
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) throw new InputError(`${display}: the baseline is not a regular file. Pass the file lint --write-baseline wrote.`);
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${display}: no such baseline file. Record today's findings with distroless lint --write-baseline ${display} <paths>, or fix the path.`);
    const { cause, advice } = describeErrno(code, 'read');
    throw new InputError(`${display}: cannot read the baseline (${cause}). ${advice}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${display}: the baseline is not valid JSON (${(error as Error).message}). Write it again with distroless lint --write-baseline ${display}.`);
  }
  const findings = (raw as { findings?: unknown } | null)?.findings;
  const valid = (e: unknown): e is BaselineEntry => {
    const entry = e as Partial<BaselineEntry> | null;
    return !!entry && typeof entry.file === 'string' && typeof entry.rule === 'string' && typeof entry.fingerprint === 'string';
  };
  if ((raw as { version?: unknown } | null)?.version !== VERSION || !Array.isArray(findings) || !findings.every(valid)) {
    throw new InputError(`${display}: not a distroless baseline (version ${VERSION}: { "findings": [{ "file", "rule", "fingerprint", "line" }] }). Write it again with distroless lint --write-baseline ${display}.`);
  }
  return findings.map((e) => ({ file: e.file, rule: e.rule, fingerprint: e.fingerprint, line: typeof e.line === 'number' ? e.line : 0 }));
}

/**
 * Records the findings of every file in the report. Entries of files this run did not
 * lint are kept, so a baseline can be written one folder at a time. Returns how many
 * entries the file holds.
 */
export function writeBaseline(baselineFile: string, display: string, report: Report): number {
  const linted = report.files.filter((f): f is FileReport & { file: string } => f.file !== undefined);
  const lintedNames = new Set(linted.map((f) => relativeTo(baselineFile, f.file)));
  let kept: BaselineEntry[] = [];
  // An empty file may be replaced; anything else that is not a baseline (a Dockerfile, the
  // configuration, a folder: `--write-baseline Dockerfile .` is an easy slip) is never overwritten.
  if (fs.existsSync(baselineFile) && !(fs.statSync(baselineFile).isFile() && fs.statSync(baselineFile).size === 0)) {
    try {
      // Entries of files that are gone go too: nothing will ever match them.
      kept = readBaseline(baselineFile, display).filter((e) => !lintedNames.has(e.file) && fs.existsSync(path.resolve(path.dirname(baselineFile), e.file)));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(`${display}: exists and is not a distroless baseline, so it was left as it is. Name a new file (e.g. .distroless-baseline.json) or remove this one first.`);
    }
  }
  const entries = [...kept, ...linted.flatMap((f) => entriesOf(baselineFile, f))]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
  const body = { version: VERSION, tool: 'distroless', findings: entries };
  try {
    fs.mkdirSync(path.dirname(baselineFile), { recursive: true });
  } catch (error) {
    throw new InputError(`${display}: cannot create its folder (${describeErrno((error as NodeJS.ErrnoException).code).cause}). Nothing was written.`);
  }
  try {
    writeFileAtomic(baselineFile, `${JSON.stringify(body, null, 2)}\n`, display);
  } catch (error) {
    if (!(error instanceof FileWriteError)) throw error;
    throw new InputError(error.message);
  }
  return entries.length;
}

export interface BaselineOutcome {
  /** Findings the baselines accepted, removed from the report. */
  accepted: number;
  /** Per baseline file (as displayed): its entries that matched nothing. */
  stale: Map<string, BaselineEntry[]>;
}

/**
 * Drops from the report the findings a baseline records. `baselineOf` says which
 * baseline file (absolute path and display name) applies to a Dockerfile, if any.
 * Entries are counted: a baseline with one finding of a rule on an instruction
 * accepts one, and a second identical instruction added later is new.
 */
export function applyBaselines(report: Report, baselineOf: (file: string) => { file: string; display: string } | undefined): BaselineOutcome {
  const outcome: BaselineOutcome = { accepted: 0, stale: new Map() };
  const loaded = new Map<string, { display: string; remaining: Map<string, BaselineEntry[]>; linted: Set<string> }>();
  for (const file of report.files) {
    if (file.file === undefined) continue;
    const which = baselineOf(file.file);
    if (!which) continue;
    let baseline = loaded.get(which.file);
    if (!baseline) {
      const remaining = new Map<string, BaselineEntry[]>();
      for (const entry of readBaseline(which.file, which.display)) {
        const key = keyOf(entry);
        remaining.set(key, [...(remaining.get(key) ?? []), entry]);
      }
      baseline = { display: which.display, remaining, linted: new Set() };
      loaded.set(which.file, baseline);
    }
    const relative = relativeTo(which.file, file.file);
    baseline.linted.add(relative);
    const prints = fingerprints(file.text ?? '', file.diagnoses);
    const kept = file.diagnoses.filter((d, i) => {
      const matches = baseline.remaining.get(keyOf({ file: relative, rule: d.ruleId, fingerprint: prints[i] }));
      if (!matches || matches.length === 0) return true;
      matches.shift();
      outcome.accepted++;
      return false;
    });
    file.diagnoses = kept;
  }
  for (const [baselineFile, baseline] of loaded) {
    const folder = path.dirname(baselineFile);
    // Stale: unmatched in a file this run linted, or recorded for a file that is gone.
    // Files that exist but were not linted (pre-commit passes only the changed ones) are not judged.
    const stale = [...baseline.remaining.values()].flat()
      .filter((e) => baseline.linted.has(e.file) || !fs.existsSync(path.resolve(folder, e.file)))
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    if (stale.length > 0) outcome.stale.set(baseline.display, stale);
  }
  return outcome;
}

/** The one information message about stale entries, for standard error. */
export function describeStale(stale: Map<string, BaselineEntry[]>): string {
  const lines: string[] = [];
  for (const [display, entries] of stale) {
    lines.push(`distroless lint: information: ${terminalText(display)}: ${entries.length} baseline ${entries.length === 1 ? 'entry matches' : 'entries match'} no finding any more (fixed, or the file is gone); write the baseline again to drop ${entries.length === 1 ? 'it' : 'them'}:`);
    // The baseline is a committed file anyone can edit: its names are not ours to print raw.
    for (const e of entries) lines.push(`  ${terminalText(e.file)}: ${terminalText(e.rule)} (line ${e.line} when recorded)`);
  }
  return lines.map((l) => `${l}\n`).join('');
}
