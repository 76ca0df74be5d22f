/**
 * Local image facts against the real engine: images made offline with `docker import`
 * from tarballs built here, linted through the real CLI and the real language server.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import type { DockerService } from '../../server/src/docker';
import { engineOrSkip, findEngine } from './engine';
import { makeProject, runCli } from '../support/cli';
import { startServer } from '../support/lspClient';
import { repoRoot } from '../support/paths';
import { connectEngine } from '../../server/src/docker/connection';
import { inspectLocalImage, isRefusedRedirect } from '../../server/src/docker/images';
import { LocalImageFacts } from '../../server/src/host/imageFacts';

/** Unique per run, so parallel runs and other suites never touch these images. */
const PREFIX = `distroless-image-facts-${process.pid}-${Date.now().toString(36)}`;
const STATIC = `${PREFIX}/static:test`;
const ROOT_SHELL = `${PREFIX}/shell:test`;
const BUSYBOX_ONLY = `${PREFIX}/busybox:test`;
const MISSING = `${PREFIX}/missing:test`;
/** Read by the cache test only, so no other test's read of it is counted. */
const CACHED = `${PREFIX}/cached:test`;
/** 1,500 nested folders: reading its facts was cubic in the depth (issue 23, item 2). */
const DEEP = `${PREFIX}/deep:test`;
const BUSYBOX = '/bin/busybox';

let engine: DockerService | undefined;
const ids = new Map<string, string>();
let work: string;

function importImage(name: string, files: (root: string) => void, changes: string[]): void {
  const root = fs.mkdtempSync(path.join(work, 'rootfs-'));
  files(root);
  const tarball = `${root}.tar`;
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
  execFileSync('docker', ['import', ...changes.flatMap((c) => ['--change', c]), tarball, name], { stdio: 'pipe' });
  ids.set(name, execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', name]).toString().trim());
}

function copyExecutable(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o755);
}

before(async () => {
  const found = await findEngine();
  if (found instanceof Error) return;
  engine = found;
  // busybox-static: one static binary that is a shell only when called as sh.
  if (!fs.existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: install Debian's busybox-static`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-image-facts-'));
  importImage(STATIC, (root) => copyExecutable(BUSYBOX, path.join(root, 'server')), ['USER 65532:65532', 'ENTRYPOINT ["/server"]']);
  importImage(ROOT_SHELL, (root) => {
    copyExecutable(BUSYBOX, path.join(root, 'bin', 'busybox'));
    fs.symlinkSync('busybox', path.join(root, 'bin', 'sh'));
    fs.mkdirSync(path.join(root, 'etc'));
    fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  }, ['ENV PATH=/bin']);
  importImage(BUSYBOX_ONLY, (root) => {
    copyExecutable(BUSYBOX, path.join(root, 'busybox', 'busybox'));
    fs.symlinkSync('busybox', path.join(root, 'busybox', 'sh'));
  }, ['ENV PATH=/busybox', 'ENTRYPOINT ["/busybox/sh"]']);
  importImage(DEEP, (root) => {
    copyExecutable(BUSYBOX, path.join(root, 'bin', 'busybox'));
    fs.symlinkSync('busybox', path.join(root, 'bin', 'sh'));
    let dir = path.join(root, 'deep');
    for (let i = 0; i < 1500; i++, dir = path.join(dir, 'd')) {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'f'), 'x');
    }
  }, ['ENV PATH=/bin']);
  importImage(CACHED, (root) => {
    copyExecutable(BUSYBOX, path.join(root, 'bin', 'busybox'));
    fs.symlinkSync('busybox', path.join(root, 'bin', 'sh'));
  }, ['LABEL test=cache']);
});

