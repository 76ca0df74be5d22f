import { ruleTable } from '../../support/ruleTable';

ruleTable('debug-image-shipped', [
  {
    name: 'debug-nonroot becomes nonroot',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:debug-nonroot\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '0:5-0:52', message: 'debug sidecar', fixed: 'FROM gcr.io/distroless/static-debian13:nonroot\nENTRYPOINT ["/app"]\n', fixAll: true }],
  },
  {
    name: 'a stage that still runs the busybox shell: the fix is a quick fix only',
    dockerfile: 'FROM gcr.io/distroless/base-debian13:debug\nCOPY start.sh /start.sh\nENTRYPOINT ["/busybox/sh", "/start.sh"]\n',
    expect: [{ range: '0:5-0:42', fixed: 'FROM gcr.io/distroless/base-debian13:latest\nCOPY start.sh /start.sh\nENTRYPOINT ["/busybox/sh", "/start.sh"]\n', fixAll: false }],
  },
  {
    name: 'a RUN or a shell-form CMD in a -dev stage: quick fix only',
    dockerfile: 'FROM cgr.dev/chainguard/python:latest-dev\nUSER root\nRUN apk add libpq\nUSER nonroot\nCMD python app.py\n',
    expect: [{ range: '0:5-0:41', fixed: 'FROM cgr.dev/chainguard/python:latest\nUSER root\nRUN apk add libpq\nUSER nonroot\nCMD python app.py\n', fixAll: false }],
  },
  {
    name: 'debug with an architecture becomes latest with it',
    dockerfile: 'FROM gcr.io/distroless/base-debian13:debug-arm64\n',
    expect: [{ range: '0:5-0:48', fixed: 'FROM gcr.io/distroless/base-debian13:latest-arm64\n' }],
  },
  {
    name: 'Chainguard -dev',
    dockerfile: 'FROM cgr.dev/chainguard/python:latest-dev\n',
    expect: [{ range: '0:5-0:41', fixed: 'FROM cgr.dev/chainguard/python:latest\n' }],
  },
  {
    name: 'a debug image for the build stage is fine',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:debug AS tools\nFROM gcr.io/distroless/static-debian13:nonroot\n',
    expect: [],
  },
  {
    name: 'a debug stage built on by the shipped stage is reported without a fix',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:debug-nonroot AS base\nFROM base\n',
    expect: [{ range: '1:5-1:9', message: 'inherited from stage "base"' }],
  },
  {
    name: 'the --target stage ships',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:debug AS debug\nFROM gcr.io/distroless/static-debian13:nonroot AS prod\n',
    options: { target: 'debug' },
    expect: [{ range: '0:5-0:44', fixed: 'FROM gcr.io/distroless/static-debian13:latest AS debug\nFROM gcr.io/distroless/static-debian13:nonroot AS prod\n' }],
  },
]);
