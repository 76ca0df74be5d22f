/**
 * Grounded conversion of a runtime stage that installs packages with apt (issue 24's
 * patterns 5 and 6), given the evidence a built image yields (exact output): a C server
 * whose -dev library the build stage installed and the runtime stage installs again
 * (its DT_NEEDED closure copied from the build stage, which the build showed has it), a
 * server beside a tool package (refused naming the package and its programs), a library
 * the program does not link, and the cases where the evidence falls short. Also what
 * the Docker room scans a Dockerfile for (stages and apt packages to read). The engine
 * half is test/docker/convert-grounded-fixtures.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { convert, type GroundedEvidence } from '../../../server/src/engine/testing';
import { addBuildFacts, buildProbes, type ImageReader } from '../../../server/src/docker/buildFacts';
import { memoryWorkspace, FACTS_DATE } from '../../support/ruleTable';
import { assertCleanConversion } from './support';

const LIB = '/lib/x86_64-linux-gnu';
const C_DOCKERFILE = 'FROM debian:trixie AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev libmicrohttpd-dev\nWORKDIR /src\nCOPY server.c .\nRUN gcc -O2 -o server server.c -lmicrohttpd\n\nFROM debian:trixie\nRUN apt-get update && apt-get install -y --no-install-recommends libmicrohttpd12t64 && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /src/server /usr/local/bin/server\nEXPOSE 8080\nCMD ["server"]\n';
const C_LIBRARIES = ['libmicrohttpd.so.12', 'libc.so.6', 'libgnutls.so.30', 'libgmp.so.10'];
const C_PROGRAM: GroundedEvidence['program'] = { path: '/usr/local/bin/server', kind: 'elf', interpreter: '/lib64/ld-linux-x86-64.so.2', musl: false, isStatic: false, libraries: C_LIBRARIES.map((soname) => ({ soname, path: `${LIB}/${soname}` })) };
const MICROHTTPD_LIST = ['/.', '/usr', '/usr/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu/libmicrohttpd.so.12.62.1', '/usr/share', '/usr/share/doc', '/usr/share/doc/libmicrohttpd12t64', '/usr/share/doc/libmicrohttpd12t64/copyright', '/usr/lib/x86_64-linux-gnu/libmicrohttpd.so.12'];

const GO_TOOL = 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/server .\n\nFROM debian:trixie\nRUN apt-get update && apt-get install -y --no-install-recommends xz-utils && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /out/server /usr/local/bin/server\nEXPOSE 8080\nCMD ["/usr/local/bin/server"]\n';
const GO_PROGRAM: GroundedEvidence['program'] = { path: '/usr/local/bin/server', kind: 'elf', musl: false, isStatic: true, libraries: [] };
const XZ_LIST = ['/.', '/usr', '/usr/bin', '/usr/bin/lzmainfo', '/usr/bin/xz', '/usr/bin/xzdiff', '/usr/bin/xzgrep', '/usr/share/doc/xz-utils/copyright', '/usr/bin/unxz', '/usr/bin/xzcat'];

const CASES: Array<{ name: string; dockerfile: string; files?: Record<string, string>; evidence: GroundedEvidence; expected?: string; refusal?: string }> = [
  {
    name: 'C server: the runtime stage installs the library the build linked; its closure is copied from the build stage, on cc',
    dockerfile: C_DOCKERFILE,
    evidence: { entrypoint: [], cmd: ['server'], workdir: '/', program: C_PROGRAM, stages: [{ name: 'build', has: C_LIBRARIES.map((s) => `${LIB}/${s}`) }], packages: [{ name: 'gcc', files: ['/usr/bin/gcc'] }, { name: 'libmicrohttpd12t64', files: MICROHTTPD_LIST }] },
    expected: 'FROM debian:trixie AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev libmicrohttpd-dev\nWORKDIR /src\nCOPY server.c .\nRUN gcc -O2 -o server server.c -lmicrohttpd\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the original stage, because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y --no-install-recommends libmicrohttpd12t64 && rm -rf /var/lib/apt/...\n# Libraries the program links that the runtime image lacks, read from the built image: libmicrohttpd.so.12, libgnutls.so.30, libgmp.so.10.\nFROM gcr.io/distroless/cc-debian13:nonroot\nCOPY --from=build /src/server /usr/local/bin/server\nEXPOSE 8080\nCOPY --from=build /lib/x86_64-linux-gnu/libmicrohttpd.so.12 /lib/x86_64-linux-gnu/libmicrohttpd.so.12\nCOPY --from=build /lib/x86_64-linux-gnu/libgnutls.so.30 /lib/x86_64-linux-gnu/libgnutls.so.30\nCOPY --from=build /lib/x86_64-linux-gnu/libgmp.so.10 /lib/x86_64-linux-gnu/libgmp.so.10\nENTRYPOINT ["/usr/local/bin/server"]\n',
  },
  {
    name: 'C server: a build stage that lacks one of the libraries is no source, and the refusal names them',
    dockerfile: C_DOCKERFILE,
    evidence: { entrypoint: [], cmd: ['server'], workdir: '/', program: C_PROGRAM, stages: [{ name: 'build', has: [`${LIB}/libmicrohttpd.so.12`, `${LIB}/libc.so.6`] }], packages: [{ name: 'libmicrohttpd12t64', files: MICROHTTPD_LIST }] },
    refusal: '/usr/local/bin/server needs /lib/x86_64-linux-gnu/libmicrohttpd.so.12, /lib/x86_64-linux-gnu/libgnutls.so.30, /lib/x86_64-linux-gnu/libgmp.so.10, which the shipped stage installs itself and which no build stage has to copy from: install them in the build stage (or a stage of the same distribution), and convert again',
  },
  {
    name: 'a tool package beside a static server: refused naming the package and its programs',
    dockerfile: GO_TOOL,
    files: { 'go.mod': 'module example.com/tool\n' },
    evidence: { entrypoint: [], cmd: ['/usr/local/bin/server'], workdir: '/', program: GO_PROGRAM, packages: [{ name: 'xz-utils', files: XZ_LIST }] },
    refusal: 'the stage FROM debian:trixie installs xz-utils with apt-get, which puts programs in the image (/usr/bin/lzmainfo, /usr/bin/xz, /usr/bin/xzdiff, …) that /usr/local/bin/server does not link, so they are there for the app to run, and a distroless image cannot provide them: drop xz-utils if the app never runs them, or keep this stage on a Debian image, and convert again',
  },
  {
    name: 'a library package the program does not link (it may dlopen it): refused naming its files',
    dockerfile: GO_TOOL.replace('xz-utils', 'libjemalloc2'),
    files: { 'go.mod': 'module example.com/tool\n' },
    evidence: { entrypoint: [], cmd: ['/usr/local/bin/server'], workdir: '/', program: GO_PROGRAM, packages: [{ name: 'libjemalloc2', files: ['/usr', '/usr/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/share/doc/libjemalloc2/copyright'] }] },
    refusal: 'the stage FROM debian:trixie installs libjemalloc2 with apt-get, whose files (/usr/lib/x86_64-linux-gnu/libjemalloc.so.2) /usr/local/bin/server does not link, so the app may load or read them at run time, and a distroless image has no package manager to add them: drop libjemalloc2 if the app does not use it, or copy those files from a stage of the same distribution, and convert again',
  },
  {
    name: 'a metapackage (only its docs): what it installs are its dependencies, unread, so refused naming it',
    dockerfile: GO_TOOL.replace('xz-utils', 'default-mysql-client'),
    files: { 'go.mod': 'module example.com/tool\n' },
    evidence: { entrypoint: [], cmd: ['/usr/local/bin/server'], workdir: '/', program: GO_PROGRAM, packages: [{ name: 'default-mysql-client', files: ['/usr', '/usr/share', '/usr/share/doc', '/usr/share/doc/default-mysql-client', '/usr/share/doc/default-mysql-client/copyright'] }] },
    refusal: 'the stage FROM debian:trixie installs default-mysql-client with apt-get, which has no files of its own: it is there for the packages it depends on, which the app may run or load and a distroless image cannot provide: drop default-mysql-client if the app does not use them, or keep this stage on a Debian image, and convert again',
  },
  {
    name: 'a package with no dpkg list in the image: the text-only refusal speaks',
    dockerfile: GO_TOOL,
    files: { 'go.mod': 'module example.com/tool\n' },
    evidence: { entrypoint: [], cmd: ['/usr/local/bin/server'], workdir: '/', program: GO_PROGRAM, packages: [] },
    refusal: 'the stage FROM debian:trixie installs xz-utils with apt-get, which the app may run or load at run time, and a distroless image has no package manager to add it: drop it if the app does not use it, or convert with --build (which carries the files the program uses), and convert again',
  },
];

for (const c of CASES) {
  test(`grounded packages: ${c.name}`, () => {
    const workspace = c.files ? memoryWorkspace(c.files) : undefined;
    const result = convert(c.dockerfile, { workspace }, c.evidence);
    if (c.refusal !== undefined) {
      assert.equal(result.ok ? result.text : result.reason, c.refusal);
      return;
    }
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.text, c.expected);
    assertCleanConversion(c.dockerfile, result.text, { workspace, today: FACTS_DATE });
  });
}

test('what the Docker room reads a Dockerfile for: stage names in order, apt packages installed', () => {
  assert.deepEqual(buildProbes(C_DOCKERFILE), { stages: ['build', ''], aptPackages: ['gcc', 'libc6-dev', 'libmicrohttpd-dev', 'libmicrohttpd12t64'] });
  assert.deepEqual(buildProbes('FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\nRUN apt install -y \\\n  git=1:2.47 \\\n  libpq5:amd64 && make\nFROM scratch\n'), { stages: ['Build', ''], aptPackages: ['git', 'libpq5'] });
  // Blanks after a continuation's backslash, and a comment line inside it, as Docker reads them.
  assert.deepEqual(buildProbes('FROM debian:trixie\nRUN apt-get install -y \\  \n  # the server\'s library\n  libmicrohttpd12t64 \\\r\n  xz-utils\n'), { stages: [''], aptPackages: ['libmicrohttpd12t64', 'xz-utils'] });
});

/** An image as a map of paths to contents, for the Docker room's reads. */
function fakeImage(files: Record<string, string>): ImageReader {
  return { isFile: async (f) => f in files, read: async (f, limit) => (f in files ? Buffer.from(files[f]).subarray(0, limit) : undefined) };
}

