import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CodeAction, CodeActionRequest, CompletionRequest, CompletionItem, CompletionList, DocumentFormattingRequest, HoverRequest,
  DocumentSymbolRequest, FoldingRangeRequest, SemanticTokensRequest, DidCloseTextDocumentNotification, TextEdit,
} from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../server/src/engine/testing';
import { startServer, ServerUnderTest } from '../support/lspClient';

let server: ServerUnderTest;
before(async () => {
  server = await startServer({ diagnosticsDelay: 0 });
});
after(async () => {
  await server.close();
});

const SCRATCH = 'FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\nCMD /app --serve\n';

function codesOf(diagnostics: Array<{ code?: number | string }>): Array<number | string | undefined> {
  return diagnostics.map((d) => d.code);
}

test('publishes our diagnostics with source, code and a documentation link', async () => {
  const uri = 'file:///tmp/publish/Dockerfile';
  const pending = server.nextDiagnostics(uri, 1);
  server.open(uri, SCRATCH);
  const { diagnostics } = await pending;
  const ours = diagnostics.filter((d) => d.source === 'distroless');
  assert.deepEqual(codesOf(ours), ['go-binary-not-stripped', 'go-cgo-enabled-for-static', 'scratch-prefer-static', 'shell-form-in-shellless-stage']);
  const shellForm = ours[3];
  assert.match(shellForm.codeDescription?.href ?? '', /docs\/rules\.md#shell-form-in-shellless-stage$/);
  assert.deepEqual(shellForm.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 16 } });
  assert.equal(shellForm.severity, 1);
});

test('a quick fix is a WorkspaceEdit that makes its diagnostic go away', async () => {
  const uri = 'file:///tmp/quickfix/Dockerfile';
  const first = server.nextDiagnostics(uri, 1);
  server.open(uri, SCRATCH);
  const { diagnostics } = await first;
  const target = diagnostics.find((d) => d.code === 'shell-form-in-shellless-stage');
  assert.ok(target);
  const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri }, range: target.range, context: { diagnostics: [target], only: ['quickfix'] },
  })) as CodeAction[];
  const fix = actions.find((a) => a.diagnostics?.[0]?.code === 'shell-form-in-shellless-stage');
  assert.ok(fix?.edit?.changes, 'the action carries an edit, not a command');
  assert.equal(fix.kind, 'quickfix');
  assert.equal(fix.isPreferred, true);
  const fixed = applyEdits(SCRATCH, fix.edit.changes[uri]);
  assert.equal(fixed, SCRATCH.replace('CMD /app --serve', 'CMD ["/app", "--serve"]'));
  const second = server.nextDiagnostics(uri, 2);
  server.change(uri, fixed, 2);
  assert.deepEqual(codesOf((await second).diagnostics.filter((d) => d.source === 'distroless')), ['go-binary-not-stripped', 'go-cgo-enabled-for-static', 'scratch-prefer-static']);
});

test('fix-all is a source.fixAll action that leaves no fixable problem', async () => {
  const uri = 'file:///tmp/fixall/Dockerfile';
  const first = server.nextDiagnostics(uri, 1);
  server.open(uri, SCRATCH);
  await first;
  const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] },
  })) as CodeAction[];
  assert.equal(actions.length, 1);
  assert.equal(actions[0].kind, 'source.fixAll.distroless');
  const fixed = applyEdits(SCRATCH, actions[0].edit!.changes![uri]);
  assert.equal(fixed, 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app .\nFROM gcr.io/distroless/static-debian13\nCOPY --from=build /out/app /app\nUSER 65532:65532\nCMD ["/app", "--serve"]\n');
});

test('settings re-rate and turn off rules', async () => {
  const rated = await startServer({ diagnosticsDelay: 0, rules: { 'shell-form-in-shellless-stage': 'hint', 'go-cgo-enabled-for-static': 'off' } });
  try {
    const uri = 'file:///tmp/settings/Dockerfile';
    const pending = rated.nextDiagnostics(uri, 1);
    rated.open(uri, SCRATCH);
    const ours = (await pending).diagnostics.filter((d) => d.source === 'distroless');
    const watched = ours.filter((d) => d.code === 'shell-form-in-shellless-stage' || d.code === 'go-cgo-enabled-for-static');
    assert.deepEqual(watched.map((d) => [d.code, d.severity]), [['shell-form-in-shellless-stage', 4]]);
  } finally {
    await rated.close();
  }
});

