import { ruleTable } from '../../support/ruleTable';

ruleTable('copy-context-into-final-stage', [
  {
    name: 'COPY . . into the runtime stage of a multi-stage build, naming the build output',
    dockerfile: 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY . .\nCOPY --from=build /out/app /app\n',
    expect: [{ range: '5:5-5:8', message: 'COPY --from=build /out/app /out/app' }],
  },
  {
    name: 'ADD ./ with another destination',
    dockerfile: 'FROM node:22 AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nADD ./ /app\n',
    expect: [{ range: '3:4-3:11', message: 'COPY --from=build <path>' }],
  },
  {
    name: 'a single-stage build has nothing to copy from',
    dockerfile: 'FROM node:22\nCOPY . .\n',
    expect: [],
  },
  {
    name: 'COPY . . in the build stage is where it belongs',
    dockerfile: 'FROM golang:1.23 AS build\nCOPY . .\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'COPY --from=build . . copies from a stage, not the context',
    dockerfile: 'FROM node:22 AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nCOPY --from=build /app/dist .\n',
    expect: [],
  },
  {
    name: 'when every other stage is an ancestor there is no separate build',
    dockerfile: 'FROM node:22 AS base\nRUN npm ci\nFROM base AS dev\nCOPY . .\n',
    expect: [],
  },
  {
    name: 'copying named files is fine',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY config.yaml /etc/app/\n',
    expect: [],
  },
]);
