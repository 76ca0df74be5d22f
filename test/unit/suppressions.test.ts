import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lint, RULES } from '../../server/src/engine/testing';
import { FACTS_DATE, formatRange } from '../support/ruleTable';

const INVALID_SUPPRESSION = 'invalid-suppression';

const ROOT = 'FROM debian:13\nRUN apt-get install -y curl\n';

test('an instruction suppression silences that rule on the next instruction only', () => {
  const text = 'FROM debian:13\n# distroless-ignore package-manager-in-final-stage\nRUN apt-get install -y curl\nRUN apt-get install -y jq\n';
  const ids = lint(text, { today: FACTS_DATE }).diagnoses.map((d) => `${d.ruleId}@${d.range.start.line}`);
  assert.ok(!ids.includes('package-manager-in-final-stage@2'));
  assert.ok(ids.includes('package-manager-in-final-stage@3'));
  assert.ok(ids.includes('attack-tools-in-final-stage@2'), 'other rules on the same line still report');
});

test('stacked suppressions and comma-separated ids all apply', () => {
  const text = 'FROM debian:13\n# distroless-ignore package-manager-in-final-stage\n# distroless-ignore attack-tools-in-final-stage, runs-as-root\nRUN apt-get install -y curl\n';
  const ids = lint(text, { today: FACTS_DATE }).diagnoses.filter((d) => d.range.start.line === 3).map((d) => d.ruleId);
  assert.deepEqual(ids, []);
});

test('a file suppression silences the rule everywhere', () => {
  const text = `# distroless-ignore-file runs-as-root\n${ROOT}`;
  assert.ok(!lint(text, { today: FACTS_DATE }).diagnoses.some((d) => d.ruleId === 'runs-as-root'));
});

test('every rule can be suppressed where it reports', () => {
  // A Dockerfile per rule that makes it fire, suppressed on its own line or for the file.
  for (const rule of RULES) {
    const sample = SAMPLES[rule.id];
    assert.ok(sample, `a sample for ${rule.id}`);
    const before = lint(sample, { today: FACTS_DATE, rules: [rule] }).diagnoses.filter((d) => d.ruleId === rule.id);
    assert.ok(before.length > 0, `${rule.id} fires on its sample`);
    const fileSuppressed = lint(`# distroless-ignore-file ${rule.id}\n${sample}`, { today: FACTS_DATE, rules: [rule] }).diagnoses.filter((d) => d.ruleId === rule.id);
    assert.deepEqual(fileSuppressed, [], `${rule.id} file suppression`);
    // Instruction suppression: put the comment above the instruction each finding starts on.
    const lines = sample.split('\n');
    const targets = new Set(before.map((d) => d.range.start.line));
    const withComments = lines.flatMap((l, i) => (targets.has(i) ? [`# distroless-ignore ${rule.id}`, l] : [l])).join('\n');
    const lineSuppressed = lint(withComments, { today: FACTS_DATE, rules: [rule] }).diagnoses.filter((d) => d.ruleId === rule.id);
    assert.deepEqual(lineSuppressed.map((d) => formatRange(d.range)), [], `${rule.id} instruction suppression`);
  }
});

test('an unknown rule id in a suppression is reported on the id', () => {
  const text = 'FROM debian:13\n# distroless-ignore runs-as-rot\nUSER root\n';
  const bad = lint(text, { today: FACTS_DATE }).diagnoses.filter((d) => d.ruleId === INVALID_SUPPRESSION);
  assert.deepEqual(bad.map((d) => formatRange(d.range)), ['1:20-1:31']);
  assert.match(bad[0].message, /Unknown rule id "runs-as-rot"/);
});

test('a suppression with no id, or not above an instruction, is reported', () => {
  const text = 'FROM debian:13\n# distroless-ignore\nUSER root\n# distroless-ignore runs-as-root\n';
  const bad = lint(text, { today: FACTS_DATE }).diagnoses.filter((d) => d.ruleId === INVALID_SUPPRESSION);
  assert.equal(bad.length, 2);
  assert.match(bad[0].message, /names no rule/);
  assert.match(bad[1].message, /not directly above an instruction/);
});

test('invalid-suppression can be turned off, and rules re-rated', () => {
  const text = 'FROM debian:13\n# distroless-ignore nope\n';
  const off = lint(text, { today: FACTS_DATE, severities: { [INVALID_SUPPRESSION]: 'off', 'runs-as-root': 'error' } }).diagnoses;
  assert.ok(!off.some((d) => d.ruleId === INVALID_SUPPRESSION));
  assert.equal(off.find((d) => d.ruleId === 'runs-as-root')?.severity, 'error');
});

const SAMPLES: Record<string, string> = {
  'invalid-suppression': 'FROM debian:13\n# distroless-ignore nope\nUSER root\n',
  'final-stage-full-os': 'FROM debian:13\n',
  'package-manager-in-final-stage': ROOT,
  'attack-tools-in-final-stage': ROOT,
  'copy-context-into-final-stage': 'FROM golang:1.23 AS build\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY . .\n',
  'shell-form-in-shellless-stage': 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD /app\n',
  'run-in-shellless-stage': 'FROM gcr.io/distroless/static-debian13:nonroot\nRUN true\n',
  'healthcheck-needs-shell': 'FROM gcr.io/distroless/static-debian13:nonroot\nHEALTHCHECK CMD /app health\n',
  'missing-program-in-shellless-stage': 'FROM gcr.io/distroless/static-debian13:nonroot\nENTRYPOINT ["sh"]\n',
  'runtime-entrypoint-duplicated': 'FROM gcr.io/distroless/nodejs22-debian13:nonroot\nCMD ["node", "a.js"]\n',
  'runs-as-root': ROOT,
  'user-not-resolvable': 'FROM scratch\nUSER app\n',
  'distroless-end-of-life': 'FROM gcr.io/distroless/static-debian12:nonroot\n',
  'distroless-unpinned-release': 'FROM gcr.io/distroless/static:nonroot\n',
  'debug-image-shipped': 'FROM gcr.io/distroless/static-debian13:debug-nonroot\n',
  'go-cgo-enabled-for-static': 'FROM golang:1.23 AS b\nRUN go build -o /app\nFROM scratch\nCOPY --from=b /app /app\nENTRYPOINT ["/app"]\n',
  'go-binary-not-stripped': 'FROM golang:1.23\nRUN go build -o /app\n',
  'musl-binary-on-glibc': 'FROM golang:1.19-alpine AS b\nRUN go build -o /app\nFROM gcr.io/distroless/base-debian13\nCOPY --from=b /app /app\n',
  'python-abi-mismatch': 'FROM python:3.11 AS b\nRUN pip install --target=/d x\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=b /d /d\n',
  'node-version-mismatch': 'FROM node:20 AS b\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --from=b /node_modules /node_modules\n',
  'scratch-missing-ca-certificates': 'FROM alpine:3 AS b\nRUN apk add ca-certificates\nFROM scratch\nCOPY --from=b /app /app\nENTRYPOINT ["/app"]\n',
  'scratch-prefer-static': 'FROM scratch\n',
};