after(() => {
  if (!engine) return;
  for (const name of ids.keys()) spawnSync('docker', ['rmi', '--force', name], { stdio: 'ignore' });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

interface JsonReport {
  files: Array<{ diagnostics: Array<{ ruleId: string; severity: string; line: number; message: string }> }>;
}

async function lintJson(project: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<{ code: number; findings: Array<[string, number]>; messages: string[]; stderr: string }> {
  const run = await runCli(['lint', '--format', 'json', ...extra, 'Dockerfile'], { cwd: project, env });
  const report = JSON.parse(run.stdout) as JsonReport;
  const diagnostics = report.files[0]?.diagnostics ?? [];
  // A read over a second is announced on stderr (cli/imageFacts.ts): a busy machine's timing, not a finding.
  return { code: run.code, findings: diagnostics.map((d) => [d.ruleId, d.line]), messages: diagnostics.map((d) => d.message), stderr: run.stderr.replace(/^distroless: reading .* from the local Docker engine .*\n/gm, '') };
}

/** Image-save events the engine logged for `id` since `since` (seconds): each is one archive read. */
async function saves(id: string, since: number): Promise<number> {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const stream = (await engine!.docker.getEvents({ since, until, filters: { type: ['image'], event: ['save'] } } as never)) as unknown as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString();
  return text.split('\n').filter((line) => line.trim() && (JSON.parse(line) as { id?: string }).id === id).length;
}

const SHELL_FORM = 'CMD /server --port 8080\n';

test('lint reports what each real image implies, and nothing guessed', async (t) => {
  if (!(await engineOrSkip(t))) return;
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  const cases: Array<[string, Array<[string, number]>]> = [
    // No /bin/sh: the shell-form CMD cannot start; USER 65532 from the image: not root.
    [STATIC, [['shell-form-in-shellless-stage', 2]]],
    // /bin/sh and no USER: root; shell form runs.
    [ROOT_SHELL, [['runs-as-root', 1]]],
    // /busybox/sh is no /bin/sh: shell form still fails; no USER: root; and the busybox
    // shell it ships is the distroless :debug pattern.
    [BUSYBOX_ONLY, [['debug-image-shipped', 1], ['runs-as-root', 1], ['shell-form-in-shellless-stage', 2]]],
  ];
  for (const [image, expected] of cases) {
    const project = makeProject({ Dockerfile: `FROM ${image}\n${SHELL_FORM}` });
    const withFacts = await lintJson(project, env);
    assert.deepEqual(withFacts.findings, expected, image);
    assert.equal(withFacts.stderr, '', image);
    // The table does not know these images: without the engine nothing is claimed.
    const tableOnly = await lintJson(project, env, ['--no-image-inspect']);
    assert.deepEqual(tableOnly.findings, [], `${image} with --no-image-inspect`);
  }
});

test('an image with a very deep tree is read like any other (was cubic in its depth: 35 s for 18 MB)', { timeout: 120_000 }, async (t) => {
  if (!(await engineOrSkip(t))) return;
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  const project = makeProject({ Dockerfile: `FROM ${DEEP}\n${SHELL_FORM}` });
  // /bin/sh and no USER, read from the image: root, and the shell form runs.
  const result = await lintJson(project, env);
  assert.deepEqual(result.findings, [['runs-as-root', 1]]);
  assert.equal(result.stderr, '');
});

test('a Dockerfile resolves FROM ${BASE} through ARG defaults and buildArgs from the configuration file', async (t) => {
  if (!(await engineOrSkip(t))) return;
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  const viaDefault = makeProject({ Dockerfile: `ARG BASE=${STATIC}\nFROM \${BASE}\n${SHELL_FORM}` });
  assert.deepEqual((await lintJson(viaDefault, env)).findings, [['shell-form-in-shellless-stage', 3]]);
  const viaBuildArg = makeProject({ Dockerfile: `ARG BASE=${STATIC}\nFROM \${BASE}\n${SHELL_FORM}`, '.distroless.json': JSON.stringify({ buildArgs: { BASE: ROOT_SHELL } }) });
  assert.deepEqual((await lintJson(viaBuildArg, env)).findings, [['runs-as-root', 2]]);
  // A platform the local image is not: the build would use another image, so nothing is read.
  const otherPlatform = makeProject({ Dockerfile: `FROM --platform=linux/s390x ${STATIC}\n${SHELL_FORM}` });
  assert.deepEqual((await lintJson(otherPlatform, env)).findings, []);
});

test('each image is read once: a second lint uses the cache by image ID', async (t) => {
  if (!(await engineOrSkip(t))) return;
  const cache = fs.mkdtempSync(path.join(work, 'cache-'));
  const env = { ...process.env, DISTROLESS_CACHE_DIR: cache };
  const project = makeProject({ Dockerfile: `FROM ${CACHED}\n${SHELL_FORM}` });
  const since = Math.floor(Date.now() / 1000) - 1;
  const first = await lintJson(project, env);
  const second = await lintJson(project, env);
  assert.deepEqual(second.findings, first.findings);
  assert.deepEqual(first.findings, [['runs-as-root', 1]]);
  const id = ids.get(CACHED)!;
  assert.equal(await saves(id, since), 1, 'the engine exported the image once for two lints');
  assert.ok(fs.existsSync(path.join(cache, 'image-facts', 'v1', `${id.replace(':', '-')}.json`)), 'facts kept under the image ID');
});

test('with no engine reachable lint falls back to the table without an error', async (t) => {
  if (!(await engineOrSkip(t))) return;
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')), DOCKER_HOST: `unix://${path.join(work, 'no-such.sock')}` };
  // The table knows distroless :nonroot; the local stand-in is not consulted.
  const known = makeProject({ Dockerfile: `FROM gcr.io/distroless/static-debian13\n${SHELL_FORM}` });
  const started = Date.now();
  const result = await lintJson(known, env);
  const elapsed = Date.now() - started;
  assert.deepEqual(result.findings, [['runs-as-root', 1], ['shell-form-in-shellless-stage', 2]]);
  assert.equal(result.stderr, '');
  t.diagnostic(`lint without an engine took ${elapsed} ms`);
  const unknown = makeProject({ Dockerfile: `FROM ${STATIC}\n${SHELL_FORM}` });
  assert.deepEqual((await lintJson(unknown, env)).findings, []);
});

test('the language server publishes first, then again when the image facts arrive; hover says where each fact comes from', async (t) => {
  if (!(await engineOrSkip(t))) return;
  const server = await startServer({ diagnosticsDelay: 0 }, { env: { DOCKER_HOST: process.env.DOCKER_HOST ?? '', DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) } });
  try {
    const uri = 'file:///tmp/image-facts/Dockerfile';
    const text = `FROM ${STATIC}\n${SHELL_FORM}`;
    const first = server.nextDiagnostics(uri, 1);
    server.open(uri, text);
    const ours = (d: { diagnostics: Array<{ source?: string; code?: string | number }> }) => d.diagnostics.filter((x) => x.source === 'distroless').map((x) => x.code);
    assert.deepEqual(ours(await first), [], 'first publish: the table does not know the image');
    const deadline = Date.now() + 60_000;
    while (server.published.filter((p) => p.uri === uri).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const publishes = server.published.filter((p) => p.uri === uri);
    assert.equal(publishes.length, 2, `published again once facts arrived; stderr: ${server.stderr()}`);
    assert.equal(publishes[1].version, 1);
    assert.deepEqual(ours(publishes[1]), ['shell-form-in-shellless-stage']);

    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 8 } }))!;
    const markdown = (hover.contents as MarkupContent).value;
    const short = ids.get(STATIC)!.slice(0, 'sha256:'.length + 12);
    assert.match(markdown, new RegExp(`Local image ${short} `));
    // The image is named once; its facts follow.
    assert.match(markdown, /- Read from this local image: no shell; runs as 65532;/);
    assert.equal(markdown.split(short).length - 1, 1, `the image id appears once: ${markdown}`);

    const missingUri = 'file:///tmp/image-facts-missing/Dockerfile';
    const missing = server.nextDiagnostics(missingUri, 1);
    server.open(missingUri, `FROM ${MISSING}\nCMD ["/app"]\n`);
    await missing;
    const missingHover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: missingUri }, position: { line: 0, character: 8 } }))!;
    assert.match((missingHover.contents as MarkupContent).value, /- Not known \(not on this machine\): shell;/);
  } finally {
    await server.close();
  }
});

