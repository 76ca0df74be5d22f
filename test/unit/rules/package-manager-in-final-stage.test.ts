import { ruleTable } from '../../support/ruleTable';

ruleTable('package-manager-in-final-stage', [
  {
    name: 'apt-get install in a single-stage image, pointing at the install command',
    dockerfile: 'FROM debian:13\nRUN apt-get update && apt-get install -y ca-certificates\n',
    expect: [{ range: '1:22-1:29', message: 'ca-certificates ship in the image' }],
  },
  {
    name: 'options before the verb and continuation lines',
    dockerfile: 'FROM ubuntu:24.04\nRUN apt-get -y --no-install-recommends \\\n    install git\n',
    expect: [{ range: '1:4-1:11', message: 'git' }],
  },
  {
    name: 'apk add with --virtual names only the real packages',
    dockerfile: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .deps tzdata\n',
    expect: [{ range: '1:4-1:7', message: 'tzdata ship' }],
  },
  {
    name: 'dnf and microdnf installs',
    dockerfile: 'FROM fedora:40\nRUN dnf install -y jq; microdnf install less\n',
    expect: [{ range: '1:4-1:7' }],
  },
  {
    name: 'an install inherited from the stage the shipped stage is built on',
    dockerfile: 'FROM debian:13 AS base\nRUN apt-get install -y libpq5\nFROM base\nCMD ["/app"]\n',
    expect: [{ range: '1:4-1:11', message: 'is built on the stage' }],
  },
  {
    name: 'installs in a build stage are fine',
    dockerfile: 'FROM golang:1.23 AS build\nRUN apt-get update && apt-get install -y git\nRUN CGO_ENABLED=0 go build -o /app .\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'apt-get update alone installs nothing',
    dockerfile: 'FROM debian:13\nRUN apt-get update\n',
    expect: [],
  },
  {
    name: 'in a shell-less stage the install cannot run: a quick fix removes it, never fix-all (the program may need libfoo at start)',
    dockerfile: 'FROM gcr.io/distroless/base-debian13:nonroot\nRUN apt-get update && apt-get install -y libfoo && rm -rf /var/lib/apt/lists/*\nCMD ["/app"]\n',
    expect: [{ range: '1:22-1:29', message: 'the build fails', fixed: 'FROM gcr.io/distroless/base-debian13:nonroot\nCMD ["/app"]\n', fixAll: false }],
  },
  {
    name: 'in a shell-less stage a RUN that does more than package management is not removed',
    dockerfile: 'FROM gcr.io/distroless/base-debian13:nonroot\nRUN apt-get install -y libfoo && ldconfig\n',
    expect: [{ range: '1:4-1:11' }],
  },
  {
    name: 'the --target stage is the one that ships',
    dockerfile: 'FROM debian:13 AS dev\nRUN apt-get install -y gdb\nFROM gcr.io/distroless/static-debian13:nonroot\n',
    options: { target: 'dev' },
    expect: [{ range: '1:4-1:11' }],
  },
  {
    name: 'build dependencies installed and removed in the same RUN do not ship',
    dockerfile: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .gosu-deps dpkg gnupg && gpg --verify x && apk del --no-network .gosu-deps\n',
    expect: [],
  },
  {
    name: 'only the packages left behind are listed',
    dockerfile: 'FROM debian:13\nRUN apt-get install -y ca-certificates wget && wget https://example.com/x && apt-get purge -y --auto-remove wget\n',
    expect: [{ range: '1:4-1:11', message: 'apt-get, its package database and ca-certificates ship' }],
  },
  {
    name: "the Official Images idiom (apt-mark auto '.*' then purge --auto-remove) leaves nothing it installed",
    dockerfile: 'FROM debian:13\nRUN savedAptMark="$(apt-mark showmanual)"; apt-get update; apt-get install -y gnupg dirmngr; gpg --verify x; apt-mark auto \'.*\' > /dev/null; apt-mark manual $savedAptMark; apt-get purge -y --auto-remove\n',
    expect: [],
  },
  {
    name: 'a package list in a shell variable installed and deleted in the same RUN does not ship (apk)',
    dockerfile: 'FROM alpine:3.20\nRUN buildDeps="gcc musl-dev" && apk add --no-cache $buildDeps && make && apk del $buildDeps\n',
    expect: [],
  },
  {
    name: 'the apt-get purge form, with ${braces} on one side',
    dockerfile: 'FROM debian:13\nRUN apt-get update && apt-get install -y --no-install-recommends ${buildDeps} && make && apt-get purge -y --auto-remove $buildDeps\n',
    expect: [],
  },
  {
    name: 'a variable list removed while a named package stays: the named one ships',
    dockerfile: 'FROM debian:13\nRUN apt-get install -y $fetchDeps ca-certificates && apt-get purge -y $fetchDeps\n',
    expect: [{ range: '1:4-1:11', message: 'apt-get, its package database and ca-certificates ship' }],
  },
  {
    name: 'a variable list that is not removed ships, and is named as written',
    dockerfile: 'FROM alpine:3.20\nRUN apk add --no-cache $runDeps && apk del $buildDeps\n',
    expect: [{ range: '1:4-1:7', message: 'apk, its package database and $runDeps ship' }],
  },
  {
    name: 'a list removed in a later RUN still ships (the layer of the install keeps it)',
    dockerfile: 'FROM alpine:3.20\nRUN apk add $buildDeps\nRUN apk del $buildDeps\n',
    expect: [{ range: '1:4-1:7', message: '$buildDeps ship' }],
  },
]);
