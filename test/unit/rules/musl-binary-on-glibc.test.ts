import { ruleTable } from '../../support/ruleTable';

ruleTable('musl-binary-on-glibc', [
  {
    name: 'Go before 1.20 on Alpine links musl dynamically by default',
    dockerfile: 'FROM golang:1.19-alpine AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/base-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [{ range: '3:18-3:27', message: 'CGO_ENABLED=0' }],
  },
  {
    name: 'Go with a C compiler installed on Alpine',
    dockerfile: 'FROM golang:1.23-alpine AS build\nRUN apk add --no-cache build-base\nRUN go build -o /app .\nFROM gcr.io/distroless/cc-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [{ range: '4:18-4:27', message: 'ld-musl' }],
  },
  {
    name: 'Go 1.20+ on Alpine without a C compiler already builds statically',
    dockerfile: 'FROM golang:1.23-alpine AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/base-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'CGO_ENABLED=0 in ENV makes it static',
    dockerfile: 'FROM golang:1.19-alpine AS build\nENV CGO_ENABLED=0\nRUN go build -o /app .\nFROM gcr.io/distroless/base-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'a C program built without -static',
    dockerfile: 'FROM alpine:3.20 AS build\nRUN apk add build-base && gcc -O2 -o /hello hello.c\nFROM gcr.io/distroless/cc-debian13:nonroot\nCOPY --from=build /hello /hello\n',
    expect: [{ range: '3:18-3:31', message: 'C/C++ binary' }],
  },
  {
    name: 'a C program linked statically',
    dockerfile: 'FROM alpine:3.20 AS build\nRUN apk add build-base && gcc -static -o /hello hello.c\nFROM gcr.io/distroless/cc-debian13:nonroot\nCOPY --from=build /hello /hello\n',
    expect: [],
  },
  {
    name: 'a glibc builder is fine',
    dockerfile: 'FROM golang:1.19 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/base-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'static targets are for go-cgo-enabled-for-static, not this rule',
    dockerfile: 'FROM golang:1.19-alpine AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
]);