test('facts:check prints where the table and the local images disagree', async (t) => {
  if (!(await engineOrSkip(t))) return;
  const script = path.join(__dirname, '..', '..', 'server', 'src', 'host', 'imageFacts', 'factsCheck.js');
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  const as = 'gcr.io/distroless/static-debian13:nonroot';
  const run = spawnSync(process.execPath, [script, `${ROOT_SHELL}=${as}`, `${STATIC}=${as}`, `${MISSING}=${as}`], { env, encoding: 'utf8' });
  const short = (name: string) => ids.get(name)!.slice(0, 'sha256:'.length + 12);
  const source = 'GoogleContainerTools/distroless README.md and SUPPORT_POLICY.md (https://github.com/GoogleContainerTools/distroless)';
  assert.equal(run.stdout, [
    `${ROOT_SHELL} (as ${as}) ${short(ROOT_SHELL)}:`,
    '  shell: table says no /bin/sh, the image says has /bin/sh',
    `    table source: ${source}`,
    '  user: table says 65532 (nonroot), the image says 0 (root)',
    `    table source: ${source}`,
    `${STATIC} (as ${as}) ${short(STATIC)}:`,
    '  entrypoint: table says [], the image says ["/server"]',
    `${MISSING}: not compared (not-found)`,
    '2 image(s) compared, 3 disagreement(s).',
    '',
  ].join('\n'));
  assert.equal(run.status, 1, run.stderr);
});

