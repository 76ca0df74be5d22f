import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { classifyImage, distrolessEndOfLife, isWindowsImage, parseImageRef, runsAsRootByDefault, withLocalFacts } from '../../server/src/engine/testing';

const TODAY = new Date('2026-11-22T12:00:00Z');

test('image references split into registry, path, tag and digest', () => {
  assert.deepEqual(parseImageRef('gcr.io/distroless/static-debian13:nonroot'), { text: 'gcr.io/distroless/static-debian13:nonroot', registry: 'gcr.io', path: 'distroless/static-debian13', tag: 'nonroot', digest: undefined });
  assert.deepEqual(parseImageRef('docker.io/library/node:22-alpine'), { text: 'docker.io/library/node:22-alpine', registry: undefined, path: 'node', tag: '22-alpine', digest: undefined });
  assert.deepEqual(parseImageRef('localhost:5000/app@sha256:ab'), { text: 'localhost:5000/app@sha256:ab', registry: 'localhost:5000', path: 'app', tag: undefined, digest: 'sha256:ab' });
});

type Expected = Omit<Partial<ReturnType<typeof classifyImage>>, 'appUser'> & { user?: number; userName?: string; appUser?: string };
const table: Array<[string, Expected]> = [
  ['scratch', { family: 'scratch', shellless: true, staticOnly: true, user: 0 }],
  ['gcr.io/distroless/static-debian13', { family: 'distroless', shellless: true, staticOnly: true, user: 0 }],
  ['gcr.io/distroless/static-debian13:nonroot', { family: 'distroless', shellless: true, user: 65532 }],
  ['gcr.io/distroless/base-debian13:debug', { family: 'distroless', shellless: false, debug: true, user: 0 }],
  ['gcr.io/distroless/nodejs22-debian13:debug-nonroot', { family: 'distroless', shellless: false, debug: true, user: 65532, runtime: 'node', runtimeVersion: '22' }],
  ['gcr.io/distroless/python3-debian12', { family: 'distroless', runtime: 'python', runtimeVersion: '3.11' }],
  ['gcr.io/distroless/python3-debian13', { family: 'distroless', runtime: 'python', runtimeVersion: '3.13' }],
  ['cgr.dev/chainguard/static:latest', { family: 'chainguard', shellless: true, user: 65532 }],
  ['cgr.dev/chainguard/node:latest-dev', { family: 'chainguard', shellless: false, debug: true }],
  ['mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled', { family: 'dotnet-chiseled', shellless: true, user: 1654 }],
  ['mcr.microsoft.com/dotnet/aspnet:8.0', { family: 'general', shellless: false, user: 0 }],
  ['node:20-alpine', { family: 'general', runtime: 'node', runtimeVersion: '20', libc: 'musl' }],
  ['python:3.12-slim', { family: 'general', runtime: 'python', runtimeVersion: '3.12', libc: 'glibc' }],
  ['golang:1.23', { family: 'general', runtime: 'go' }],
  ['registry.access.redhat.com/ubi9/ubi-minimal', { family: 'general' }],
  ['nginx:1.27', { family: 'general', shell: 'yes', user: 0 }],
  ['myorg/app:1.0', { family: 'unknown', shell: 'unknown', shellless: false }],
  // .NET distroless: every distro spelling, with and without an architecture suffix, on .NET 8+ runs as app (1654).
  ['mcr.microsoft.com/dotnet/runtime-deps:9.0-azurelinux3.0-distroless', { family: 'dotnet-chiseled', shell: 'no', shellless: true, user: 1654 }],
  ['mcr.microsoft.com/dotnet/nightly/runtime-deps:10.0-azurelinux3.0-distroless', { family: 'dotnet-chiseled', shell: 'no', user: 1654 }],
  ['mcr.microsoft.com/dotnet/aspnet:8.0-cbl-mariner2.0-distroless-amd64', { family: 'dotnet-chiseled', shell: 'no', user: 1654 }],
  ['mcr.microsoft.com/dotnet/runtime:8.0-jammy-chiseled-extra-arm64v8', { family: 'dotnet-chiseled', shell: 'no', user: 1654 }],
  ['mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled-composite', { family: 'dotnet-chiseled', shell: 'no', user: 1654 }],
  ['mcr.microsoft.com/dotnet/aspnet:9.0-noble-chiseled-composite-extra-arm32v7', { family: 'dotnet-chiseled', shell: 'no', user: 1654 }],
  ['mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled', { family: 'dotnet-chiseled', shell: 'no', user: 1654, runtimeVersion: '10.0' }],
  // Before .NET 8 the images had no app user: the default user is not known from the table.
  ['mcr.microsoft.com/dotnet/runtime:7.0-jammy-chiseled', { family: 'dotnet-chiseled', shell: 'no', defaultUser: undefined }],
  ['mcr.microsoft.com/dotnet/sdk:10.0-alpine3.23', { family: 'general', shell: 'yes', user: 0, libc: 'musl' }],
  ['mcr.microsoft.com/dotnet/runtime:10.0-noble', { family: 'general', shell: 'yes', user: 0, appUser: 'app' }],
  // Windows
  ['mcr.microsoft.com/windows/nanoserver:ltsc2022', { family: 'windows', os: 'windows', userName: 'ContainerUser' }],
  ['mcr.microsoft.com/windows/servercore:ltsc2025', { family: 'windows', os: 'windows', userName: 'ContainerAdministrator' }],
  ['mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022', { family: 'windows', os: 'windows', userName: 'ContainerUser' }],
  ['golang:1.23-windowsservercore-ltsc2022', { family: 'windows', os: 'windows', userName: 'ContainerAdministrator' }],
  // Chainguard: documented shells; -dev adds one; an image not checked is unknown.
  ['cgr.dev/chainguard/go:latest', { family: 'chainguard', shell: 'yes', shellless: false, debug: false }],
  ['cgr.dev/chainguard/rust', { family: 'chainguard', shell: 'yes', shellless: false }],
  ['cgr.dev/chainguard/gcc-glibc', { family: 'chainguard', shell: 'yes', user: 0 }],
  ['cgr.dev/chainguard/python:latest', { family: 'chainguard', shell: 'no', shellless: true, user: 65532 }],
  ['cgr.dev/chainguard/python:latest-dev', { family: 'chainguard', shell: 'yes', debug: true }],
  ['cgr.dev/my-org/python:3.12', { family: 'chainguard', shell: 'no', user: 65532 }],
  ['cgr.dev/chainguard/maven:latest', { family: 'chainguard', shell: 'unknown', shellless: false, defaultUser: undefined }],
  ['cgr.dev/chainguard-private/jdk-fips:latest', { family: 'chainguard', shell: 'unknown', shellless: false }],
  ['cgr.dev/chainguard/wolfi-base', { family: 'chainguard', shell: 'yes', user: 0 }],
  // General-purpose images: full OS, root unless documented otherwise.
  ['ruby:3.3', { family: 'general', shell: 'yes', user: 0 }],
  ['php:8.3-apache', { family: 'general', shell: 'yes', user: 0 }],
  ['httpd:2.4', { family: 'general', shell: 'yes', user: 0 }],
  ['mongo:7', { family: 'general', shell: 'yes', user: 0, dropsPrivilegesTo: 'mongodb' }],
  ['postgres:16-alpine', { family: 'general', user: 0, dropsPrivilegesTo: 'postgres', libc: 'musl' }],
  ['haskell:9', { family: 'general', shell: 'yes', user: 0 }],
  ['google/cloud-sdk:slim', { family: 'general', shell: 'yes', user: 0 }],
  ['node:22', { family: 'general', user: 0, appUser: 'node' }],
  ['memcached:1.6', { family: 'general', user: 11211 }],
  ['docker.io/library/redis:7', { family: 'general', user: 0, dropsPrivilegesTo: 'redis' }],
];

