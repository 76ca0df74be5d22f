/**
 * Fuzzing with a fixed seed over mutated corpus files: open heredocs (also with a
 * terminator followed by spaces), dangling continuations, CRLF, byte-order marks,
 * Latin-1 bytes, dropped, doubled and cut lines, stray shell characters. For every
 * input: nothing throws, every fix-all result parses, fix-all applied twice equals
 * fix-all applied once, and convert is idempotent or refuses; the syntax check
 * (dockerfile-utils, as the editor runs it) does not throw, and `lint --stdin --fix`
 * never fails with an internal error and always prints a Dockerfile (the input
 * unchanged or one that parses). Failures print the seed
 * and the case number with the input, so they can be replayed.
 * FUZZ_SEED and FUZZ_CASES change the run (defaults: a fixed seed, a run of seconds).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, convert, fixAll, lint, openTail, parses, validateSyntax } from '../../server/src/engine/testing';
import { runCli } from '../support/cli';
import { decodeDockerfile, encodeDockerfile } from '../../server/src/cli/files';
import { CORPUS_SKIP, corpusFiles } from '../support/corpus';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.FUZZ_CASES ?? 500);

/** mulberry32: small, fast, and the same sequence on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (text: string, r: () => number) => string;

const pick = <T>(items: readonly T[], r: () => number): T => items[Math.floor(r() * items.length)];
const lineIndex = (lines: string[], r: () => number) => Math.floor(r() * lines.length);

const MUTATIONS: Record<string, Mutation> = {
  'open heredoc at the end': (t) => `${t.replace(/\n*$/, '\n')}RUN <<EOF\napt-get update\n`,
  'heredoc closed by "EOF  "': (t) => `${t.replace(/\n*$/, '\n')}RUN <<EOF\necho hi\nEOF  \n`,
  'COPY heredoc left open': (t) => `${t.replace(/\n*$/, '\n')}COPY <<CONF /etc/app.conf\nkey=value\n`,
  'dangling continuation': (t) => `${t.replace(/\n*$/, '\n')}RUN echo \\\n`,
  'dangling continuation, blank lines after': (t) => `${t.replace(/\n*$/, '\n')}RUN make \\  \n\n\n`,
  'cut in the middle of a line': (t, r) => t.slice(0, Math.floor(t.length * (0.3 + 0.7 * r()))),
  CRLF: (t) => t.replace(/\r?\n/g, '\r\n'),
  'byte-order mark': (t) => `\uFEFF${t}`,
  'Latin-1 bytes read as UTF-8': (t) => Buffer.concat([Buffer.from(t), Buffer.from([0x23, 0x20, 0xe9, 0xe8, 0x0a])]).toString('utf8'),
  'Latin-1 text': (t) => Buffer.from(`${t}LABEL maintainer="Ren\u00e9"\n`, 'latin1').toString('latin1'),
  'drop a line': (t, r) => {
    const lines = t.split('\n');
    lines.splice(lineIndex(lines, r), 1);
    return lines.join('\n');
  },
  'double a line': (t, r) => {
    const lines = t.split('\n');
    const i = lineIndex(lines, r);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  'stray shell characters': (t, r) => {
    const at = Math.floor(r() * (t.length + 1));
    return t.slice(0, at) + pick(['\\', '<<', '"', "'", '[', ']', '$', '${', '`', '#', '&&', '\\\n', '\n', '\t'], r) + t.slice(at);
  },
  'no trailing newline': (t) => t.replace(/\s+$/, ''),
  'indented first line with a variable': (t) => ` t $c\n${t}`,
  'continuation into an escaped space': (t) => `${t.replace(/\n*$/, '\n')}RUN \\\n\\ x\n`,
};

function describeCase(n: number, name: string, mutations: string[], text: string): string {
  return `seed ${SEED}, case ${n} (${name}; ${mutations.join(' + ')}):\n${JSON.stringify(text)}`;
}

interface FuzzCase {
  n: number;
  name: string;
  applied: string[];
  text: string;
}

/** The same cases for the same seed, whichever test asks. */
function* fuzzCases(cases: number, seen?: Set<string>): Generator<FuzzCase> {
  const files = corpusFiles();
  assert.ok(files.length > 0, 'the corpus is there');
  const r = random(SEED);
  const names = Object.keys(MUTATIONS);
  for (let n = 0; n < cases; n++) {
    const file = pick(files, r);
    const applied: string[] = [];
    let text = file.text;
    const count = 1 + Math.floor(r() * 3);
    for (let i = 0; i < count; i++) {
      const name = pick(names, r);
      applied.push(name);
      text = MUTATIONS[name](text, r);
    }
    applied.forEach((a) => seen?.add(a));
    yield { n, name: file.name, applied, text };
  }
}

