/**
 * The packed tarball works through npx without the extension: it holds the bundled
 * CLI with its shebang and installs nothing else. Packs with --ignore-scripts so the
 * test uses the dist/cli.js that `npm test` just built rather than rebuilding it
 * under tests that run in parallel.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawnSync } from 'child_process';
import { repoRoot } from '../../support/cli';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

test('npx --yes ./distroless-vscode-<version>.tgz lint <dir> runs the packed CLI', { timeout: 60_000 }, () => {
  const root = repoRoot();
  assert.ok(fs.existsSync(path.join(root, 'dist', 'cli.js')), 'dist/cli.js is built (npm test builds it)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-npx-'));
  // A private cache: the test must not reuse an earlier install of the same name.
  const env = { ...process.env, npm_config_cache: path.join(work, 'cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, env, encoding: 'utf8' })) as Array<{ filename: string; files: Array<{ path: string }> }>;
  // The engine's commands and the Docker client's in one bundle each; dist/cli/docker.js: the
  // Docker client lint loads when it reads base images; dist/cli/yaml.js: yaml, loaded on
  // the first YAML file read (esbuild.mjs).
  const commands = ['dist/cli/engine-commands.js', 'dist/cli/docker-commands.js', 'dist/cli/yaml.js'];
  // The static programs `distroless port-forward` copies into its sidecar (server/forwarder/).
  const FORWARDERS = ['dist/forwarder/forwarder-amd64', 'dist/forwarder/forwarder-arm64'];
  assert.deepEqual(packed[0].files.map((f) => f.path).filter((p) => p.startsWith('dist/') || p.startsWith('docs/')).sort(), ['dist/cli.js', 'dist/cli/docker.js', 'dist/cli/ssh2.js', ...commands, ...FORWARDERS, 'dist/server.js', 'docs/rules.md'].sort(),
    'the tarball ships the CLI bundles (the dispatcher, the two command bundles, the Docker client, ssh2 and yaml), the port-forward forwarders, the language server bundle and the rules documentation');
  const project = path.join(work, 'project');
  fs.mkdirSync(path.join(project, 'svc'), { recursive: true });
  fs.writeFileSync(path.join(project, 'svc', 'Dockerfile'), 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD /app\n');
  const run = spawnSync(npx, ['--yes', `./${packed[0].filename}`, 'lint', '-f', 'json', 'project'], { cwd: work, env, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(report.files[0].diagnostics.map((d: { ruleId: string }) => d.ruleId), ['shell-form-in-shellless-stage']);
  const installed = fs.readdirSync(path.join(work, 'cache', '_npx')).flatMap((dir) => {
    const modules = path.join(work, 'cache', '_npx', dir, 'node_modules');
    return fs.existsSync(modules) ? fs.readdirSync(modules).filter((m) => !m.startsWith('.')) : [];
  });
  assert.deepEqual(installed, ['distroless-vscode'], 'npx installs no dependencies: the CLI is one bundle');
});
