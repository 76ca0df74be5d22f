/**
 * The language server over stdio with a 5 MB Dockerfile open: semantic tokens for it
 * (which the editor asks for whenever a file opens) do not stop the server from
 * answering another request, a cancelled token request ends, and every other request
 * on the large file gets an answer. A first line like ` t $c` (which made the syntax
 * check overflow the stack) gets its diagnostics published.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CancellationTokenSource, FoldingRangeRequest, HoverRequest, LSPErrorCodes, ResponseError, SemanticTokensRequest, DocumentSymbolRequest,
} from 'vscode-languageserver-protocol/node';
import { startServer, ServerUnderTest } from '../support/lspClient';
import { CORPUS_SKIP, corpusFiles } from '../support/corpus';

let server: ServerUnderTest;
before(async () => {
  server = await startServer({ diagnosticsDelay: 0 });
});
after(async () => {
  await server.close();
});

const SMALL = 'file:///tmp/responsive-small/Dockerfile';

function fiveMegabytes(): string {
  const unit = corpusFiles().map((f) => f.text.replace(/\n*$/, '\n')).join('');
  let text = unit;
  while (text.length < 5 * 1024 * 1024) text += unit;
  return text;
}

test('semantic tokens of a 5 MB file do not hold up a request on another file, and arrive', { skip: CORPUS_SKIP, timeout: 600_000 }, async () => {
  const small = server.nextDiagnostics(SMALL, 1);
  server.open(SMALL, 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app"]\n');
  await small;
  const uri = 'file:///tmp/responsive-large/Dockerfile';
  const text = fiveMegabytes();
  const opened = server.nextDiagnostics(uri, 1, 120_000);
  server.open(uri, text);
  // The "too large to check" notice: the server has the document.
  assert.match((await opened).diagnostics[0]?.message ?? '', /not checked in the editor/);

  const order: string[] = [];
  const tokens = server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }).then((t) => { order.push('tokens'); return t; });
  // Let the server start on the tokens before the other request arrives.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const folding = await server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: SMALL } });
  order.push('other');
  assert.ok(Array.isArray(folding));
  const answer = await tokens;
  assert.deepEqual(order, ['other', 'tokens'], 'the request on the small file was answered while the tokens were computed');
  // One keyword token, at least, per instruction line of the corpus files repeated.
  assert.ok(answer && answer.data.length / 5 > text.split('\n').length / 10, `tokens for the whole file: ${answer?.data.length}`);

  // Requests the service answers by parsing the whole file get an empty answer at once.
  assert.equal(await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 1 } }), null);
  assert.deepEqual(await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), []);

  const source = new CancellationTokenSource();
  const cancelled = server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }, source.token);
  setTimeout(() => source.cancel(), 200);
  await assert.rejects(cancelled, (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled);
});

test('a first line like " t $c" gets its syntax diagnostics published', async () => {
  const uri = 'file:///tmp/responsive-overflow/Dockerfile';
  const published = server.nextDiagnostics(uri, 1);
  server.open(uri, ' t $c\nFROM debian:12\n');
  const { diagnostics } = await published;
  assert.ok(diagnostics.some((d) => d.source === 'dockerfile-utils'), JSON.stringify(diagnostics));
  assert.ok(!diagnostics.some((d) => /could not be checked|syntax check failed/.test(d.message)), JSON.stringify(diagnostics));
  assert.doesNotMatch(server.stderr(), /Maximum call stack/);
});
