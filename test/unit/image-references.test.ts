/**
 * Image references as Docker reads them (distribution/reference): a FROM line's
 * reference is checked before it reaches the engine's API or a registry, and split
 * into registry, repository, tag and digest with Docker Hub's defaults.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseImageReference, type ImageReferenceParts } from '../../server/src/shared/imageReference';

const DIGEST = `sha256:${'a'.repeat(64)}`;

const VALID: Array<[string, ImageReferenceParts]> = [
  ['alpine', { domain: 'docker.io', path: 'library/alpine', tag: undefined, digest: undefined }],
  ['alpine:3.20', { domain: 'docker.io', path: 'library/alpine', tag: '3.20', digest: undefined }],
  ['docker.io/alpine', { domain: 'docker.io', path: 'library/alpine', tag: undefined, digest: undefined }],
  ['index.docker.io/library/alpine:3', { domain: 'docker.io', path: 'library/alpine', tag: '3', digest: undefined }],
  ['bitnami/nginx:1.27', { domain: 'docker.io', path: 'bitnami/nginx', tag: '1.27', digest: undefined }],
  ['gcr.io/distroless/static-debian13:nonroot', { domain: 'gcr.io', path: 'distroless/static-debian13', tag: 'nonroot', digest: undefined }],
  ['127.0.0.1:5000/team/app:v1', { domain: '127.0.0.1:5000', path: 'team/app', tag: 'v1', digest: undefined }],
  ['localhost/app', { domain: 'localhost', path: 'app', tag: undefined, digest: undefined }],
  [`cgr.dev/chainguard/static@${DIGEST}`, { domain: 'cgr.dev', path: 'chainguard/static', tag: undefined, digest: DIGEST }],
  [`node:22-slim@${DIGEST}`, { domain: 'docker.io', path: 'library/node', tag: '22-slim', digest: DIGEST }],
  ['mcr.microsoft.com/dotnet/runtime-deps:9.0-noble-chiseled', { domain: 'mcr.microsoft.com', path: 'dotnet/runtime-deps', tag: '9.0-noble-chiseled', digest: undefined }],
  ['my_org/a__b.c-d:T_1', { domain: 'docker.io', path: 'my_org/a__b.c-d', tag: 'T_1', digest: undefined }],
];

test('valid references split as Docker reads them, with Docker Hub defaults', () => {
  for (const [reference, parts] of VALID) assert.deepEqual(parseImageReference(reference), { parts }, reference);
});

const INVALID: Array<[string, RegExp]> = [
  // FROM cgr.dev/${EMPTY}/x with EMPTY empty: the engine would answer with a redirect.
  ['cgr.dev//x:latest', /empty path component/],
  ['cgr.dev/x/', /empty path component/],
  ['/x', /empty path component/],
  ['', /empty/],
  ['Alpine', /must be lowercase \("Alpine"\)/],
  ['gcr.io/Distroless/static', /must be lowercase \("Distroless"\)/],
  ['gcr.io/distroless/st$atic', /"st\$atic" is not a valid repository name component/],
  ['my-.org/app', /"my-\.org" is not a registry host/],
  ['alpine:-latest', /"-latest" is not a valid tag/],
  [`alpine:${'x'.repeat(129)}`, /is not a valid tag/],
  ['alpine@sha256:abc', /not a digest/],
  [`alpine@sha256:${'a'.repeat(63)}0f`, /64 hex digits/],
  ['alpine latest', /white space/],
  [':latest', /names no repository/],
  [`${'a'.repeat(256)}`, /longer than 255/],
  ['a/../b', /"\.\." is not a valid repository name component/],
];

test('references Docker would refuse say why, and never throw', () => {
  for (const [reference, why] of INVALID) {
    const result = parseImageReference(reference);
    assert.ok('problem' in result, `${reference} should be refused`);
    assert.match(result.problem, why, reference);
  }
});
