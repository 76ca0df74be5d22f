/**
 * `npm pack`, then `npm install -g` of the tarball into a clean prefix, as a user
 * installs the CLI: the tarball holds only what the CLI (and the language server for
 * other editors) needs, installs nothing else, and its `distroless` bin runs. Packs
 * with --ignore-scripts so the test uses the dist/ that the test run built.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawnSync } from 'child_process';
import { repoRoot } from '../../support/cli';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('npm install -g <tarball> into a clean prefix gives a distroless bin that lints', { timeout: 120_000 }, () => {
  const root = repoRoot();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-npm-global-'));
  const prefix = path.join(work, 'prefix');
  const env = { ...process.env, npm_config_cache: path.join(work, 'cache'), npm_config_prefix: prefix, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, env, encoding: 'utf8' })) as Array<{ filename: string; files: Array<{ path: string }> }>;
  // The commands in their two groups (CLI_BUNDLES in esbuild.mjs), and yaml, loaded on the first YAML file read.
  const commands = ['dist/cli/engine-commands.js', 'dist/cli/docker-commands.js', 'dist/cli/yaml.js'];
  // The static programs `distroless port-forward` copies into its sidecar (server/forwarder/).
  const FORWARDERS = ['dist/forwarder/forwarder-amd64', 'dist/forwarder/forwarder-arm64'];
  assert.deepEqual(packed[0].files.map((f) => f.path).sort(), ['LICENSE', 'README.md', 'dist/cli.js', 'dist/cli/docker.js', 'dist/cli/ssh2.js', ...commands, ...FORWARDERS, 'dist/server.js', 'docs/rules.md', 'package.json'].sort(),
    'only the CLI bundles, the port-forward forwarders, the language server bundle, the rules documentation and the package files: no Action bundle, Dockerfile, sources or tests');

  execFileSync(npm, ['install', '-g', '--offline', path.join(work, packed[0].filename)], { cwd: work, env, stdio: 'pipe' });
  const bin = path.join(prefix, process.platform === 'win32' ? 'distroless.cmd' : path.join('bin', 'distroless'));
  assert.ok(fs.existsSync(bin), 'npm linked the distroless bin into the prefix');
  const installed = fs.readdirSync(path.join(prefix, 'lib', 'node_modules'));
  assert.deepEqual(installed, ['distroless-vscode'], 'no dependency installed: the CLI is bundled');

  const project = path.join(work, 'project');
  fs.mkdirSync(path.join(project, 'svc'), { recursive: true });
  fs.writeFileSync(path.join(project, 'svc', 'Dockerfile'), 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD /app\n');
  // A PATH with only node's folder and the prefix's: nothing from the repository's node_modules.
  const run = spawnSync(bin, ['lint', '--format', 'checkstyle', '.'], { cwd: project, encoding: 'utf8', env: { PATH: [path.dirname(bin), path.dirname(process.execPath)].join(path.delimiter), DOCKER_HOST: 'unix:///nonexistent/distroless-test/docker.sock' } });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /<error line="2" column="5" severity="error" message="CMD in shell form needs \/bin\/sh, which this image lacks: use exec form" source="distroless\.shell-form-in-shellless-stage"\/>/);
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { PATH: path.dirname(process.execPath) } });
  assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
});
