/** Facts read from a local image, merged over the table: one Dockerfile, the images the host saw, the exact findings. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lint } from '../../server/src/engine/testing';
import type { Rule } from '../../server/src/engine/testing';
import { buildModel } from '../../server/src/engine/testing';
import { compareWithTable } from '../../server/src/host/imageFacts/compare';
import { baseImageReferences } from '../../server/src/engine/testing';
import { describeImage, type ImageObservation, type ObservedImage, type ObservedImages, type RegistryImage } from '../../server/src/engine/testing';

const TODAY = new Date('2026-11-22T12:00:00Z');
const ID = `sha256:3f2a${'0'.repeat(60)}`;

function image(over: Partial<ObservedImage>): ImageObservation {
  return {
    state: 'observed',
    image: { id: ID, user: '', env: ['PATH=/usr/bin:/bin'], workingDir: '', os: 'linux', architecture: 'amd64', labels: {}, shells: [], runtimes: {}, libc: 'none', caBundle: false, ...over },
  };
}

const STATIC_NONROOT = image({ user: '65532:65532' });
const SHELL_ROOT = image({ shells: ['/bin/sh'], libc: 'glibc', users: [{ name: 'root', uid: 0, gid: 0 }, { name: 'app', uid: 1000, gid: 1000 }] });
const ABSENT: ImageObservation = { state: 'absent', reason: 'not-found' };

const cases: Array<{ name: string; text: string; images?: ObservedImages; buildArgs?: Record<string, string>; platform?: string; expected: Array<[string, number]> }> = [
  { name: 'an unknown image, not read: nothing claimed', text: 'FROM myorg/app:1\nCMD /app --serve\n', expected: [] },
  { name: 'an unknown image, not on this machine: nothing claimed', text: 'FROM myorg/app:1\nCMD /app --serve\n', images: { 'myorg/app:1': ABSENT }, expected: [] },
  { name: 'an unknown image read locally: no shell, runs as 65532', text: 'FROM myorg/app:1\nCMD /app --serve\n', images: { 'myorg/app:1': STATIC_NONROOT }, expected: [['shell-form-in-shellless-stage', 1]] },
  { name: 'an unknown image read locally: shell, root', text: 'FROM myorg/app:1\nCMD /app --serve\n', images: { 'myorg/app:1': SHELL_ROOT }, expected: [['runs-as-root', 0]] },
  { name: 'USER named in the image\'s own /etc/passwd is not root', text: 'FROM myorg/app:1\nUSER app\nCMD /app --serve\n', images: { 'myorg/app:1': SHELL_ROOT }, expected: [] },
  // The table says distroless static runs as root; the local image (a rebuilt copy) says 65532: the image wins.
  { name: 'the local image overrides the table', text: 'FROM gcr.io/distroless/static-debian13\nCMD ["/app"]\n', images: { 'gcr.io/distroless/static-debian13': STATIC_NONROOT }, expected: [] },
  { name: 'the table stands when the image is not here', text: 'FROM gcr.io/distroless/static-debian13\nCMD ["/app"]\n', images: { 'gcr.io/distroless/static-debian13': ABSENT }, expected: [['runs-as-root', 0]] },
  { name: 'FROM ${BASE} through the ARG default', text: 'ARG BASE=myorg/app:1\nFROM ${BASE}\nCMD /app\n', images: { 'myorg/app:1': STATIC_NONROOT }, expected: [['shell-form-in-shellless-stage', 2]] },
  { name: 'FROM ${BASE} through a build arg', text: 'ARG BASE=myorg/app:1\nFROM ${BASE}\nCMD /app\n', images: { 'myorg/app:1': STATIC_NONROOT, 'myorg/other:2': SHELL_ROOT }, buildArgs: { BASE: 'myorg/other:2' }, expected: [['runs-as-root', 1]] },
  { name: 'a build arg the Dockerfile does not declare changes nothing', text: 'FROM myorg/app:1\nCMD /app\n', images: { 'myorg/app:1': STATIC_NONROOT }, buildArgs: { BASE: 'myorg/other:2' }, expected: [['shell-form-in-shellless-stage', 1]] },
  { name: 'BuildKit\'s automatic $TARGETARCH resolves FROM for the build platform', text: 'FROM myorg/app:1-${TARGETARCH}\nCMD /app\n', images: { 'myorg/app:1-amd64': STATIC_NONROOT, 'myorg/app:1-arm64': SHELL_ROOT }, platform: 'linux/arm64', expected: [['runs-as-root', 0]] },
  { name: '--platform=$BUILDPLATFORM is the build platform', text: 'FROM --platform=$BUILDPLATFORM myorg/app:1\nCMD /app\n', images: { 'myorg/app:1 --platform=linux/amd64': STATIC_NONROOT }, platform: 'linux/amd64', expected: [['shell-form-in-shellless-stage', 1]] },
  { name: 'without a platform $TARGETARCH stays unresolved: nothing claimed', text: 'FROM myorg/app:1-${TARGETARCH}\nCMD /app\n', images: { 'myorg/app:1-amd64': STATIC_NONROOT }, expected: [] },
  { name: 'FROM --platform looks up the image for that platform', text: 'FROM --platform=linux/arm64 myorg/app:1\nCMD /app\n', images: { 'myorg/app:1': STATIC_NONROOT, 'myorg/app:1 --platform=linux/arm64': SHELL_ROOT }, expected: [['runs-as-root', 0]] },
];

for (const c of cases) {
  test(c.name, () => {
    const result = lint(c.text, { today: TODAY, images: c.images, buildArgs: c.buildArgs, platform: c.platform });
    const relevant = result.diagnoses.filter((d) => d.ruleId === 'shell-form-in-shellless-stage' || d.ruleId === 'runs-as-root');
    assert.deepEqual(relevant.map((d) => [d.ruleId, d.range.start.line]), c.expected);
  });
}

test('the host is asked for each resolved base image once, with its platform; stages and scratch are not images', () => {
  const model = buildModel('ARG BASE=a:1\nFROM ${BASE} AS one\nFROM one\nFROM scratch\nFROM --platform=linux/arm64 b:2\nFROM ${BASE}\nFROM ${UNSET}\n');
  assert.deepEqual(baseImageReferences(model), ['a:1', 'b:2 --platform=linux/arm64']);
});

test('hover says what is believed and where each fact comes from', () => {
  const observed = buildModel('FROM myorg/app:1\n', { images: { 'myorg/app:1': STATIC_NONROOT } }).stages[0].base;
  assert.equal(describeImage(observed), [
    '**myorg/app:1**',
    'Local image sha256:3f2a00000000 (linux/amd64).',
    '',
    '- no shell: read from the local image sha256:3f2a00000000',
    '- runs as 65532: read from the local image sha256:3f2a00000000',
    '- no entrypoint: read from the local image sha256:3f2a00000000',
    '- no language runtime on PATH: read from the local image sha256:3f2a00000000',
    '- no libc: read from the local image sha256:3f2a00000000',
    '- no CA certificate bundle: read from the local image sha256:3f2a00000000',
  ].join('\n'));
  const table = buildModel('FROM gcr.io/distroless/static-debian13:nonroot\n', { images: { 'gcr.io/distroless/static-debian13:nonroot': ABSENT } }).stages[0].base;
  assert.equal(describeImage(table), [
    '**gcr.io/distroless/static-debian13:nonroot**',
    'Not read from a local image: not on this machine.',
    '',
    '- no shell: from the built-in table (source: https://github.com/GoogleContainerTools/distroless)',
    '- runs as 65532 (nonroot): from the built-in table (source: https://github.com/GoogleContainerTools/distroless)',
    '- no entrypoint: from the built-in table',
    '- no libc: from the built-in table',
  ].join('\n'));
  const unknown = buildModel('FROM myorg/app:1\n', { images: { 'myorg/app:1': { state: 'absent', reason: 'no-engine' } } }).stages[0].base;
  assert.equal(describeImage(unknown), [
    '**myorg/app:1**',
    'Not read from a local image: no Docker engine reachable.',
    '',
    '- shell: unknown: no Docker engine reachable',
    '- default user: unknown: no Docker engine reachable',
    '- libc: unknown: no Docker engine reachable',
    '',
    'Unknown image: the rules that need its shell or user stay quiet. To make it known, pull it (`docker pull myorg/app:1`), turn on registry lookups (`distroless.imageFacts.registryLookups`, CLI `--registry-lookups`), or declare it in .distroless.yaml: `images: { "myorg/app:1": { shell: false, user: "65532:65532", libc: glibc } }`.',
  ].join('\n'));
});

test('facts:check names each fact where the table and a local image disagree, with the table row\'s source', () => {
  const distroless = 'GoogleContainerTools/distroless README.md and SUPPORT_POLICY.md (https://github.com/GoogleContainerTools/distroless)';
  assert.deepEqual(compareWithTable('gcr.io/distroless/static-debian13:nonroot', SHELL_ROOT), [
    { fact: 'shell', table: 'no /bin/sh', image: 'has /bin/sh', source: distroless },
    { fact: 'user', table: '65532 (nonroot)', image: '0 (root)', source: distroless },
    { fact: 'libc', table: 'none', image: 'glibc' },
  ]);
  assert.deepEqual(compareWithTable('gcr.io/distroless/static-debian13:nonroot', STATIC_NONROOT), []);
  assert.deepEqual(compareWithTable('gcr.io/distroless/nodejs22-debian13', image({ entrypoint: ['/usr/bin/node'], runtimes: { node: '/usr/bin/node' }, env: ['NODE_VERSION=24.1.0'], libc: 'glibc' })), [
    { fact: 'entrypoint', table: '["/nodejs/bin/node"]', image: '["/usr/bin/node"]' },
    { fact: 'runtime version', table: '22', image: '24' },
  ]);
  // The table claims nothing about an image it does not know: nothing to compare.
  assert.deepEqual(compareWithTable('myorg/app:1', SHELL_ROOT), []);
});

test('a finding that rests on an unknown image fact says so; on a known one it does not', () => {
  // A rule that reports whatever the facts: the check is on what lint adds to its message.
  const probe: Rule = { id: 'runs-as-root', defaultSeverity: 'warning', summary: 'probe', check: ({ model }) => [{ range: model.stages[0].from.getRange(), message: 'Probe.' }] };
  const message = (images: ObservedImages | undefined, text = 'FROM myorg/app:1\n') => lint(text, { today: TODAY, images, rules: [probe] }).diagnoses[0].message;
  assert.equal(message({ 'myorg/app:1': ABSENT }), 'Probe. (This rests on an unknown fact: which user myorg/app:1 runs as is not known: not on this machine.)');
  assert.equal(message(undefined), 'Probe. (This rests on an unknown fact: which user myorg/app:1 runs as is not known: not read from a local image yet.)');
  assert.equal(message({ 'myorg/app:1': STATIC_NONROOT }), 'Probe.');
  assert.equal(message(undefined, 'FROM gcr.io/distroless/static-debian13\n'), 'Probe.', 'the table knows it');
});

const CONFIG_ID = `sha256:9c1e${'0'.repeat(60)}`;
const MANIFEST = `sha256:77ab${'0'.repeat(60)}`;

function registry(over: Partial<RegistryImage>): ImageObservation {
  return { state: 'registry', image: { id: CONFIG_ID, registry: 'cgr.dev', manifestDigest: MANIFEST, user: '', env: [], workingDir: '', os: 'linux', architecture: 'amd64', labels: {}, ...over } };
}

const registryCases: Array<{ name: string; text: string; images: ObservedImages; expected: Array<[string, number]> }> = [
  // No USER in the config: root. Its shell is not in the config: nothing said about the shell form.
  { name: 'registry config without USER: root, shell not claimed', text: 'FROM myorg/app:1\nCMD /app --serve\n', images: { 'myorg/app:1': registry({}) }, expected: [['runs-as-root', 0]] },
  { name: 'registry config with a uid: not root', text: 'FROM myorg/app:1\nCMD /app --serve\n', images: { 'myorg/app:1': registry({ user: '65532:65532' }) }, expected: [] },
  // A name without the image's /etc/passwd: which uid is not known, so nothing claimed.
  { name: 'registry config with a name the table does not know: user unknown', text: 'FROM myorg/app:1\nCMD ["/app"]\n', images: { 'myorg/app:1': registry({ user: 'app' }) }, expected: [] },
  // The table knows distroless has no shell; the registry cannot say otherwise.
  { name: 'the table\'s shell stands over a registry config', text: 'FROM gcr.io/distroless/static-debian13\nCMD /app\n', images: { 'gcr.io/distroless/static-debian13': registry({ user: '65532' }) }, expected: [['shell-form-in-shellless-stage', 1]] },
  { name: 'a name the table gives a uid for keeps the table\'s uid', text: 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD ["/app"]\n', images: { 'gcr.io/distroless/static-debian13:nonroot': registry({ user: 'nonroot' }) }, expected: [] },
  { name: 'the registry overrides the table\'s user', text: 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD ["/app"]\n', images: { 'gcr.io/distroless/static-debian13:nonroot': registry({ user: '0' }) }, expected: [['runs-as-root', 0]] },
];

for (const c of registryCases) {
  test(c.name, () => {
    const result = lint(c.text, { today: TODAY, images: c.images });
    const relevant = result.diagnoses.filter((d) => d.ruleId === 'shell-form-in-shellless-stage' || d.ruleId === 'runs-as-root');
    assert.deepEqual(relevant.map((d) => [d.ruleId, d.range.start.line]), c.expected);
  });
}

test('hover on an image read from the registry: what the config says, the rest from the table or unknown', () => {
  const known = buildModel('FROM gcr.io/distroless/static-debian13:nonroot\n', { images: { 'gcr.io/distroless/static-debian13:nonroot': registry({ user: '65532', entrypoint: ['/server'] }) } }).stages[0].base;
  assert.equal(describeImage(known), [
    '**gcr.io/distroless/static-debian13:nonroot**',
    'Not read from a local image. Image config sha256:9c1e00000000 read from the registry cgr.dev (manifest sha256:77ab00000000, linux/amd64); its files were not read.',
    '',
    '- no shell: from the built-in table (source: https://github.com/GoogleContainerTools/distroless)',
    '- runs as 65532: from the registry\'s image config (sha256:9c1e00000000)',
    // Config text is escaped for Markdown: a registry's brackets never make a link.
    '- entrypoint \\["/server"\\]: from the registry\'s image config (sha256:9c1e00000000)',
    '- no libc: from the built-in table',
  ].join('\n'));
  const unknown = buildModel('FROM myorg/app:1\n', { images: { 'myorg/app:1': registry({ user: 'app', env: ['PYTHON_VERSION=3.13.1'] }) } }).stages[0].base;
  assert.equal(describeImage(unknown), [
    '**myorg/app:1**',
    'Not read from a local image. Image config sha256:9c1e00000000 read from the registry cgr.dev (manifest sha256:77ab00000000, linux/amd64); its files were not read.',
    '',
    '- shell: unknown: only the image config was read from the registry, not its files',
    '- default user: unknown: only the image config was read from the registry, not its files',
    '- no entrypoint: from the registry\'s image config (sha256:9c1e00000000)',
    '- runtime python 3.13: from the registry\'s image config (sha256:9c1e00000000)',
    '- libc: unknown: only the image config was read from the registry, not its files',
    '',
    'Unknown image: the rules that need its shell or user stay quiet. To make it known, pull it (`docker pull myorg/app:1`), or declare it in .distroless.yaml: `images: { "myorg/app:1": { shell: false, user: "65532:65532", libc: glibc } }`.',
  ].join('\n'));
});
