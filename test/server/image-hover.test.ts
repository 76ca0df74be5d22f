/**
 * Hover on FROM through the real language server, with no engine reachable (the
 * support's default) or reading turned off: every fact names its source, and the
 * server publishes once (nothing arrived, nothing to republish).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { startServer, type ServerUnderTest } from '../support/lspClient';

async function hoverText(server: ServerUnderTest, uri: string, text: string, line = 0, character = 8): Promise<string> {
  const published = server.nextDiagnostics(uri, 1);
  server.open(uri, text);
  await published;
  const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  return hover ? (hover.contents as MarkupContent).value : '';
}

test('hover on FROM: the table\'s facts with their source, unknown ones say why; one publish', async () => {
  const server = await startServer({ diagnosticsDelay: 0 });
  try {
    const table = await hoverText(server, 'file:///tmp/hover-table/Dockerfile', 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD ["/app"]\n');
    assert.equal(table, [
      '**gcr.io/distroless/static-debian13:nonroot**',
      'Not read from a local image: no Docker engine reachable.',
      '',
      '- From the built-in table (source: https://github.com/GoogleContainerTools/distroless): no shell; runs as 65532 (nonroot).',
      '- From the built-in table: no entrypoint; no libc.',
    ].join('\n'));
    const uri = 'file:///tmp/hover-unknown/Dockerfile';
    const unknown = await hoverText(server, uri, 'ARG BASE=myorg/app:1\nFROM ${BASE} AS run\nCMD /app\n', 1, 7);
    assert.equal(unknown, [
      '**myorg/app:1**',
      'Not read from a local image: no Docker engine reachable.',
      '',
      '- Not known (no Docker engine reachable): shell; default user; libc.',
      '',
      'Unknown image: the rules that need its shell or user stay quiet. To make it known, pull it (`docker pull myorg/app:1`), turn on registry lookups (`distroless.imageFacts.registryLookups`, CLI `--registry-lookups`), or declare it in .distroless.yaml: `images: { "myorg/app:1": { shell: false, user: "65532:65532", libc: glibc } }`.',
      // The language service's own hover (the ARG's value) follows ours.
      '',
      '---',
      '',
      'myorg/app:1',
    ].join('\n'));
    // Off the image (on the stage name), no hover of ours.
    const off = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 17 } });
    assert.ok(!off || !(off.contents as MarkupContent).value.includes('Not read from a local image'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(server.published.filter((p) => p.uri === uri).length, 1, 'no republish when nothing arrived');
  } finally {
    await server.close();
  }
});

test('with distroless.inspectLocalImages off, hover says so', async () => {
  const server = await startServer({ diagnosticsDelay: 0, inspectLocalImages: false });
  try {
    const text = await hoverText(server, 'file:///tmp/hover-off/Dockerfile', 'FROM myorg/app:1\n');
    assert.match(text, /^Not read from a local image: reading local images is turned off\.$/m);
    assert.match(text, /^- Not known \(reading local images is turned off\): shell;/m);
  } finally {
    await server.close();
  }
});
