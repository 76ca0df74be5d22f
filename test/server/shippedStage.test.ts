/** `distroless/shippedStage`: the stage the status bar names, from the real server. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { startServer, ServerUnderTest } from '../support/lspClient';

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
    name: 'runtime', index: 1, stages: 2, image: 'gcr.io/distroless/static-debian13:nonroot', shellless: true, targeted: false,
  });
});

test('the target setting picks the stage', async () => {
  assert.deepEqual(await shipped(targeted, 'file:///tmp/shipped-2/Dockerfile', TWO_STAGES), {
    name: 'build', index: 0, stages: 2, image: 'golang:1.23', shellless: false, targeted: true,
  });
});

test('an unknown document has none', async () => {
  assert.equal(await server.connection.sendRequest('distroless/shippedStage', { uri: 'file:///tmp/never-opened/Dockerfile' }), null);
});
