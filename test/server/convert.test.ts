/**
 * `distroless/convert` on the real language server (dist/server.js over stdio): the
 * conversion is planned with the same configuration as the diagnostics (the project's
 * configuration file, the `distroless.target` setting over the file's target, the
 * registry mirror, the files beside the Dockerfile).
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, ServerUnderTest } from '../support/lspClient';
import { makeProject, runCli } from '../support/cli';

/** The wire values other editors depend on, spelt out rather than imported from protocol.ts. */
const CONVERT = 'distroless/convert';

const DOCKERFILE = `FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/api ./cmd/api

FROM golang:1.23 AS api
COPY --from=build /out/api /usr/local/bin/api
CMD ["api"]

FROM node:22 AS web
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
`;

const PROJECT = {
  Dockerfile: DOCKERFILE,
  '.distroless.yaml': 'registry: mirror.example.com/distroless\ntarget: api\n',
  'go.mod': 'module example.com/api\n',
  'package.json': '{"name":"web"}\n',
};

/** The configuration file's target (api) on the project's mirror. */
const API_CONVERTED = `FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/api ./cmd/api

# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).
FROM mirror.example.com/distroless/static-debian13:nonroot AS api
COPY --from=build /out/api /usr/local/bin/api
ENTRYPOINT ["api"]

FROM node:22 AS web
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
`;

/** The setting's target (web) over the file's, still on the file's mirror. */
const WEB_CONVERTED = `FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/api ./cmd/api

FROM golang:1.23 AS api
COPY --from=build /out/api /usr/local/bin/api
CMD ["api"]

FROM node:22 AS web-build
WORKDIR /app
COPY . .
CMD ["node", "server.js"]

# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).
FROM mirror.example.com/distroless/nodejs22-debian13:nonroot AS web
WORKDIR /app
COPY --from=web-build /app /app
CMD ["server.js"]
`;

const servers: ServerUnderTest[] = [];
const folders: string[] = [];
function project(files: Record<string, string>): string {
  const folder = makeProject(files);
  folders.push(folder);
  return folder;
}
let plain: Promise<ServerUnderTest> | undefined;
/** One server without settings shared by the tests (each uses its own project folder), one per other setting. */
function server(settings?: Record<string, unknown>): Promise<ServerUnderTest> {
  const start = async () => {
    const started = await startServer({ diagnosticsDelay: 0, ...settings });
    servers.push(started);
    return started;
  };
  if (settings) return start();
  plain ??= start();
  return plain;
}
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

function dockerfileUri(folder: string): string {
  return pathToFileURL(path.join(folder, 'Dockerfile')).toString();
}

test('converts with the configuration file: its target and registry mirror, as the CLI and the diagnostics do', async () => {
  const folder = project(PROJECT);
  const lsp = await server();
  const uri = dockerfileUri(folder);
  const diagnosed = lsp.nextDiagnostics(uri, 1);
  lsp.open(uri, DOCKERFILE);
  const fullOs = (await diagnosed).diagnostics.find((d) => d.code === 'final-stage-full-os');
  // The headline, then the explanation naming the mirror's image.
  assert.match(fullOs?.message ?? '', /^Ships on golang:1\.23, a full OS: ship the artifact on static-debian13:nonroot\nThe shipped stage "api" runs on golang:1\.23.* such as mirror\.example\.com\/distroless\/static-debian13:nonroot in a multi-stage build\.$/);

  const answer = await lsp.connection.sendRequest(CONVERT, { textDocument: { uri }, text: DOCKERFILE });
  assert.deepEqual(answer, {
    status: 'converted', text: API_CONVERTED, language: 'go',
    runtimeImage: 'mirror.example.com/distroless/static-debian13:nonroot', dropped: [],
  });
  const cli = await runCli(['convert', 'Dockerfile'], { cwd: folder });
  assert.equal(cli.stdout, API_CONVERTED, 'the CLI reads the same configuration');
});

