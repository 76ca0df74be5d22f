/** `distroless/shippedStage`: the stage the status bar names, from the real server. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { startServer, ServerUnderTest } from '../support/lspClient';
import { makeProject } from '../support/cli';

let server: ServerUnderTest;
let targeted: ServerUnderTest;
before(async () => {
  server = await startServer({ diagnosticsDelay: 0 });
  targeted = await startServer({ diagnosticsDelay: 0, target: 'build' });
});
after(async () => {
  await Promise.all([server.close(), targeted.close()]);
});

const TWO_STAGES = 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian13:nonroot AS runtime\nCOPY --from=build /app /app\nCMD ["/app"]\n';

async function shipped(s: ServerUnderTest, uri: string, text: string): Promise<unknown> {
  const pending = s.nextDiagnostics(uri, 1);
  s.open(uri, text);
  await pending;
  return s.connection.sendRequest('distroless/shippedStage', { uri });
}

test('the last stage ships, with its image and whether it has a shell', async () => {
  assert.deepEqual(await shipped(server, 'file:///tmp/shipped-1/Dockerfile', TWO_STAGES), {
    name: 'runtime', index: 1, stages: 2, image: 'gcr.io/distroless/static-debian13:nonroot', shellless: true, targeted: false, baseKnown: true,
  });
});

test('the target setting picks the stage', async () => {
  assert.deepEqual(await shipped(targeted, 'file:///tmp/shipped-2/Dockerfile', TWO_STAGES), {
    name: 'build', index: 0, stages: 2, image: 'golang:1.23', shellless: false, targeted: true, baseKnown: true,
    targetSource: 'the distroless.target setting ("build")',
  });
});

test('an unknown document has none', async () => {
  assert.equal(await server.connection.sendRequest('distroless/shippedStage', { uri: 'file:///tmp/never-opened/Dockerfile' }), null);
});

test('compose.yaml beside the Dockerfile picks the stage, and the answer says so', async () => {
  const project = makeProject({ 'compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      target: build\n' });
  const uri = pathToFileURL(path.join(project, 'Dockerfile')).toString();
  assert.deepEqual(await shipped(server, uri, TWO_STAGES), {
    name: 'build', index: 0, stages: 2, image: 'golang:1.23', shellless: false, targeted: true, baseKnown: true,
    targetSource: 'target "build" of service "app" in compose.yaml',
  });
});

test('an image nothing is known about is said to be unknown (the status item shows ? instead of a check)', async () => {
  assert.deepEqual(await shipped(server, 'file:///tmp/shipped-3/Dockerfile', 'FROM corp/private-base:1\nCMD ["/app"]\n'), {
    index: 0, stages: 1, image: 'corp/private-base:1', shellless: false, targeted: false, baseKnown: false,
  });
});