test('suppression comments silence one instruction, and unknown ids are reported', async () => {
  const uri = 'file:///tmp/suppress/Dockerfile';
  const text = '# distroless-ignore-file scratch-prefer-static\nFROM scratch\nUSER 65532\n# distroless-ignore shell-form-in-shellless-stage, not-a-rule\nCMD /app\n';
  const pending = server.nextDiagnostics(uri, 1);
  server.open(uri, text);
  const ours = (await pending).diagnostics.filter((d) => d.source === 'distroless');
  assert.deepEqual(codesOf(ours), ['invalid-suppression']);
  assert.match(ours[0].message, /Unknown rule id "not-a-rule"/);
});

test('rapid edits are debounced to the latest version', async () => {
  const slow = await startServer({ diagnosticsDelay: 150 });
  try {
    const uri = 'file:///tmp/debounce/Dockerfile';
    const published: number[] = [];
    const last = slow.nextDiagnostics(uri, 5);
    slow.open(uri, 'FROM scratch\n', 1);
    for (let v = 2; v <= 5; v++) slow.change(uri, `FROM scratch\n${'#\n'.repeat(v)}CMD /app\n`, v);
    const result = await last;
    published.push(result.version ?? -1);
    assert.deepEqual(published, [5]);
  } finally {
    await slow.close();
  }
});

test('half-typed and malformed Dockerfiles never crash the server', async () => {
  const inputs = ['', 'FROM', 'FROM scratch AS', 'CMD [', 'FROM ${', 'FROM scratch\nCMD ["a", ', 'USER\nFROM', '\\\n\\\n', 'FROM scratch\nHEALTHCHECK CMD', '# distroless-ignore'];
  for (const [i, text] of inputs.entries()) {
    const uri = `file:///tmp/malformed/${i}/Dockerfile`;
    const pending = server.nextDiagnostics(uri, 1);
    server.open(uri, text);
    await pending;
    const actions = await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } }, context: { diagnostics: [] },
    });
    assert.ok(Array.isArray(actions));
  }
  assert.equal(server.process.exitCode, null, 'server still running');
});

test('completion, hover, formatting, symbols, folding and semantic tokens are answered', async () => {
  const uri = 'file:///tmp/features/Dockerfile';
  const text = 'FROM node:22 AS build\n   RUN echo hi\nFROM scratch\nCOPY --from=build /a /a\n';
  const pending = server.nextDiagnostics(uri, 1);
  server.open(uri, text);
  await pending;
  const completion = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 4, character: 0 } })) as CompletionItem[] | CompletionList;
  const labels = (Array.isArray(completion) ? completion : completion.items).map((i) => i.label);
  assert.ok(labels.some((l) => l.startsWith('HEALTHCHECK')), `keyword completion, got ${labels.slice(0, 5).join(',')}`);
  const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 1 } });
  assert.ok(hover && JSON.stringify(hover.contents).includes('FROM'), 'hover on FROM');
  const edits = (await server.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } })) as TextEdit[];
  assert.equal(applyEdits(text, edits), 'FROM node:22 AS build\nRUN echo hi\nFROM scratch\nCOPY --from=build /a /a\n');
  const symbols = await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
  assert.ok(Array.isArray(symbols) && symbols.length >= 4);
  const folding = await server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
  assert.ok(Array.isArray(folding));
  const tokens = await server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
  assert.ok(tokens && tokens.data.length > 0);
});

test('completing a FROM tag makes no registry call unless the setting allows it', async () => {
  const uri = 'file:///tmp/tags/Dockerfile';
  const text = 'FROM node:\n';
  const pending = server.nextDiagnostics(uri, 1);
  server.open(uri, text);
  await pending;
  const completion = await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 10 } });
  assert.deepEqual(completion, []);
});

test('closing a document clears its diagnostics', async () => {
  const uri = 'file:///tmp/closing/Dockerfile';
  const opened = server.nextDiagnostics(uri, 1);
  server.open(uri, SCRATCH);
  await opened;
  const cleared = server.nextDiagnostics(uri);
  void server.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  assert.deepEqual((await cleared).diagnostics, []);
});
