import { ruleTable } from '../../support/ruleTable';

ruleTable('distroless-unpinned-release', [
  {
    name: 'a floating name gets the current suffix, tag kept',
    dockerfile: 'FROM gcr.io/distroless/static:nonroot\n',
    expect: [{ range: '0:5-0:37', severity: 'information', message: 'floats', fixed: 'FROM gcr.io/distroless/static-debian13:nonroot\n' }],
  },
  {
    name: 'no tag at all',
    dockerfile: 'FROM golang:1.23 AS build\nFROM gcr.io/distroless/base AS run\n',
    expect: [{ range: '1:5-1:27', fixed: 'FROM golang:1.23 AS build\nFROM gcr.io/distroless/base-debian13 AS run\n' }],
  },
  {
    name: 'through an ARG default',
    dockerfile: 'ARG RUNTIME=gcr.io/distroless/nodejs22:nonroot\nFROM ${RUNTIME}\n',
    expect: [{ range: '1:5-1:15', fixed: 'ARG RUNTIME=gcr.io/distroless/nodejs22-debian13:nonroot\nFROM ${RUNTIME}\n' }],
  },
  {
    name: 'a digest pins the content',
    dockerfile: 'FROM gcr.io/distroless/static@sha256:0123456789abcdef\n',
    expect: [],
  },
  {
    name: 'pinned releases are fine',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\n',
    expect: [],
  },
]);
