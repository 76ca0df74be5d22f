/**
 * The bundled CLI loads only what the command asked for (esbuild.mjs): dist/cli.js is
 * a dispatcher, each sub-command its own bundle in dist/cli/. Which files a run loaded
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

function loadedBundles(args: string[]): { status: number | null; loaded: string[] } {
  const run = spawnSync(process.execPath, ['--require', preload, path.join(dist, 'cli.js'), ...args], { cwd: work, encoding: 'utf8' });
  const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  assert.ok(line, `the preload reported; stderr: ${run.stderr}`);
  const files = JSON.parse(line.slice('LOADED '.length)) as string[];
  const loaded = files.filter((f) => f.startsWith(dist + path.sep)).map((f) => path.relative(root, f).split(path.sep).join('/')).sort();
  return { status: run.status, loaded };
}

const CASES: Array<[string[], number, string[]]> = [
  [['--version'], 0, ['dist/cli.js']],
  [['--help'], 0, ['dist/cli.js']],
  [['no-such-command'], 2, ['dist/cli.js']],
  [['lint', 'Dockerfile'], 1, ['dist/cli.js', 'dist/cli/lint.js']],
  [['convert', '--help'], 0, ['dist/cli.js', 'dist/cli/convert.js']],
  [['debug', '--help'], 0, ['dist/cli.js', 'dist/cli/debug.js']],
];

for (const [args, status, expected] of CASES) {
  test(`distroless ${args.join(' ')} loads ${expected.join(' + ')}`, () => {
    assert.deepEqual(loadedBundles(args), { status, loaded: expected });
  });
}

test('the lint and convert bundles carry no Docker client, the debug bundle no engine', () => {
  // Strings that survive minification: the Docker API's container list path, and a rule id.
  const DOCKER = '/containers/json';
  const ENGINE = 'final-stage-full-os';
  const text = (name: string) => fs.readFileSync(path.join(dist, 'cli', `${name}.js`), 'utf8');
  for (const name of ['lint', 'convert']) {
    assert.ok(!text(name).includes(DOCKER), `${name}.js has no Docker client`);
    assert.ok(text(name).includes(ENGINE), `${name}.js has the engine (the marker is found where it should be)`);
  }
  assert.ok(text('debug').includes(DOCKER), 'debug.js has the Docker client');
  assert.ok(!text('debug').includes(ENGINE), 'debug.js has no engine');
});
