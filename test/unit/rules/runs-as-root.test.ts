import { ruleTable } from '../../support/ruleTable';

ruleTable('runs-as-root', [
  {
    name: 'distroless latest tag switches to nonroot',
    dockerfile: 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '0:5-0:38', message: 'runs as root', fixed: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nENTRYPOINT ["/app"]\n' }],
  },
  {
    name: 'debug tag switches to debug-nonroot, keeping the architecture',
    dockerfile: 'FROM gcr.io/distroless/base-debian13:debug-amd64\n',
    expect: [{ range: '0:5-0:48', fixed: 'FROM gcr.io/distroless/base-debian13:debug-nonroot-amd64\n' }],
  },
  {
    name: 'image from a global ARG default is fixed in the ARG',
    dockerfile: 'ARG BASE=gcr.io/distroless/static-debian13:latest\nFROM ${BASE}\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '1:5-1:12', fixed: 'ARG BASE=gcr.io/distroless/static-debian13:nonroot\nFROM ${BASE}\nENTRYPOINT ["/app"]\n' }],
  },
  {
    name: 'general-purpose image gets USER at the end of the stage',
    dockerfile: 'FROM debian:13\nRUN apt-get update\nCMD ["/app"]\n',
    expect: [{ range: '0:5-0:14', fixed: 'FROM debian:13\nRUN apt-get update\nCMD ["/app"]\nUSER 65532:65532\n' }],
  },
  {
    name: 'scratch defaults to root',
    dockerfile: 'FROM scratch\nCOPY app /app',
    expect: [{ range: '0:5-0:12', fixed: 'FROM scratch\nCOPY app /app\nUSER 65532:65532' }],
  },
  {
    name: 'an explicit USER root as the last USER is flagged on that line',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nUSER 0:0\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '1:0-1:8', message: 'switches to root', fixed: 'FROM gcr.io/distroless/static-debian13:nonroot\nUSER 0:0\nENTRYPOINT ["/app"]\nUSER 65532:65532\n' }],
  },
  {
    name: 'nonroot tag is fine',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nENTRYPOINT ["/app"]\n',
    expect: [],
  },
  {
    name: 'Chainguard defaults to nonroot',
    dockerfile: 'FROM cgr.dev/chainguard/static:latest\nENTRYPOINT ["/app"]\n',
    expect: [],
  },
  {
    name: 'USER nonroot after root steps is fine',
    dockerfile: 'FROM debian:13\nRUN useradd app\nUSER nonroot:nonroot\n',
    expect: [],
  },
  {
    name: 'only the shipped stage counts; a builder may run as root',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'a stage built on an earlier stage inherits its user',
    dockerfile: 'FROM debian:13 AS base\nUSER 1000\nFROM base\nCMD ["/app"]\n',
    expect: [],
  },
  {
    name: 'a user from an ARG without default is unknown, so not flagged',
    dockerfile: 'FROM debian:13\nARG UID\nUSER ${UID}\n',
    expect: [],
  },
  {
    name: 'a digest-pinned distroless latest gets USER, not a tag change',
    dockerfile: 'FROM gcr.io/distroless/static-debian13@sha256:abc\n',
    expect: [{ range: '0:5-0:49', fixed: 'FROM gcr.io/distroless/static-debian13@sha256:abc\nUSER 65532:65532\n' }],
  },
  {
    name: 'the --target stage ships',
    dockerfile: 'FROM debian:13 AS dev\nFROM gcr.io/distroless/static-debian13:nonroot AS prod\n',
    options: { target: 'dev' },
    expect: [{ range: '0:5-0:14', fixed: 'FROM debian:13 AS dev\nUSER 65532:65532\nFROM gcr.io/distroless/static-debian13:nonroot AS prod\n' }],
  },
]);
