/**
 * The language server as Neovim, Helix, Emacs or Zed start it: the installed
 * `distroless-language-server --stdio` bin, settings from initializationOptions and
 * workspace/didChangeConfiguration when the editor has no workspace/configuration,
 * and the same defaults as VS Code's settings.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DidChangeConfigurationNotification } from 'vscode-languageserver-protocol/node';
import { startServer, ServerUnderTest } from '../support/lspClient';
import { installedBinDir } from '../support/packedBin';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/lsp/settings';
import { REPO_ROOT } from '../support/paths';

const servers: ServerUnderTest[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const ROOT_IMAGE = 'FROM gcr.io/distroless/static-debian13\nCMD /app\n';

async function codes(server: ServerUnderTest, uri: string, text: string, version = 1): Promise<unknown[]> {
  const pending = server.nextDiagnostics(uri, version);
  if (version === 1) server.open(uri, text);
  else server.change(uri, text, version);
  return (await pending).diagnostics.map((d) => d.code);
}

test('the installed distroless-language-server bin speaks LSP over stdio', { timeout: 120_000 }, async () => {
  const bin = path.join(installedBinDir(), 'distroless-language-server');
  assert.ok(fs.existsSync(bin), 'npm installs the bin');
  const server = await startServer({ diagnosticsDelay: 0 }, { command: [bin, '--stdio'] });
  servers.push(server);
  assert.deepEqual(await codes(server, 'file:///tmp/bin/Dockerfile', ROOT_IMAGE), ['runs-as-root', 'shell-form-in-shellless-stage']);
});

test('without workspace/configuration: settings from initializationOptions, then didChangeConfiguration', async () => {
  const server = await startServer({}, { pullConfiguration: false, initializationOptions: { settings: { diagnosticsDelay: 0, rules: { 'runs-as-root': 'off' } } } });
  servers.push(server);
  const uri = 'file:///tmp/init-options/Dockerfile';
  assert.deepEqual(await codes(server, uri, ROOT_IMAGE), ['shell-form-in-shellless-stage']);
  const pending = server.nextDiagnostics(uri, 1);
  await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { distroless: { diagnosticsDelay: 0, rules: { 'shell-form-in-shellless-stage': 'off' } } } });
  assert.deepEqual((await pending).diagnostics.map((d) => d.code), ['runs-as-root']);
});

test('Helix-style initializationOptions (the settings object itself) work too', async () => {
  const server = await startServer({}, { pullConfiguration: false, initializationOptions: { diagnosticsDelay: 0, rules: { 'shell-form-in-shellless-stage': 'hint' } } });
  servers.push(server);
  const pending = server.nextDiagnostics('file:///tmp/helix/Dockerfile', 1);
  server.open('file:///tmp/helix/Dockerfile', ROOT_IMAGE);
  const diagnostics = (await pending).diagnostics;
  assert.equal(diagnostics.find((d) => d.code === 'shell-form-in-shellless-stage')?.severity, 4, 'hint');
});

test('the server defaults are the defaults of the VS Code settings', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
  const fromPackage = {
    rules: props['distroless.rules'].default,
    target: props['distroless.target'].default,
    convertTo: props['distroless.convertTo'].default,
    imageTagCompletion: props['distroless.imageTagCompletion'].default,
    syntaxChecks: props['distroless.syntaxChecks'].default,
    diagnosticsDelay: props['distroless.diagnosticsDelay'].default,
    formatter: { ignoreMultilineInstructions: props['distroless.formatter.ignoreMultilineInstructions'].default },
    inspectLocalImages: props['distroless.inspectLocalImages'].default,
    dockerHost: props['distroless.docker.host'].default,
    registryLookups: props['distroless.imageFacts.registryLookups'].default,
    registryRedirectHosts: props['distroless.imageFacts.redirectHosts'].default,
  };
  assert.deepEqual(fromPackage, { ...DEFAULT_SETTINGS });
  assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS, 'an editor that sends nothing gets them');
});
