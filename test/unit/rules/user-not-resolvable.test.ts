import { ruleTable } from '../../support/ruleTable';

ruleTable('user-not-resolvable', [
  {
    name: 'any name on scratch; nonroot has known ids',
    dockerfile: 'FROM scratch\nCOPY app /app\nUSER nonroot:nonroot\n',
    expect: [{ range: '2:5-2:20', message: 'scratch has no /etc/passwd', fixed: 'FROM scratch\nCOPY app /app\nUSER 65532:65532\n' }],
  },
  {
    name: 'an unknown name on scratch has no fix',
    dockerfile: 'FROM scratch\nUSER app\n',
    expect: [{ range: '1:5-1:8' }],
  },
  {
    name: 'distroless knows only root, nonroot and nobody',
    dockerfile: 'FROM gcr.io/distroless/static-debian13\nUSER appuser\n',
    expect: [{ range: '1:5-1:12', message: 'not "appuser"' }],
  },
  {
    name: 'nonroot and nobody resolve on distroless',
    dockerfile: 'FROM gcr.io/distroless/static-debian13\nUSER nonroot:nonroot\nUSER nobody\n',
    expect: [],
  },
  {
    name: 'a user made in another stage, with ids given, is rewritten to them',
    dockerfile: 'FROM alpine:3.20 AS build\nRUN addgroup -g 10001 app && adduser -D -u 10001 -G app app\nFROM gcr.io/distroless/static-debian13\nUSER app\n',
    expect: [{ range: '3:5-3:8', message: 'only know root, nonroot and nobody', fixed: 'FROM alpine:3.20 AS build\nRUN addgroup -g 10001 app && adduser -D -u 10001 -G app app\nFROM gcr.io/distroless/static-debian13\nUSER 10001:10001\n' }],
  },
  {
    name: 'a user made in another stage: on a general image whose users are not all known, a warning',
    dockerfile: 'FROM debian:13 AS build\nRUN useradd -u 1001 builder\nFROM debian:13\nUSER builder\n',
    expect: [{ range: '3:5-3:12', severity: 'warning', message: 'unless debian:13 has a user of that name already' }],
  },
  {
    name: 'a user made in another stage on a minimal image whose /etc/passwd is known: an error',
    dockerfile: 'FROM debian:13 AS build\nRUN useradd -u 1001 -U builder\nFROM mcr.microsoft.com/dotnet/runtime-deps:8.0-noble-chiseled\nUSER builder\n',
    expect: [{ range: '3:5-3:12', severity: 'error', message: 'created in stage "build", and users made there do not exist in this stage.' }],
  },
  {
    name: 'Windows account names are not looked up in /etc/passwd',
    dockerfile: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerAdministrator\nRUN mkdir C:\\app\nUSER ContainerUser\n',
    expect: [],
  },
  {
    name: 'useradd with a numeric group gives the fix',
    dockerfile: 'FROM debian:13 AS build\nRUN useradd --uid 1001 --gid 1001 builder\nFROM debian:13\nUSER builder\n',
    expect: [{ range: '3:5-3:12', severity: 'warning', fixed: 'FROM debian:13 AS build\nRUN useradd --uid 1001 --gid 1001 builder\nFROM debian:13\nUSER 1001:1001\n' }],
  },
  {
    name: 'a user made in the same stage, or one it builds on, resolves',
    dockerfile: 'FROM debian:13 AS base\nRUN useradd app\nFROM base\nUSER app\n',
    expect: [],
  },
  {
    name: 'a copied /etc/passwd brings its names to scratch',
    dockerfile: 'FROM alpine:3.20 AS build\nRUN adduser -D app\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\nUSER app\n',
    expect: [],
  },
  {
    name: 'names of a general-purpose image are not second-guessed',
    dockerfile: 'FROM nginx:1.27\nUSER www-data\n',
    expect: [],
  },
  {
    name: 'numeric ids always resolve',
    dockerfile: 'FROM scratch\nUSER 65532:65532\n',
    expect: [],
  },
]);
