/**
 * The image final-stage-full-os suggests and the image Convert ships on are one
 * decision (the converter's plan): on every corpus file the converter converts, the
 * finding names the converted runtime image. A Go app must not be told nodejs24 while
 * Convert picks static.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { convert, lint } from '../../server/src/engine/testing';
import { diskWorkspace } from '../../server/src/host/workspaceFiles';
import { CORPUS_SKIP, corpusFiles } from '../support/corpus';
import { FACTS_DATE } from '../support/ruleTable';

test('the full-OS finding suggests the image Convert ships on, on both corpora', { skip: CORPUS_SKIP }, () => {
  const mismatches: string[] = [];
  let compared = 0;
  for (const file of corpusFiles()) {
    const workspace = file.folder ? diskWorkspace(file.folder) : undefined;
    const finding = lint(file.text, { today: FACTS_DATE, workspace }).diagnoses.find((d) => d.ruleId === 'final-stage-full-os' && d.severity !== 'information');
    if (!finding) continue;
    const converted = convert(file.text, { workspace });
    if (!converted.ok || !converted.changed) continue;
    compared++;
    if (!finding.message.includes(`such as ${converted.runtimeImage} in a multi-stage build`)) mismatches.push(`${file.name}: Convert ships on ${converted.runtimeImage}; the finding says: ${finding.message.split('\n')[0]}`);
  }
  assert.ok(compared >= 30, `compared ${compared} files`);
  assert.deepEqual(mismatches, []);
});

test('a Go app copied onto a Node image: the finding names static, as Convert does', () => {
  const text = 'FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/server .\nFROM node:24\nCOPY --from=build /out/server /usr/local/bin/server\nCMD ["server"]\n';
  const converted = convert(text, {});
  assert.ok(converted.ok && converted.changed);
  const finding = lint(text, { today: FACTS_DATE }).diagnoses.find((d) => d.ruleId === 'final-stage-full-os');
  assert.ok(finding);
  assert.equal(converted.runtimeImage, 'gcr.io/distroless/static-debian13:nonroot');
  assert.match(finding.message, /^Ships on node:24, a full OS: ship the artifact on static-debian13:nonroot\n/);
});