for (const [image, expected] of table) {
  test(`classifies ${image}`, () => {
    const info = classifyImage(image);
    const { user, userName, appUser, ...rest } = expected;
    for (const [key, value] of Object.entries(rest)) assert.equal((info as unknown as Record<string, unknown>)[key], value, key);
    if (user !== undefined) assert.equal(info.defaultUser?.uid, user, 'default uid');
    if (userName !== undefined) assert.equal(info.defaultUser?.name, userName, 'default user name');
    if (appUser !== undefined) assert.equal(info.appUser?.name, appUser, "the image's own non-root user");
    // Every known fact names where it comes from; an unknown one says it is not in the table.
    assert.ok(info.sources.shell.length > 0 && info.sources.user.length > 0, 'facts have sources');
    if (info.shell === 'unknown') assert.match(info.sources.shell, /not in the image facts table/);
    if (info.shell !== 'unknown') assert.match(info.sources.shell, /https?:\/\//, 'a known shell fact names a publisher URL');
    if (info.defaultUser === undefined) assert.match(info.sources.user, /not in the image facts table/);
    else assert.match(info.sources.user, /https?:\/\//, 'a known user fact names a publisher URL');
    assert.equal(info.shellless, info.shell === 'no', 'shellless means known to have no shell');
  });
}

test('end of life on the facts date', () => {
  const eol = (image: string) => distrolessEndOfLife(classifyImage(image), TODAY)?.replacement;
  assert.equal(eol('gcr.io/distroless/static-debian12'), 'gcr.io/distroless/static-debian13');
  assert.equal(eol('gcr.io/distroless/nodejs20-debian12:nonroot'), 'gcr.io/distroless/nodejs22-debian13');
  assert.equal(eol('gcr.io/distroless/java11-debian11'), 'gcr.io/distroless/java17-debian13');
  assert.equal(eol('gcr.io/distroless/python3-debian12'), 'gcr.io/distroless/python3-debian13');
  assert.equal(eol('gcr.io/distroless/static-debian13'), undefined);
  assert.equal(eol('gcr.io/distroless/static'), undefined, 'an unpinned name is not end-of-life (another rule pins it)');
  // Before their end dates, Debian 12 base images were still supported.
  assert.equal(distrolessEndOfLife(classifyImage('gcr.io/distroless/static-debian12'), new Date('2026-09-01')), undefined);
  assert.ok(distrolessEndOfLife(classifyImage('gcr.io/distroless/nodejs22-debian12'), new Date('2026-09-01')));
});

test('three-valued root-by-default', () => {
  assert.equal(runsAsRootByDefault(classifyImage('ruby:3.3')), 'yes');
  assert.equal(runsAsRootByDefault(classifyImage('gcr.io/distroless/static-debian13:nonroot')), 'no');
  assert.equal(runsAsRootByDefault(classifyImage('myorg/app:1.0')), 'unknown');
  assert.equal(runsAsRootByDefault(classifyImage('mcr.microsoft.com/windows/nanoserver:ltsc2022')), 'no');
  assert.equal(isWindowsImage(classifyImage('mcr.microsoft.com/windows/servercore:ltsc2022')), true);
  assert.equal(isWindowsImage(classifyImage('debian:13')), false);
});

test('facts from a local image override the table and name the image as their source', () => {
  const unknown = classifyImage('myorg/app:1.0');
  const local = withLocalFacts(unknown, { id: 'sha256:abc', hasShell: false, user: '65532:65532', entrypoint: ['/app'], os: 'linux' });
  assert.equal(local.shell, 'no');
  assert.equal(local.shellless, true);
  assert.deepEqual(local.defaultUser, { name: 'nonroot', uid: 65532, gid: 65532 });
  assert.deepEqual(local.entrypoint, ['/app']);
  assert.equal(local.sources.shell, 'local image sha256:abc');
  assert.equal(local.sources.user, 'local image sha256:abc');
  assert.equal(unknown.shell, 'unknown', 'the table entry is not mutated');
  const rooted = withLocalFacts(classifyImage('gcr.io/distroless/static-debian13:nonroot'), { id: 'sha256:def', user: '' });
  assert.equal(rooted.defaultUser?.uid, 0, 'an empty Config.User is root');
  assert.equal(rooted.shell, 'no', 'facts the engine did not report stay from the table');
  assert.equal(rooted.sources.shell.includes('distroless'), true);
  const named = withLocalFacts(unknown, { id: 'sha256:1', user: 'app' });
  assert.deepEqual(named.defaultUser, { name: 'app', uid: 1654, gid: 1654 });
  const other = withLocalFacts(unknown, { id: 'sha256:2', user: 'www-data' });
  assert.deepEqual(other.defaultUser, { name: 'www-data', uid: undefined, gid: undefined });
  assert.equal(runsAsRootByDefault(other), 'unknown', 'a named user without a uid is not known to be root or not');
  assert.equal(withLocalFacts(unknown, { id: 'sha256:3', os: 'windows' }).family, 'windows');
});
