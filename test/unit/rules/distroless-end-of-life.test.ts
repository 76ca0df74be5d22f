import { ruleTable } from '../../support/ruleTable';

ruleTable('distroless-end-of-life', [
  {
    name: 'debian12 static is past end of life in November 2026',
    dockerfile: 'FROM gcr.io/distroless/static-debian12:nonroot\n',
    expect: [{ range: '0:5-0:46', message: 'end of life on 2026-09-30', fixed: 'FROM gcr.io/distroless/static-debian13:nonroot\n', fixAll: true }],
  },
  {
    name: 'nodejs20 is no longer published: moved to nodejs22',
    dockerfile: 'FROM gcr.io/distroless/nodejs20-debian12\nCMD ["server.js"]\n',
    expect: [{ range: '0:5-0:40', message: 'no longer published', fixed: 'FROM gcr.io/distroless/nodejs22-debian13\nCMD ["server.js"]\n', fixAll: false }],
  },
  {
    name: 'java11 goes to java17, through an ARG',
    dockerfile: 'ARG RT=gcr.io/distroless/java11-debian11:latest\nFROM ${RT}\n',
    expect: [{ range: '1:5-1:10', fixed: 'ARG RT=gcr.io/distroless/java17-debian13:latest\nFROM ${RT}\n', fixAll: false }],
  },
  {
    name: 'every stage counts, not only the shipped one',
    dockerfile: 'FROM gcr.io/distroless/base-debian11 AS old\nFROM gcr.io/distroless/base-debian13:nonroot\n',
    expect: [{ range: '0:5-0:36', fixed: 'FROM gcr.io/distroless/base-debian13 AS old\nFROM gcr.io/distroless/base-debian13:nonroot\n' }],
  },
  {
    name: 'a digest-pinned image is reported without an edit',
    dockerfile: 'FROM gcr.io/distroless/static-debian12@sha256:abc\n',
    expect: [{ range: '0:5-0:49' }],
  },
  {
    name: 'debian13 is supported',
    dockerfile: 'FROM gcr.io/distroless/nodejs24-debian13:nonroot\n',
    expect: [],
  },
  {
    name: 'the date matters: debian12 static was fine in 2025',
    dockerfile: 'FROM gcr.io/distroless/static-debian12:nonroot\n',
    options: { today: new Date('2025-06-01T00:00:00Z') },
    expect: [],
  },
]);
