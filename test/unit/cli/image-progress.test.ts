/** The CLI says on stderr which base images it is reading when that takes over a second, once per image. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lookUpImages, SLOW_LOOKUP_MS } from '../../../server/src/cli/imageFacts';
import type { LocalImageFacts } from '../../../server/src/host/imageFacts';

/** A reader whose lookups take `ms`: the part of LocalImageFacts lookUpImages uses. */
function slowImages(ms: number): LocalImageFacts {
  return { load: () => new Promise<string[]>((r) => setTimeout(() => r([]), ms)), peek: () => undefined } as unknown as LocalImageFacts;
}

test('a lookup over a second prints one line naming the images; a second Dockerfile naming them prints nothing more', async () => {
  const lines: string[] = [];
  const images = slowImages(SLOW_LOOKUP_MS + 300);
  const first = lookUpImages('FROM node:22\nFROM corp/base:1\n', {}, images, (l) => lines.push(l));
  const second = lookUpImages('FROM node:22\n', {}, images, (l) => lines.push(l));
  await Promise.all([first.ready, second.ready]);
  assert.deepEqual(lines, ['distroless: reading node:22, corp/base:1 from the local Docker engine (once per image; --no-image-inspect skips it)\n']);
});

test('a quick lookup prints nothing, and control characters in a reference are escaped', async () => {
  const lines: string[] = [];
  await lookUpImages('FROM node:22\n', {}, slowImages(10), (l) => lines.push(l)).ready;
  assert.equal(lines.length, 0);
  await lookUpImages('ARG X="a\u001b[31mb"\nFROM ${X}\n', {}, slowImages(SLOW_LOOKUP_MS + 200), (l) => lines.push(l)).ready;
  assert.equal(lines.length <= 1 && lines.every((l) => !l.includes('\u001b')), true, JSON.stringify(lines));
});
