/**
 * The actions every distroless diagnostic offers besides its own fixes: ignore for
 * this instruction, ignore in this file, show the rule's documentation, and Convert to
 * Distroless on a general-purpose image; as an editor without our client (Neovim,
 * Helix) and as VS Code (which runs some of the commands itself) gets them.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodeAction, CodeActionRequest, Diagnostic, ExecuteCommandRequest, ShowDocumentParams } from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../server/src/engine/testing';
import { startServer, ServerUnderTest } from '../support/lspClient';

const servers: ServerUnderTest[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const shown: ShowDocumentParams[] = [];
async function plainEditor(): Promise<ServerUnderTest> {
  const server = await startServer({ diagnosticsDelay: 0 }, { showDocument: (p) => (shown.push(p), true) });
  servers.push(server);
  return server;
}
async function vscodeLike(): Promise<ServerUnderTest> {
  const server = await startServer({ diagnosticsDelay: 0 }, { initializationOptions: { clientCommands: ['distroless.convertToDistroless', 'distroless.showRuleDocumentation'] } });
  servers.push(server);
  return server;
}

let documentNumber = 0;
async function actionsFor(server: ServerUnderTest, text: string, code: string): Promise<{ uri: string; diagnostic: Diagnostic; actions: CodeAction[] }> {
  const uri = `file:///tmp/rule-actions-${++documentNumber}/Dockerfile`;
  const pending = server.nextDiagnostics(uri, 1);
  server.open(uri, text);
  const diagnostic = (await pending).diagnostics.find((d) => d.code === code);
  assert.ok(diagnostic, `${code} is reported`);
  const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] },
  })) as CodeAction[];
  return { uri, diagnostic, actions: actions.filter((a) => a.diagnostics?.[0]?.code === code) };
}

function editOf(action: CodeAction | undefined, uri: string, text: string): string {
  assert.ok(action?.edit?.changes?.[uri], `${action?.title} carries an edit`);
  return applyEdits(text, action.edit.changes[uri]);
}

const SHELL_FORM = '# syntax=docker/dockerfile:1\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD /app --serve\n';

test('every diagnostic offers its fix, then ignore for this instruction, ignore in this file and its documentation', async () => {
  const server = await plainEditor();
  const { uri, actions } = await actionsFor(server, SHELL_FORM, 'shell-form-in-shellless-stage');
  assert.deepEqual(actions.map((a) => a.title), [
    'Rewrite as exec form: CMD ["/app", "--serve"]',
    'Ignore shell-form-in-shellless-stage for this instruction',
    'Ignore shell-form-in-shellless-stage in this file',
    'Show documentation for shell-form-in-shellless-stage',
  ]);
  const ignoredHere = editOf(actions[1], uri, SHELL_FORM);
  assert.equal(ignoredHere, SHELL_FORM.replace('CMD /app', '# distroless-ignore shell-form-in-shellless-stage\nCMD /app'));
  // Parser directives stay first: a comment above them would turn them into plain comments.
  const ignoredFile = editOf(actions[2], uri, SHELL_FORM);
  assert.equal(ignoredFile, SHELL_FORM.replace('\nFROM', '\n# distroless-ignore-file shell-form-in-shellless-stage\nFROM'));
  for (const [text, version] of [[ignoredHere, 2], [ignoredFile, 3]] as const) {
    const next = server.nextDiagnostics(uri, version);
    server.change(uri, text, version);
    assert.deepEqual((await next).diagnostics.filter((d) => d.code === 'shell-form-in-shellless-stage' || d.code === 'invalid-suppression'), [], 'the comment silences the rule');
  }
});

test('ignoring a second rule adds its id to the comment already there; CRLF files get CRLF', async () => {
  const server = await plainEditor();
  const text = 'FROM debian:13\r\n# distroless-ignore final-stage-full-os\r\nRUN apt-get install -y curl\r\n';
  const { uri, actions } = await actionsFor(server, text, 'package-manager-in-final-stage');
  const here = actions.find((a) => a.title === 'Ignore package-manager-in-final-stage for this instruction');
  assert.equal(editOf(here, uri, text), 'FROM debian:13\r\n# distroless-ignore final-stage-full-os, package-manager-in-final-stage\r\nRUN apt-get install -y curl\r\n');
  const file = actions.find((a) => a.title === 'Ignore package-manager-in-final-stage in this file');
  assert.equal(editOf(file, uri, text), `# distroless-ignore-file package-manager-in-final-stage\r\n${text}`);
});

test('documentation: the server shows its own docs/rules.md at the rule heading (window/showDocument)', async () => {
  const server = await plainEditor();
  const { actions } = await actionsFor(server, SHELL_FORM, 'shell-form-in-shellless-stage');
  const docs = actions.find((a) => a.title.startsWith('Show documentation'));
  assert.deepEqual(docs?.command, { title: 'Show documentation for shell-form-in-shellless-stage', command: 'distroless.server.showRuleDocumentation', arguments: ['shell-form-in-shellless-stage'] });
  shown.length = 0;
  await server.connection.sendRequest(ExecuteCommandRequest.type, { command: docs.command.command, arguments: docs.command.arguments });
  assert.equal(shown.length, 1);
  const file = fileURLToPath(shown[0].uri);
  assert.match(file, /docs[/\\]rules\.md$/);
  const line = shown[0].selection?.start.line ?? -1;
  assert.equal(fs.readFileSync(file, 'utf8').split('\n')[line], '## shell-form-in-shellless-stage');
});

test('in VS Code the documentation action runs the client command that opens the packaged docs', async () => {
  const server = await vscodeLike();
  const { actions } = await actionsFor(server, SHELL_FORM, 'shell-form-in-shellless-stage');
  const docs = actions.find((a) => a.title.startsWith('Show documentation'));
  assert.deepEqual(docs?.command, { title: 'Show documentation for shell-form-in-shellless-stage', command: 'distroless.showRuleDocumentation', arguments: ['shell-form-in-shellless-stage'] });
});

const GENERAL = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN apt-get update && apt-get install -y curl\nRUN pip install -r requirements.txt\nCOPY app.py .\nCMD ["python", "app.py"]\n';

test('package managers and attack tools on a general-purpose image offer Convert to Distroless', async () => {
  const server = await vscodeLike();
  for (const code of ['package-manager-in-final-stage', 'attack-tools-in-final-stage']) {
    const { uri, actions } = await actionsFor(server, GENERAL, code);
    const convert = actions.find((a) => a.title.startsWith('Convert to Distroless'));
    assert.deepEqual(convert?.command, { title: 'Convert to Distroless', command: 'distroless.convertToDistroless', arguments: [uri] }, code);
    assert.equal(convert.edit, undefined, 'VS Code shows the diff before anything changes');
  }
  // Other editors get the whole-file conversion that final-stage-full-os offers.
  const plain = await plainEditor();
  const { uri, actions } = await actionsFor(plain, GENERAL, 'package-manager-in-final-stage');
  const convert = actions.find((a) => a.title.startsWith('Convert to a distroless multi-stage build'));
  const converted = editOf(convert, uri, GENERAL);
  assert.match(converted, /^FROM gcr\.io\/distroless\/python3-debian13/m);
});

test('a shell-less image offers no conversion', async () => {
  const server = await vscodeLike();
  const text = 'FROM gcr.io/distroless/static-debian13:nonroot\nRUN apk add curl\n';
  const { actions } = await actionsFor(server, text, 'package-manager-in-final-stage');
  assert.equal(actions.some((a) => a.title.startsWith('Convert')), false);
});

test('a misspelled rule id in a suppression: "did you mean" with a fix', async () => {
  const server = await plainEditor();
  const text = 'FROM gcr.io/distroless/static-debian13\n# distroless-ignore runs-as-rot\nCMD ["/app"]\n';
  const { uri, diagnostic, actions } = await actionsFor(server, text, 'invalid-suppression');
  assert.equal(diagnostic.message.split('\n')[0], 'Unknown rule id "runs-as-rot": did you mean "runs-as-root"?');
  assert.deepEqual(actions.map((a) => a.title), ['Change to runs-as-root']);
  assert.equal(editOf(actions[0], uri, text), text.replace('runs-as-rot', 'runs-as-root'));
});

test('a misspelled rule id in the distroless.rules setting: one "did you mean" warning', async () => {
  const server = await startServer({ diagnosticsDelay: 0, rules: { 'runs-as-rot': 'off', 'no-such-rule-at-all': 'off' } });
  servers.push(server);
  for (const n of [1, 2]) {
    const uri = `file:///tmp/rule-settings-${n}/Dockerfile`;
    const pending = server.nextDiagnostics(uri, 1);
    server.open(uri, 'FROM gcr.io/distroless/static-debian13\nCMD ["/app"]\n');
    await pending;
  }
  assert.deepEqual(server.messages(), [
    'distroless.rules: no rule is called "runs-as-rot". Did you mean "runs-as-root"?',
    'distroless.rules: no rule is called "no-such-rule-at-all"; it is ignored.',
  ]);
});

test('final-stage-full-os: in VS Code its conversion runs the Convert command (the diff first), elsewhere it is the edit', async () => {
  const server = await vscodeLike();
  const { uri, actions } = await actionsFor(server, GENERAL, 'final-stage-full-os');
  const convert = actions.filter((a) => a.title.startsWith('Convert'));
  assert.deepEqual(convert.map((a) => [a.title, a.command, a.edit]), [[
    'Convert to Distroless (shows the changes first)',
    { title: 'Convert to Distroless (shows the changes first)', command: 'distroless.convertToDistroless', arguments: [uri] },
    undefined,
  ]], 'no whole-file rewrite without the diff');
  const plain = await plainEditor();
  const other = await actionsFor(plain, GENERAL, 'final-stage-full-os');
  const edit = other.actions.find((a) => a.title.startsWith('Convert to a distroless multi-stage build'));
  assert.match(editOf(edit, other.uri, GENERAL), /^FROM gcr\.io\/distroless\/python3-debian13/m);
});