test('build facts: dpkg lists (Multi-Arch names too) and the stages before the target, each asked for the program\'s library paths', async () => {
  const dockerfile = 'FROM debian:trixie AS build\nRUN apt-get install -y libfoo-dev\nFROM debian:trixie AS tools\nFROM debian:trixie AS runtime\nRUN apt-get install -y libfoo1 xz-utils absent-pkg\nFROM runtime AS later\n';
  const evidence: GroundedEvidence = { entrypoint: [], cmd: ['/app'], workdir: '/', program: { path: '/app', kind: 'elf', libraries: [{ soname: 'libfoo.so.1', path: '/lib/x86_64-linux-gnu/libfoo.so.1' }, { soname: 'libgone.so.2' }] } };
  const image = fakeImage({ '/var/lib/dpkg/status': '', '/var/lib/dpkg/info/libfoo1:amd64.list': '/.\n/usr\n/usr/lib/x86_64-linux-gnu/libfoo.so.1\n', '/var/lib/dpkg/info/xz-utils.list': '/.\n/usr/bin\n/usr/bin/xz\n' });
  const asked: string[] = [];
  const stageFiles: Record<string, Record<string, string>> = { build: { '/lib/x86_64-linux-gnu/libfoo.so.1': '' }, tools: {} };
  await addBuildFacts(evidence, dockerfile, { image, target: 'runtime', say: () => undefined, withStage: async (name, use) => { asked.push(name); await use(fakeImage(stageFiles[name])); } });
  assert.deepEqual(asked, ['build', 'tools']);
  assert.deepEqual(evidence.stages, [{ name: 'build', has: ['/lib/x86_64-linux-gnu/libfoo.so.1'] }, { name: 'tools', has: [] }]);
  assert.deepEqual(evidence.packages, [{ name: 'libfoo1', files: ['/usr', '/usr/lib/x86_64-linux-gnu/libfoo.so.1'] }, { name: 'xz-utils', files: ['/usr/bin', '/usr/bin/xz'] }]);
});

test('build facts: no dpkg in the image and a static program ask nothing', async () => {
  const evidence: GroundedEvidence = { entrypoint: [], cmd: ['/app'], workdir: '/', program: { path: '/app', kind: 'elf', isStatic: true, libraries: [] } };
  let built = 0;
  await addBuildFacts(evidence, 'FROM golang:1.22 AS build\nFROM alpine:3.20\nRUN apt-get install -y git\n', { image: fakeImage({}), say: () => undefined, withStage: async () => { built++; } });
  assert.deepEqual([evidence.packages, evidence.stages, built], [undefined, undefined, 0]);
});
