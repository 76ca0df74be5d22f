/**
 * Semantic tokens computed piece by piece (server/src/lsp/semanticTokens.ts) are the
 * service's own tokens for the whole document wherever the service can answer: every
 * corpus file, a 16 KB concatenation of them, backtick escapes, heredocs and
 * continuations cut across piece sizes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DockerfileLanguageServiceFactory } from 'dockerfile-language-service';
import { piecesOf, semanticTokens, MAX_INSTRUCTION_CHARS } from '../../server/src/lsp/semanticTokens';
import { CORPUS_SKIP, corpusFiles } from '../support/corpus';

const service = DockerfileLanguageServiceFactory.createLanguageService();
const compute = (text: string) => service.computeSemanticTokens(text);
const pieced = async (text: string) => (await semanticTokens(text, { compute, stopped: () => false }))?.data;

test('every corpus file, and 16 KB of them in one file, get exactly the service\'s tokens', { skip: CORPUS_SKIP }, async () => {
  const files = corpusFiles();
  for (const file of files) assert.deepEqual(await pieced(file.text), compute(file.text).data, file.name);
  const joined = files.map((f) => f.text).join('\n').slice(0, 16 * 1024);
  assert.ok(piecesOf(joined).pieces.length > 4, 'the joined file is cut into pieces');
  assert.deepEqual(await pieced(joined), compute(joined).data);
});

const REPEATED: Array<[string, string]> = [
  ['backtick escape directive', '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command `\n    Write-Host $env:PATH `\n    # a comment inside\n    ; echo done\nENV A=1 B="two words"\n'],
  ['heredoc with FROM-looking lines in its body', 'FROM debian:12\nRUN <<EOF\nFROM nothing\nRUN not an instruction\nEOF\nCOPY <<-CONF /etc/app.conf\n\tUSER root\n\tCONF\nUSER 65532\n'],
  ['continuations with comments and blank lines', 'FROM alpine:3.20 AS build\nRUN apk add --no-cache \\\n    # comment\n\n    curl \\\n    git\nARG VERSION=1.2.3\nLABEL version="${VERSION}" \\\n      name=app\n'],
];

for (const [name, unit] of REPEATED) {
  test(`pieces cut at instruction starts only: ${name}`, async () => {
    const text = unit.startsWith('# escape') ? unit + unit.replace(/^# escape=`\n/, '').repeat(200) : unit.repeat(200);
    assert.ok(piecesOf(text).pieces.length > 2);
    assert.deepEqual(await pieced(text), compute(text).data);
  });
}

test('one instruction larger than the limit gets only its keyword token; the pieces around it are untouched', async () => {
  const huge = `RUN echo ${'x'.repeat(MAX_INSTRUCTION_CHARS)}\n`;
  const text = `FROM debian:12\n${huge}USER 65532\n`;
  const data = await pieced(text);
  const before = compute('FROM debian:12\n').data;
  assert.deepEqual(data?.slice(0, before.length), before);
  assert.deepEqual(data?.slice(before.length, before.length + 5), [1, 0, 3, 0, 0]);
  assert.deepEqual(data?.slice(before.length + 5), [1, 0, 4, 0, 0, 0, 5, 5, 2, 0]);
});

test('a stopped request ends at its next pause without an answer', async () => {
  const text = 'FROM debian:12\nRUN echo hello && ls -la /tmp\n'.repeat(20_000);
  let asked = 0;
  const result = await semanticTokens(text, { compute: (t) => { asked++; return compute(t); }, stopped: () => true });
  assert.equal(result, undefined);
  assert.ok(asked < piecesOf(text).pieces.length, `stopped after ${asked} of ${piecesOf(text).pieces.length} pieces`);
});
