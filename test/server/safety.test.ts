/**
 * The language server with inputs that must not hurt it: a document too large to
 * check (other requests keep being answered), and a file ending inside an open heredoc
 * (no quick fix appends into it).
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { CodeAction, CodeActionRequest, HoverRequest } from 'vscode-languageserver-protocol/node';
import { startServer, ServerUnderTest } from '../support/lspClient';

let server: ServerUnderTest;
before(async () => {
  server = await startServer({ diagnosticsDelay: 0 });
});
after(async () => {
  await server.close();
});

test('a 2 MB document gets one line saying it is not checked, and a hover elsewhere is still answered', async () => {
  const big = 'file:///tmp/safety-big/Dockerfile';
  const line = 'RUN echo "some padding to make this document large" && true\n';
  const text = `FROM debian:12\n${line.repeat(Math.ceil((2 * 1024 * 1024) / line.length))}`;
  const published = server.nextDiagnostics(big, 1);
  server.open(big, text);
  const { diagnostics } = await published;
  assert.deepEqual(diagnostics.map((d) => [d.severity, d.message]), [[3, 'This file is 2.0 MB, so it is not checked in the editor (the limit is 256 KB; real Dockerfiles are rarely above 20 KB). Check it with the command line: distroless lint <file>.']]);
  const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: big }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, context: { diagnostics: [] },
  })) as CodeAction[];
  assert.deepEqual(actions, []);

  const small = 'file:///tmp/safety-small/Dockerfile';
  const smallPublished = server.nextDiagnostics(small, 1);
  server.open(small, 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app"]\n');
  await smallPublished;
  const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: small }, position: { line: 0, character: 1 } });
  assert.ok(hover, 'the hover on FROM is answered');
});

test('no quick fix appends inside an open heredoc at the end of the file', async () => {
  const uri = 'file:///tmp/safety-heredoc/Dockerfile';
  const text = 'FROM debian:12\nRUN <<EOF\napt-get update\n';
  const published = server.nextDiagnostics(uri, 1);
  server.open(uri, text);
  const { diagnostics } = await published;
  const root = diagnostics.find((d) => d.code === 'runs-as-root');
  assert.ok(root, 'runs-as-root is still reported');
  const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri }, range: root.range, context: { diagnostics: [root] },
  })) as CodeAction[];
  const edits = actions.flatMap((a) => Object.values(a.edit?.changes ?? {}).flat());
  assert.deepEqual(edits.filter((e) => e.range.start.line >= 1), [], JSON.stringify(actions.map((a) => a.title)));
});