/*
 * `FROM cgr.dev/${EMPTY}/x` resolves to `cgr.dev//x`: the engine answers the inspect of
 * that unclean path with a 301, which docker-modem used to follow as a URL off the
 * socket (an uncaught "getaddrinfo ENOTFOUND images" that killed the CLI).
 */
const INVALID_REFERENCES = ['cgr.dev//x:latest', 'cgr.dev/x/', 'gcr.io/Distroless/static', 'gcr.io/distroless/st$atic'];

test('an invalid reference is never sent to the engine: lint completes with a report, hover says why', async (t) => {
  if (!(await engineOrSkip(t))) return;
  const env = { ...process.env, DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) };
  // The built CLI, as the corpus run uses it: a crash there is an exit 3 with no report.
  const cli = path.join(repoRoot(), 'dist', 'cli.js');
  const project = makeProject({
    Dockerfile: 'ARG EMPTY=\nFROM cgr.dev/${EMPTY}/x\nUSER 1\n',
    'b/Dockerfile': 'FROM cgr.dev//x:latest\nUSER 1\n',
    'c/Dockerfile': 'FROM gcr.io/Distroless/static\nUSER 1\n',
  });
  const run = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', '.'], { cwd: project, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0, run.stdout);
  const report = JSON.parse(run.stdout) as JsonReport & { files: Array<{ file: string }> };
  assert.equal(report.files.length, 3);

  const facts = new LocalImageFacts({ env, cacheDir: null });
  await facts.load(INVALID_REFERENCES);
  assert.deepEqual(INVALID_REFERENCES.map((r) => facts.peek(r)), [
    { state: 'absent', reason: 'invalid-reference', detail: 'it has an empty path component (//, or a / at the start or end): a variable in it may be empty' },
    { state: 'absent', reason: 'invalid-reference', detail: 'it has an empty path component (//, or a / at the start or end): a variable in it may be empty' },
    { state: 'absent', reason: 'invalid-reference', detail: 'the repository name must be lowercase ("Distroless")' },
    { state: 'absent', reason: 'invalid-reference', detail: '"st$atic" is not a valid repository name component (lowercase letters, digits, and . _ __ - between them)' },
  ]);

  const server = await startServer({ diagnosticsDelay: 0 }, { env: { DOCKER_HOST: process.env.DOCKER_HOST ?? '', DISTROLESS_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) } });
  try {
    const uri = 'file:///tmp/image-facts-invalid/Dockerfile';
    const first = server.nextDiagnostics(uri, 1);
    server.open(uri, 'ARG EMPTY=\nFROM cgr.dev/${EMPTY}/x\nCMD ["/x"]\n');
    await first;
    // The lookup runs after the first publish; hover asks again until it has the answer.
    let markdown = '';
    const deadline = Date.now() + 30_000;
    while (!/not a valid reference/.test(markdown) && Date.now() < deadline) {
      const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 8 } }))!;
      markdown = (hover.contents as MarkupContent).value;
      if (!/not a valid reference/.test(markdown)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(markdown, /- Not known \(not a valid reference \(it has an empty path component/);
    assert.equal(server.stderr().includes('ENOTFOUND'), false, server.stderr());
  } finally {
    await server.close();
  }
});

test('an engine redirect is an error of the request, never a request off the socket', async (t) => {
  if (!(await engineOrSkip(t))) return;
  const { docker } = await connectEngine({ pingTimeoutMs: 5000 });
  // Straight to dockerode, past the reference check: the engine's 301 for an unclean path.
  const failure = await docker.getImage('cgr.dev//x:latest').inspect().then(() => undefined, (error: unknown) => error);
  assert.ok(isRefusedRedirect(failure), `expected a refused redirect, got ${String(failure)}`);
  // Through inspectLocalImage the same reference never reaches the engine.
  await assert.rejects(inspectLocalImage(docker, 'cgr.dev//x:latest'), { code: 'invalid-reference' });
  // A valid reference of no image is still "not found".
  assert.equal(await inspectLocalImage(docker, MISSING), undefined);
});