test(`fuzz: ${CASES} mutated corpus files (seed ${SEED}): no throw, fixes parse, fix-all and convert are stable`, { skip: CORPUS_SKIP }, () => {
  const names = Object.keys(MUTATIONS);
  const seen = new Set<string>();
  for (const { n, name, applied, text } of fuzzCases(CASES, seen)) {
    const where = () => describeCase(n, name, applied, text);
    try {
      validateSyntax(text);
      lint(text);
      const once = fixAll(analyze(text));
      if (once.text !== text) {
        assert.ok(parses(once.text), `fix-all result parses: ${where()}`);
        assert.equal(openTail(once.text)?.reason, openTail(text)?.reason, `fix-all neither opens nor closes the tail: ${where()}`);
      }
      assert.equal(fixAll(analyze(once.text)).text, once.text, `fix-all twice equals once: ${where()}`);

      const converted = convert(text);
      if (converted.ok && converted.changed) {
        assert.ok(parses(converted.text), `the conversion parses: ${where()}`);
        const again = convert(converted.text);
        assert.ok(!again.ok || !again.changed, `converting the converted file changes nothing or refuses: ${where()}\nfirst result:\n${converted.text}`);
      }
      if (openTail(text)) assert.equal(converted.ok, false, `a file with an open tail is not converted: ${where()}`);

      // Bytes in, bytes out: decoding and encoding an unedited file gives the same bytes.
      const bytes = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8');
      if (text.trim() !== '' && !bytes.includes(0)) {
        const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
        for (const input of [bytes, withBom]) {
          if (input.toString('utf8').replace(/^\uFEFF/, '').trim() === '') continue;
          const source = decodeDockerfile(input, 'fuzz');
          assert.deepEqual(encodeDockerfile(source, source.text), input, `decode/encode round trip: ${where()}`);
        }
      }
    } catch (error) {
      if (error instanceof assert.AssertionError) throw error;
      assert.fail(`threw ${error instanceof Error ? error.stack : String(error)}\n${where()}`);
    }
  }
  assert.deepEqual([...seen].sort(), [...names].sort(), 'every mutation ran at least once');
});

const CLI_CASES = Math.min(CASES, Number(process.env.FUZZ_CLI_CASES ?? 150));

test(`fuzz: lint --stdin --fix on ${CLI_CASES} mutated corpus files prints a Dockerfile and never fails with an internal error`, { skip: CORPUS_SKIP }, async () => {
  for (const { n, name, applied, text } of fuzzCases(CLI_CASES)) {
    const where = () => describeCase(n, name, applied, text);
    const run = await runCli(['lint', '--fix', '--stdin'], { cwd: process.cwd(), stdin: text });
    assert.notEqual(run.code, 3, `no internal error: ${run.stderr}\n${where()}`);
    if (run.code === 2) {
      // Refused input (not a Dockerfile, not UTF-8...): handed back byte for byte.
      assert.equal(run.stdout, text, `refused input comes back unchanged: ${where()}`);
    } else if (run.stdout !== text) {
      assert.ok(parses(run.stdout), `the fixed text parses: ${where()}`);
    }
    if (text.trim() !== '') assert.notEqual(run.stdout, '', `never an empty buffer: ${where()}`);
  }
});
