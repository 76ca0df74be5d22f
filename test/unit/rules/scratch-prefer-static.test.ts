import { ruleTable } from '../../support/ruleTable';

ruleTable('scratch-prefer-static', [
  {
    name: 'a scratch runtime is pointed at distroless static',
    dockerfile: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n',
    expect: [{ range: '2:5-2:12', severity: 'information', message: 'no CA certificates', fixed: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n' }],
  },
  {
    name: 'scratch for a build stage that does not ship',
    dockerfile: 'FROM scratch AS files\nCOPY a /a\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=files /a /a\n',
    expect: [],
  },
  {
    name: 'a stage built on scratch is reported without a fix',
    dockerfile: 'FROM scratch AS base\nFROM base\n',
    expect: [{ range: '1:5-1:9' }],
  },
]);
