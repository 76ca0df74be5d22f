import { ruleTable } from '../../support/ruleTable';

const runtime = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n';

ruleTable('go-cgo-enabled-for-static', [
  {
    name: 'a go build copied into static without CGO_ENABLED=0',
    dockerfile: `FROM golang:1.23 AS build\nRUN go build -o /app .\n${runtime}`,
    expect: [{ range: '1:4-1:12', message: 'no C library', fixed: `FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n${runtime}` }],
  },
  {
    name: 'after other commands in the same RUN',
    dockerfile: `FROM golang:1.23 AS build\nRUN go mod download && \\\n    go build -o /app .\n${runtime}`,
    expect: [{ range: '2:4-2:12', fixed: `FROM golang:1.23 AS build\nRUN go mod download && \\\n    CGO_ENABLED=0 go build -o /app .\n${runtime}` }],
  },
  {
    name: 'CGO_ENABLED=1 on purpose: no fix, the message offers base-debian13',
    dockerfile: `FROM golang:1.23 AS build\nRUN CGO_ENABLED=1 go build -o /app .\n${runtime}`,
    expect: [{ range: '1:18-1:26', message: 'base-debian13' }],
  },
  {
    name: 'scratch counts as static',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '1:4-1:12', fixed: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n' }],
  },
  {
    name: 'an export stage on scratch hands the binary on (to the host or a stage with a libc): not a static runtime',
    dockerfile: 'FROM golang:1.23-alpine AS build\nRUN apk add gcc musl-dev\nRUN go build -o /out/tool .\nFROM scratch AS binary\nCOPY --from=build /out/tool /tool\nFROM alpine:3.20\nCOPY --from=binary /tool /usr/bin/tool\n',
    expect: [],
  },
  {
    name: 'inline, exported, ENV and ARG settings are all honoured',
    dockerfile: `FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /a .\nRUN export CGO_ENABLED=0 && go build -o /b .\n${runtime}`,
    expect: [],
  },
  {
    name: 'ENV in the stage',
    dockerfile: `FROM golang:1.23 AS build\nENV CGO_ENABLED=0\nRUN go build -o /app .\n${runtime}`,
    expect: [],
  },
  {
    name: 'ENV in the stage the builder is built on',
    dockerfile: `FROM golang:1.23 AS base\nENV CGO_ENABLED=0\nFROM base AS build\nRUN go build -o /app .\n${runtime}`,
    expect: [],
  },
  {
    name: 'a glibc runtime does not need a static binary',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/base-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
]);
