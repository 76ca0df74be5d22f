import { explained } from '../messages';
import type { TextEdit } from 'vscode-languageserver-types';
import type { Finding, Rule } from '../types';
import { rawText, Word } from '../shell';
import { GoBuild, goBuildsFromBase, shippedGoBuilds } from '../goBuilds';
import { rangeOf, type DockerfileModel } from '../model';
import { GO_STRIP_IMPLIES_DWARF_SINCE, compareVersions } from '../imageFacts';

/**
 * `go build` keeps the symbol table and DWARF data unless told `-ldflags="-s -w"`:
 * a quarter or more of the binary, shipped and scanned for nothing.
 */
export const goBinaryNotStripped: Rule = {
  id: 'go-binary-not-stripped',
  defaultSeverity: 'hint',
  summary: 'go build without -ldflags="-s -w".',
  check({ model }) {
    const findings: Finding[] = [];
    let shipped: Set<GoBuild> | undefined;
    for (const stage of model.stages) {
      if (!stage.instructions.some((i) => i.getKeyword() === 'RUN' && /\bgo\s+build\b/.test(rawText(model, i)))) continue;
      const inImage = (shipped ??= shippedBuilds(model));
      // Builds of ancestors are reported on their own stage.
      for (const build of goBuildsFromBase(model, stage).filter((b) => b.stage === stage && inImage.has(b))) {
        const words = build.command.words;
        if (words[1].value !== 'build') continue;
        if (stage.env.get('GOFLAGS')?.includes('-ldflags') || build.command.assignments.some((a) => a.value.startsWith('GOFLAGS='))) continue;
        // A debugger build (-gcflags "all=-N -l", or skaffold's variable) needs the DWARF data -w removes.
        const gcflags = flagValue(words, '-gcflags');
        if (gcflags && (gcflags.value.includes('$') || /-N\b|-l\b/.test(gcflags.value))) continue;
        const ldflags = flagValue(words, '-ldflags');
        if (ldflags?.value.includes('$')) continue;
        const missing = missingStripFlags(ldflags?.value ?? '', goVersion(stage));
        if (missing.length === 0) continue;
        const range = rangeOf(model, words[0].start, words[1].end);
        const edit = build.command.exec ? undefined : stripEdit(model, words, ldflags, missing);
        findings.push({
          range,
          message: explained('The binary keeps symbols and DWARF data it never uses: add -ldflags="-s -w" to go build',
            `This go build keeps the symbol table and DWARF debug data in the binary (often a quarter of its size), which ships in the image for nothing at run time. ` +
            `Add -s -w to -ldflags (stack traces keep their function names).`),
          fixes: edit ? [{ title: missing.length === 2 ? 'Strip the binary: -ldflags="-s -w"' : `Strip the binary: add ${missing[0]} to -ldflags`, edits: [edit], preferred: true }] : [],
        });
      }
    }
    return findings;
  },
};

/**
 * The builds whose binary is in the shipped image: built in the shipped stage or a stage
 * it is built FROM, or copied in. A tool a build stage makes for its own use (a docs
 * generator, a linter) never ships, so its size costs nothing.
 */
function shippedBuilds(model: DockerfileModel): Set<GoBuild> {
  const stage = model.shipped;
  if (!stage) return new Set();
  const out = new Set<GoBuild>(goBuildsFromBase(model, stage));
  for (const { build } of shippedGoBuilds(model, stage)) out.add(build);
  return out;
}

interface FlagValue {
  value: string;
  /** The word holding the value, and where the value starts in it (after `-flag=`). */
  word: Word;
  valueOffset: number;
}

function flagValue(words: Word[], flag: string): FlagValue | undefined {
  for (let i = 2; i < words.length; i++) {
    const w = words[i];
    for (const spelling of [flag, `-${flag}`]) {
      if (w.value === spelling && words[i + 1]) return { value: words[i + 1].value, word: words[i + 1], valueOffset: 0 };
      if (w.value.startsWith(`${spelling}=`)) return { value: w.value.slice(spelling.length + 1), word: w, valueOffset: spelling.length + 1 };
    }
  }
  return undefined;
}

/**
 * The linker flags still needed to strip the binary. -s drops the symbol table, -w the
 * DWARF data; since Go 1.22 -s implies -w, so -s alone is enough unless the Go version
 * is known to be older. The value of -extldflags belongs to the external linker.
 */
export function missingStripFlags(value: string, version: string | undefined): string[] {
  const tokens = value.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  let s = false;
  let w = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (/^--?extldflags$/.test(t)) {
      i++;
      continue;
    }
    if (/^--?s(?:=(?:true|1))?$/.test(t)) s = true;
    if (/^--?w(?:=(?:true|1))?$/.test(t)) w = true;
  }
  const sImpliesW = version === undefined || compareVersions(version, GO_STRIP_IMPLIES_DWARF_SINCE) >= 0;
  if (s && (w || sImpliesW)) return [];
  if (s) return ['-w'];
  return w ? ['-s'] : ['-s', '-w'];
}

/** The Go version of the stage's toolchain image; undefined when the tag names none (it floats to the newest). */
function goVersion(stage: { base: { runtime: string; runtimeVersion?: string } }): string | undefined {
  return stage.base.runtime === 'go' ? stage.base.runtimeVersion : undefined;
}

function stripEdit(model: Parameters<typeof rangeOf>[0], words: Word[], ldflags: FlagValue | undefined, missing: string[]): TextEdit | undefined {
  const add = missing.join(' ');
  if (!ldflags) {
    const at = rangeOf(model, words[1].end, words[1].end).start;
    return { range: { start: at, end: at }, newText: ` -ldflags="${add}"` };
  }
  const raw = model.text.slice(ldflags.word.start, ldflags.word.end);
  const valueRaw = raw.slice(ldflags.valueOffset);
  const start = ldflags.word.start + ldflags.valueOffset;
  if (/^["']/.test(valueRaw)) {
    const at = rangeOf(model, start + 1, start + 1).start;
    return { range: { start: at, end: at }, newText: ldflags.value === '' ? add : `${add} ` };
  }
  if (/["'\\]/.test(valueRaw)) return undefined;
  return { range: rangeOf(model, start, ldflags.word.end), newText: `"${add} ${valueRaw}"` };
}
