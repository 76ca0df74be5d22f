/**
 * The bundled CLI loads only what the command asked for (esbuild.mjs): dist/cli.js is
 * a dispatcher; the commands that read Dockerfiles share dist/cli/engine-commands.js
 * and those that talk to Docker dist/cli/docker-commands.js. Which files a run loaded
 * is read from require.cache at exit, by a preloaded module; how long that takes is
 * `npm run bench`'s business, not a test's.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../support/paths';

const root = repoRoot();
const dist = path.join(root, 'dist');
let work: string;
let preload: string;

before(() => {
  assert.ok(fs.existsSync(path.join(dist, 'cli.js')), 'dist/cli.js is built (npm test builds it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-bundle-'));
  preload = path.join(work, 'report-loaded.js');
  fs.writeFileSync(preload, "process.on('exit', () => process.stderr.write(`\\nLOADED ${JSON.stringify(Object.keys(require.cache))}\\n`));\n");
  fs.writeFileSync(path.join(work, 'Dockerfile'), 'FROM scratch\nCMD /app\n');
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

function loadedBundles(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; loaded: string[] } {
  const run = spawnSync(process.execPath, ['--require', preload, path.join(dist, 'cli.js'), ...args], {
    cwd: work, encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/distroless-test/docker.sock', ...env },
  });
  const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  assert.ok(line, `the preload reported; stderr: ${run.stderr}`);
  const files = JSON.parse(line.slice('LOADED '.length)) as string[];
  const loaded = files.filter((f) => f.startsWith(dist + path.sep)).map((f) => path.relative(root, f).split(path.sep).join('/')).sort();
  return { status: run.status, loaded };
}

const ENGINE = 'dist/cli/engine-commands.js';
const DOCKER = 'dist/cli/docker-commands.js';

const CASES: Array<[string[], number, string[]]> = [
  [['--version'], 0, ['dist/cli.js']],
  [['--help'], 0, ['dist/cli.js']],
  [['no-such-command'], 2, ['dist/cli.js']],
  // FROM scratch has no image to look up: the Docker client (dist/cli/docker.js) is not loaded.
  [['lint', 'Dockerfile'], 1, ['dist/cli.js', ENGINE]],
  [['convert', '--help'], 0, ['dist/cli.js', ENGINE]],
  [['debug', '--help'], 0, ['dist/cli.js', DOCKER]],
  [['ls', '--help'], 0, ['dist/cli.js', DOCKER]],
  [['port-forward', '--help'], 0, ['dist/cli.js', DOCKER]],
  // --verify's code lives with the Docker commands; no engine answers here (125).
  [['convert', '--verify', 'Dockerfile'], 0, ['dist/cli.js', ENGINE]],
];

for (const [args, status, expected] of CASES) {
  test(`distroless ${args.join(' ')} loads ${expected.join(' + ')}`, () => {
    assert.deepEqual(loadedBundles(args), { status, loaded: expected });
  });
}

test('convert --verify of a file to convert loads the Docker commands beside the engine\'s (and the Docker client convert reads golang\'s facts with)', () => {
  fs.writeFileSync(path.join(work, 'go.Dockerfile'), 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n');
  fs.writeFileSync(path.join(work, 'go.mod'), 'module example.com/app\n\ngo 1.23\n');
  assert.deepEqual(loadedBundles(['convert', '--verify', 'go.Dockerfile']), { status: 125, loaded: ['dist/cli.js', DOCKER, 'dist/cli/docker.js', ENGINE] });
});

test('yaml (dist/cli/yaml.js) is loaded only when a YAML file is read: a .distroless.yaml, or a Compose file around the Dockerfile', () => {
  const project = path.join(work, 'with-yaml');
  fs.mkdirSync(path.join(project, '.git'), { recursive: true });
  fs.writeFileSync(path.join(project, 'Dockerfile'), 'FROM scratch AS dev\nCMD /app\nFROM scratch AS prod\nCMD /app\n');
  fs.writeFileSync(path.join(project, 'compose.yaml'), 'services:\n  web:\n    build:\n      context: .\n      target: prod\n');
  assert.deepEqual(loadedBundles(['lint', '--no-image-inspect', path.join(project, 'Dockerfile')]), { status: 1, loaded: ['dist/cli.js', ENGINE, 'dist/cli/yaml.js'] });
  fs.rmSync(path.join(project, 'compose.yaml'));
  fs.writeFileSync(path.join(project, '.distroless.yaml'), 'ignore: [runs-as-root]\n');
  assert.deepEqual(loadedBundles(['lint', '--no-image-inspect', path.join(project, 'Dockerfile')]), { status: 1, loaded: ['dist/cli.js', ENGINE, 'dist/cli/yaml.js'] });
});

test('the CLI\'s bundles carry no dockerfile-utils (only the language server runs its syntax checks)', () => {
  // A method name of dockerfile-utils' validator, which minification keeps.
  const VALIDATOR = 'createHEALTHCHECKRequiresAtLeastOneArgument';
  const text = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
  assert.ok(text('dist/server.js').includes(VALIDATOR), 'the language server has the syntax checks (the marker is found where it should be)');
  for (const file of [ENGINE, DOCKER, 'dist/cli.js']) assert.ok(!text(file).includes(VALIDATOR), `${file} has no syntax checks`);
});

test('the engine commands\' bundle carries no Docker client, the Docker commands\' no engine; dist/cli holds only what the build wrote', () => {
  // Strings that survive minification: the Docker API's container list path, and a rule id.
  const DOCKER_API = '/containers/json';
  const RULE = 'final-stage-full-os';
  const text = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
  assert.ok(!text(ENGINE).includes(DOCKER_API), 'engine-commands.js has no Docker client');
  assert.ok(text(ENGINE).includes(RULE), 'engine-commands.js has the engine (the marker is found where it should be)');
  assert.ok(text(DOCKER).includes(DOCKER_API), 'docker-commands.js has the Docker client');
  assert.ok(!text(DOCKER).includes(RULE), 'docker-commands.js has no engine');
  assert.deepEqual(fs.readdirSync(path.join(dist, 'cli')).filter((f) => f.endsWith('.js')).sort(), ['docker-commands.js', 'docker.js', 'engine-commands.js', 'ssh2.js', 'yaml.js']);
});
