import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { classifyImage, distrolessEndOfLife, parseImageRef } from '../../server/src/engine/imageFacts';

const TODAY = new Date('2026-11-22T12:00:00Z');

test('image references split into registry, path, tag and digest', () => {
  assert.deepEqual(parseImageRef('gcr.io/distroless/static-debian13:nonroot'), { text: 'gcr.io/distroless/static-debian13:nonroot', registry: 'gcr.io', path: 'distroless/static-debian13', tag: 'nonroot', digest: undefined });
  assert.deepEqual(parseImageRef('docker.io/library/node:22-alpine'), { text: 'docker.io/library/node:22-alpine', registry: undefined, path: 'node', tag: '22-alpine', digest: undefined });
  assert.deepEqual(parseImageRef('localhost:5000/app@sha256:ab'), { text: 'localhost:5000/app@sha256:ab', registry: 'localhost:5000', path: 'app', tag: undefined, digest: 'sha256:ab' });
});

const table: Array<[string, Partial<ReturnType<typeof classifyImage>> & { user?: number }]> = [
  ['scratch', { family: 'scratch', shellless: true, staticOnly: true, user: 0 }],
  ['gcr.io/distroless/static-debian13', { family: 'distroless', shellless: true, staticOnly: true, user: 0 }],
  ['gcr.io/distroless/static-debian13:nonroot', { family: 'distroless', shellless: true, user: 65532 }],
  ['gcr.io/distroless/base-debian13:debug', { family: 'distroless', shellless: false, debug: true, user: 0 }],
  ['gcr.io/distroless/nodejs22-debian13:debug-nonroot', { family: 'distroless', shellless: false, debug: true, user: 65532, runtime: 'node', runtimeVersion: '22' }],
  ['gcr.io/distroless/python3-debian12', { family: 'distroless', runtime: 'python', runtimeVersion: '3.11' }],
  ['gcr.io/distroless/python3-debian13', { family: 'distroless', runtime: 'python', runtimeVersion: '3.13' }],
  ['cgr.dev/chainguard/static:latest', { family: 'chainguard', shellless: true, user: 65532 }],
  ['cgr.dev/chainguard/node:latest-dev', { family: 'chainguard', shellless: false, debug: true }],
  ['mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled', { family: 'dotnet-chiseled', shellless: true, user: 1654 }],
  ['mcr.microsoft.com/dotnet/aspnet:8.0', { family: 'general', shellless: false, user: 0 }],
  ['node:20-alpine', { family: 'general', runtime: 'node', runtimeVersion: '20', libc: 'musl' }],
  ['python:3.12-slim', { family: 'general', runtime: 'python', runtimeVersion: '3.12', libc: 'glibc' }],
  ['golang:1.23', { family: 'general', runtime: 'go' }],
  ['registry.access.redhat.com/ubi9/ubi-minimal', { family: 'general' }],
  ['nginx:1.27', { family: 'unknown' }],
  ['myorg/app:1.0', { family: 'unknown' }],
];

for (const [image, expected] of table) {
  test(`classifies ${image}`, () => {
    const info = classifyImage(image);
    const { user, ...rest } = expected;
    for (const [key, value] of Object.entries(rest)) assert.equal((info as unknown as Record<string, unknown>)[key], value, key);
    if (user !== undefined) assert.equal(info.defaultUser?.uid, user, 'default uid');
  });
}

test('end of life on the facts date', () => {
  const eol = (image: string) => distrolessEndOfLife(classifyImage(image), TODAY)?.replacement;
  assert.equal(eol('gcr.io/distroless/static-debian12'), 'gcr.io/distroless/static-debian13');
  assert.equal(eol('gcr.io/distroless/nodejs20-debian12:nonroot'), 'gcr.io/distroless/nodejs22-debian13');
  assert.equal(eol('gcr.io/distroless/java11-debian11'), 'gcr.io/distroless/java17-debian13');
  assert.equal(eol('gcr.io/distroless/python3-debian12'), 'gcr.io/distroless/python3-debian13');
  assert.equal(eol('gcr.io/distroless/static-debian13'), undefined);
  assert.equal(eol('gcr.io/distroless/static'), undefined, 'an unpinned name is not end-of-life (another rule pins it)');
  // Before their end dates, Debian 12 base images were still supported.
  assert.equal(distrolessEndOfLife(classifyImage('gcr.io/distroless/static-debian12'), new Date('2026-09-01')), undefined);
  assert.ok(distrolessEndOfLife(classifyImage('gcr.io/distroless/nodejs22-debian12'), new Date('2026-09-01')));
});
