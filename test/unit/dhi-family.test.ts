/**
 * Docker Hardened Images (dhi.io) as a known family: facts from the published catalog
 * definitions (docs/image-facts.md names each file), and what the rules make of them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { classifyImage, describeImage, lint } from '../../server/src/engine/testing';
import { FACTS_DATE } from '../support/ruleTable';

const CASES: [string, { shell: string; user?: string; libc: string; runtime: string }][] = [
  ['dhi.io/static:20250419-debian13', { shell: 'no', user: 'nonroot 65532', libc: 'none', runtime: 'none' }],
  ['dhi.io/node:24', { shell: 'no', user: 'node 1000', libc: 'glibc', runtime: 'node' }],
  ['dhi.io/node:24.14-debian13', { shell: 'no', user: 'node 1000', libc: 'glibc', runtime: 'node' }],
  ['dhi.io/python:3.13-debian13', { shell: 'no', user: 'nonroot 65532', libc: 'glibc', runtime: 'python' }],
  ['dhi.io/nginx:1.30-debian13', { shell: 'no', user: 'nginx 65532', libc: 'glibc', runtime: 'none' }],
  // Build variants: root, a shell and a package manager.
  ['dhi.io/node:24-dev', { shell: 'yes', user: 'root 0', libc: 'glibc', runtime: 'none' }],
  ['dhi.io/golang:1.25-debian13-sdk', { shell: 'yes', user: 'root 0', libc: 'glibc', runtime: 'none' }],
  ['dhi.io/node:24-alpine3.23-dev', { shell: 'yes', user: 'root 0', libc: 'musl', runtime: 'none' }],
  // static's -glibc tags add libc6 (image/static/debian-13/static-glibc.yaml); the JRE (image/eclipse-temurin/debian-13/jre-21.yaml).
  ['dhi.io/static:20250419-glibc-debian13', { shell: 'no', user: 'nonroot 65532', libc: 'glibc', runtime: 'none' }],
  ['dhi.io/eclipse-temurin:21-debian13', { shell: 'no', user: 'nonroot 65532', libc: 'glibc', runtime: 'java' }],
  // Alpine runtimes checked against their catalog definitions (image/<name>/alpine-3.23/…): musl, no busybox.
  ['dhi.io/node:24-alpine3.23', { shell: 'no', user: 'node 1000', libc: 'musl', runtime: 'node' }],
  ['dhi.io/python:3.13-alpine3.23', { shell: 'no', user: 'nonroot 65532', libc: 'musl', runtime: 'python' }],
  ['dhi.io/eclipse-temurin:21-alpine3.23', { shell: 'no', user: 'nonroot 65532', libc: 'musl', runtime: 'java' }],
  ['dhi.io/static:20260909-alpine3.23', { shell: 'no', user: 'nonroot 65532', libc: 'none', runtime: 'none' }],
  // Not checked against the catalog (another name, an Alpine flavour not in the table): nothing claimed.
  ['dhi.io/nginx:1.30-alpine3.23', { shell: 'unknown', libc: 'musl', runtime: 'none' }],
  ['dhi.io/redis:8', { shell: 'unknown', libc: 'unknown', runtime: 'none' }],
  ['dhi.io/constructor:1-alpine3.23', { shell: 'unknown', libc: 'musl', runtime: 'none' }],
];

for (const [reference, want] of CASES) {
  test(`DHI facts: ${reference}`, () => {
    const info = classifyImage(reference);
    assert.equal(info.family, 'dhi');
    assert.deepEqual({ shell: info.shell, user: info.defaultUser ? `${info.defaultUser.name} ${info.defaultUser.uid}` : undefined, libc: info.libc, runtime: info.runtime }, { ...want, user: want.user });
  });
}

test('DHI in the shipped stage: a runtime variant is quiet about root and shells; shell form on it is an error; a -dev one runs as root', () => {
  const ids = (text: string) => lint(text, { today: FACTS_DATE }).diagnoses.map((d) => `${d.ruleId} ${d.severity}`);
  assert.deepEqual(ids('FROM dhi.io/node:24\nCOPY . /app\nCMD ["node", "/app/server.js"]\n'), []);
  assert.deepEqual(ids('FROM dhi.io/python:3.13\nCMD python app.py\n'), ['shell-form-in-shellless-stage error']);
  assert.ok(ids('FROM dhi.io/node:24-dev\nCMD ["node", "server.js"]\n').includes('runs-as-root warning'));
});

test('an Alpine DHI runtime not in the table: unknown, nothing claimed, and the hover gives the next step', () => {
  const text = 'FROM dhi.io/nginx:1.30-alpine3.23\nCMD nginx -g "daemon off;"\n';
  const { model, diagnoses } = lint(text, { today: FACTS_DATE });
  assert.deepEqual(diagnoses.map((d) => d.ruleId), []);
  const hover = describeImage(model.shipped!.base, { state: 'absent', reason: 'not-found' });
  assert.match(hover, /Unknown image: .*pull it \(`docker pull dhi\.io\/nginx:1\.30-alpine3\.23`\), turn on registry lookups .*or declare it in \.distroless\.yaml/);
});

test('a known Alpine DHI runtime: the hover names its catalog definition', () => {
  const { model } = lint('FROM dhi.io/node:24-alpine3.23\nCMD ["node", "server.js"]\n', { today: FACTS_DATE });
  const hover = describeImage(model.shipped!.base, { state: 'absent', reason: 'not-found' });
  assert.match(hover, /image\/node\/alpine-3\.23\/24\.yaml/);
  assert.doesNotMatch(hover, /Unknown image/);
});
