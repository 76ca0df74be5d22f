/** The local image facts provider when there is no engine, or one that never answers: silent, bounded, no retry storm. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalImageFacts, ImageFactsDiskCache, defaultCacheDir } from '../../server/src/host/imageFacts';
import { platformArgs, type ObservedImage } from '../../server/src/engine/testing';
import { hostPlatform } from '../../server/src/host/platform';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-provider-'));
}

test('no engine: every reference is "no engine", asked once, and again only after the back-off', async () => {
  let now = 1_000_000;
  const logs: string[] = [];
  const facts = new LocalImageFacts({
    env: { DOCKER_HOST: `unix://${path.join(tempDir(), 'no.sock')}` }, cacheDir: null, retryAfterMs: 60_000, now: () => now, log: (m) => logs.push(m),
  });
  assert.equal(facts.wants(['a:1', 'b:2']), true);
  // An absence changes nothing lint sees (the table stands): nothing to republish.
  assert.deepEqual(await facts.load(['a:1', 'b:2']), []);
  assert.equal(facts.peek('a:1')?.state, 'absent');
  assert.equal((facts.peek('a:1') as { reason: string }).reason, 'no-engine');
  for (let i = 0; i < 20; i++) {
    assert.equal(facts.wants(['a:1', 'b:2']), false, 'nothing is due during the back-off');
    assert.deepEqual(await facts.load(['a:1', 'b:2']), []);
  }
  assert.equal(facts.stats.connects, 1, 'one connection attempt for 21 loads');
  assert.equal(logs.length, 1, 'one log line, no error');
  now += 60_000;
  assert.equal(facts.wants(['a:1']), true);
  assert.deepEqual(await facts.load(['a:1']), [], 'still no engine: nothing changed');
  assert.equal(facts.stats.connects, 2);
});

test('an engine that accepts and never answers is timed out and counts as missing', async () => {
  const dir = tempDir();
  const socket = path.join(dir, 'hang.sock');
  const held: net.Socket[] = [];
  const server = net.createServer((s) => void held.push(s));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    const facts = new LocalImageFacts({ env: { DOCKER_HOST: `unix://${socket}` }, cacheDir: null, pingTimeoutMs: 200 });
    const started = Date.now();
    await facts.load(['a:1']);
    const elapsed = Date.now() - started;
    assert.equal((facts.peek('a:1') as { reason: string }).reason, 'no-engine');
    assert.match((facts.peek('a:1') as { detail: string }).detail, /no answer within 200 ms/);
    assert.ok(elapsed < 5_000, `bounded by the ping timeout, took ${elapsed} ms`);
  } finally {
    for (const s of held) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('the disk cache keeps facts by image ID and ignores what does not match', () => {
  const dir = tempDir();
  const cache = new ImageFactsDiskCache(dir);
  const id = `sha256:${'c'.repeat(64)}`;
  const image: ObservedImage = { id, user: '65532', env: [], workingDir: '', os: 'linux', architecture: 'amd64', labels: {}, shells: [], runtimes: {}, libc: 'none', caBundle: true };
  assert.equal(cache.get(id), undefined);
  cache.put(image);
  assert.deepEqual(cache.get(id), image);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'image-facts', 'v1')), [`sha256-${'c'.repeat(64)}.json`], 'one file, no temporary left');
  // A file whose content names another image is no answer for this one.
  const other = `sha256:${'d'.repeat(64)}`;
  fs.copyFileSync(path.join(dir, 'image-facts', 'v1', `sha256-${'c'.repeat(64)}.json`), path.join(dir, 'image-facts', 'v1', `sha256-${'d'.repeat(64)}.json`));
  assert.equal(cache.get(other), undefined);
  assert.equal(cache.get('not-an-id/../../etc/passwd'), undefined);
});

test('the cache lives in the OS cache directory unless DISTROLESS_CACHE_DIR says otherwise', () => {
  assert.equal(defaultCacheDir({ DISTROLESS_CACHE_DIR: '/x' }, 'linux', '/home/u'), '/x');
  assert.equal(defaultCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/distroless');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux', '/home/u'), '/c/distroless');
  assert.equal(defaultCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/distroless');
  assert.equal(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), path.join('C:\\Users\\u\\AppData\\Local', 'distroless', 'Cache'));
});

test('the build platform is Linux on this machine\'s CPU, as Docker names it', () => {
  assert.equal(hostPlatform('x64'), 'linux/amd64');
  assert.equal(hostPlatform('arm64'), 'linux/arm64');
  assert.equal(hostPlatform('arm'), 'linux/arm/v7');
  assert.equal(hostPlatform('mips'), undefined);
  assert.deepEqual(platformArgs('linux/arm/v7'), {
    TARGETPLATFORM: 'linux/arm/v7', TARGETOS: 'linux', TARGETARCH: 'arm', TARGETVARIANT: 'v7',
    BUILDPLATFORM: 'linux/arm/v7', BUILDOS: 'linux', BUILDARCH: 'arm', BUILDVARIANT: 'v7',
  });
});
