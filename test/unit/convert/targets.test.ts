/**
 * convert --to: the image family the converted file ships on. Static binaries move to
 * the Chainguard or DHI static image with nothing else changed; what would start
 * differently there is refused with the reason. The configuration key and the flag.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { convert } from '../../../server/src/engine/testing';
import { ConfigError, validateConfig } from '../../../server/src/host/config';
import { makeProject, runCli } from '../../support/cli';

const GO = 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /usr/local/bin/app .\nCMD ["app"]\n';
const NODE = 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n';

test('a static Go binary: the same file on each family\'s static image', () => {
  const distroless = convert(GO);
  assert.ok(distroless.ok);
  assert.equal(distroless.runtimeImage, 'gcr.io/distroless/static-debian13:nonroot');
  for (const [to, image] of [['chainguard', 'cgr.dev/chainguard/static:latest'], ['dhi', 'dhi.io/static:20250419-debian13']] as const) {
    const result = convert(GO, { convertTo: to });
    assert.ok(result.ok, to);
    assert.equal(result.runtimeImage, image);
    assert.equal(result.text, distroless.text.replace('FROM gcr.io/distroless/static-debian13:nonroot', `FROM ${image}`), `${to}: only the FROM differs`);
  }
  assert.deepEqual(convert(GO, { convertTo: 'distroless' }), distroless);
});

test('a Node app is refused for dhi and chainguard, with the reason; distroless converts it', () => {
  assert.ok(convert(NODE).ok);
  for (const to of ['dhi', 'chainguard'] as const) {
    const result = convert(NODE, { convertTo: to });
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.reason, /needs gcr\.io\/distroless\/nodejs22-debian13, and converting to (Docker Hardened Images|Chainguard) is supported for static binaries only so far .*convert with --to distroless/);
  }
});

test('convertTo in the configuration file and --to on the command line (the flag wins)', async () => {
  assert.equal(validateConfig({ convertTo: 'dhi' }, '.distroless.yaml').convertTo, 'dhi');
  assert.throws(() => validateConfig({ convertTo: 'wolfi' }, '.distroless.yaml'), (e: unknown) => e instanceof ConfigError && /convertTo must be one of distroless, chainguard, dhi/.test(e.message));
  const project = makeProject({ Dockerfile: GO, '.distroless.yaml': 'convertTo: dhi\n' });
  assert.match((await runCli(['convert', 'Dockerfile'], { cwd: project })).stdout, /^FROM dhi\.io\/static:20250419-debian13$/m);
  assert.match((await runCli(['convert', '--to', 'chainguard', 'Dockerfile'], { cwd: project })).stdout, /^FROM cgr\.dev\/chainguard\/static:latest$/m);
  const bad = await runCli(['convert', '--to', 'wolfi', 'Dockerfile'], { cwd: project });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--to takes distroless, chainguard, dhi/);
});

test('the editor: the distroless.convertTo setting over the configuration file\'s convertTo, as conversion options', async () => {
  const { DocumentChecker } = await import('../../../server/src/lsp/documentChecker');
  const { normalizeSettings } = await import('../../../server/src/lsp/settings');
  const project = makeProject({ Dockerfile: GO, '.distroless.yaml': 'convertTo: dhi\n' });
  const uri = `file://${project}/Dockerfile`;
  const checkerWith = (convertTo: string) => new DocumentChecker({
    settingsFor: async () => normalizeSettings({ convertTo }),
    workspaceFolderFor: () => project,
    publish: () => undefined,
    log: () => undefined,
  });
  assert.equal((await checkerWith('').options(uri)).convertTo, 'dhi', 'unset: the file\'s');
  assert.equal((await checkerWith('chainguard').options(uri)).convertTo, 'chainguard', 'set: the setting');
  assert.equal(normalizeSettings({ convertTo: 'wolfi' }).convertTo, '', 'an unknown family is ignored');
});