test('the distroless.target setting wins over the configuration file, which still gives the mirror', async () => {
  const folder = project(PROJECT);
  const lsp = await server({ target: 'web' });
  const answer = await lsp.connection.sendRequest(CONVERT, { textDocument: { uri: dockerfileUri(folder) }, text: DOCKERFILE });
  assert.deepEqual(answer, {
    status: 'converted', text: WEB_CONVERTED, language: 'node',
    runtimeImage: 'mirror.example.com/distroless/nodejs22-debian13:nonroot', dropped: [],
  });
});

test('without text, converts the synchronized document; the text sent wins over it', async () => {
  const folder = project(PROJECT);
  const lsp = await server();
  const uri = dockerfileUri(folder);
  const opened = lsp.nextDiagnostics(uri, 1);
  lsp.open(uri, DOCKERFILE);
  await opened;
  const synced = (await lsp.connection.sendRequest(CONVERT, { textDocument: { uri } })) as { text?: string };
  assert.equal(synced.text, API_CONVERTED);
  const already = 'FROM gcr.io/distroless/static-debian13:nonroot AS api\nCOPY app /app\nENTRYPOINT ["/app"]\n';
  assert.deepEqual(await lsp.connection.sendRequest(CONVERT, { textDocument: { uri }, text: already }), {
    status: 'unchanged', runtimeImage: 'gcr.io/distroless/static-debian13:nonroot',
  });
});

test('refusals carry the reason, as a clause the editor can put after "Cannot convert <file>:"', async () => {
  const folder = project(PROJECT);
  const lsp = await server();
  const cases: Array<[string, unknown, unknown]> = [
    ['no FROM', { textDocument: { uri: dockerfileUri(folder) }, text: '# nothing yet\n' },
      { status: 'refused', reason: 'the Dockerfile has no FROM instruction' }],
    ['a target the file lacks', { textDocument: { uri: dockerfileUri(project({ ...PROJECT, '.distroless.yaml': 'target: nope\n' })) }, text: DOCKERFILE },
      { status: 'refused', reason: 'there is no stage named "nope" to convert' }],
    ['a document never opened, without text', { textDocument: { uri: pathToFileURL(path.join(folder, 'Other.dockerfile')).toString() } },
      { status: 'refused', reason: 'the language server has not been sent this document: open it, or send its text' }],
  ];
  for (const [name, params, expected] of cases) {
    assert.deepEqual(await lsp.connection.sendRequest(CONVERT, params), expected, name);
  }
});

test('a broken configuration file is ignored for conversion as it is for diagnostics (defaults: last stage, gcr.io)', async () => {
  const folder = project({ ...PROJECT, '.distroless.yaml': 'registry: [unclosed\n' });
  const lsp = await server();
  const uri = dockerfileUri(folder);
  const diagnosed = lsp.nextDiagnostics(uri, 1);
  lsp.open(uri, DOCKERFILE);
  assert.ok((await diagnosed).diagnostics.some((d) => d.code === 'invalid-configuration'));
  const answer = (await lsp.connection.sendRequest(CONVERT, { textDocument: { uri } })) as { status: string; runtimeImage?: string };
  assert.deepEqual([answer.status, answer.runtimeImage], ['converted', 'gcr.io/distroless/nodejs22-debian13:nonroot']);
});

test('grounded: the evidence of a built image (Convert from Build…) turns a wrapper script into ENV and the program', async () => {
  const folder = project({ 'go.mod': 'module example.com/hello\n' });
  const lsp = await server();
  const text = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o server .\nENTRYPOINT ["./start.sh"]\n';
  const uri = dockerfileUri(folder);
  const refused = (await lsp.connection.sendRequest(CONVERT, { textDocument: { uri }, text })) as { status: string };
  assert.equal(refused.status, 'refused', 'without the image, a shell-script start is refused');
  const grounded = { entrypoint: ['./start.sh'], cmd: [], workdir: '/src', program: { path: '/src/start.sh', kind: 'script', script: '#!/bin/sh\nexport PORT="${PORT:-8080}"\nexec /src/server "$@"\n' } };
  const answer = (await lsp.connection.sendRequest(CONVERT, { textDocument: { uri }, text, grounded })) as { status: string; text?: string };
  assert.equal(answer.status, 'converted');
  assert.match(answer.text ?? '', /\nCOPY --from=build \/src\/server \/app\nENV PORT=8080\nENTRYPOINT \["\/app"\]\n$/);
});
