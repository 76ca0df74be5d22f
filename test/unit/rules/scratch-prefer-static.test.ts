import { ruleTable } from '../../support/ruleTable';

ruleTable('scratch-prefer-static', [
  {
    name: 'a scratch runtime is pointed at distroless static, keeping its (root) user',
    dockerfile: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '2:5-2:12', severity: 'information', message: 'use static-debian13\nThe shipped (last) stage is scratch, which has no CA certificates', fixed: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM gcr.io/distroless/static-debian13\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n', fixAll: true }],
  },
  {
    name: 'with its own USER only the image changes: no :nonroot tag stacked on USER 65532:65532',
    dockerfile: 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '0:5-0:12', severity: 'information', message: 'It runs as the USER this stage sets', fixed: 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n', fixAll: true }],
  },
  {
    name: 'without USER the message says the fix keeps root and where :nonroot comes from',
    dockerfile: 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '0:5-0:12', severity: 'information', message: 'Like scratch it runs as root, so the program starts as before', fixed: 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nENTRYPOINT ["/app"]\n', fixAll: true }],
  },
  {
    name: 'a configured mirror is used in the message and the fix',
    dockerfile: 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    options: { distrolessRegistry: 'registry.example.com/distroless' },
    expect: [{ range: '0:5-0:12', severity: 'information', message: 'registry.example.com/distroless/static-debian13 has all of them', fixed: 'FROM registry.example.com/distroless/static-debian13\nCOPY app /app\nENTRYPOINT ["/app"]\n', fixAll: true }],
  },
  {
    name: 'scratch for a build stage that does not ship',
    dockerfile: 'FROM scratch AS files\nCOPY a /a\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=files /a /a\n',
    expect: [],
  },
  {
    name: 'a stage built on scratch is reported without a fix',
    dockerfile: 'FROM scratch AS base\nFROM base\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '1:5-1:9' }],
  },
  {
    name: 'an export stage (files only, for docker build --output) is not a runtime: no finding, FROM scratch stays',
    dockerfile: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch AS binaries\nCOPY --from=build /out/app /app\n',
    expect: [],
  },
  {
    name: 'a stage built on an export stage is an export stage too',
    dockerfile: 'FROM scratch AS binaries-unix\nCOPY --link --from=build /usr/bin/tool /tool\nFROM binaries-unix AS binaries-linux\n',
    expect: [],
  },
  {
    name: 'a squash stage (a whole root file system copied in) is that OS, not scratch',
    dockerfile: 'FROM debian:13 AS rootfs\nRUN apt-get update\nFROM scratch\nCOPY --from=rootfs / /\nCMD ["bash"]\n',
    expect: [],
  },
  {
    name: 'a WebAssembly module on scratch (awesome-compose wasmedge): no Linux image exists for wasi/wasm, so no finding and FROM scratch stays',
    dockerfile: 'FROM --platform=$BUILDPLATFORM rust:1.64 AS build\nRUN cargo build --target wasm32-wasi --release\nFROM scratch\nENTRYPOINT [ "kafka.wasm" ]\nCOPY --link --from=build /kafka.wasm /kafka.wasm\n',
    expect: [],
  },
  {
    name: 'a scratch stage built for --platform=wasi/wasm is a Wasm image too',
    dockerfile: 'FROM --platform=wasi/wasm scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    expect: [],
  },
  {
    name: 'a program whose name merely contains wasm is still a Linux binary',
    dockerfile: 'FROM scratch\nCOPY wasmtime /wasmtime\nENTRYPOINT ["/wasmtime", "run", "/app.wasm"]\n',
    expect: [{ range: '0:5-0:12', severity: 'information', fixed: 'FROM gcr.io/distroless/static-debian13\nCOPY wasmtime /wasmtime\nENTRYPOINT ["/wasmtime", "run", "/app.wasm"]\n', fixAll: true }],
  },
  {
    name: 'what the stage copies in is not called missing: only tzdata and /tmp are named',
    dockerfile: 'FROM alpine:3.20 AS certs\nRUN apk add ca-certificates\nFROM scratch\nCOPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=certs /etc/passwd /etc/group /etc/\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '2:5-2:12', severity: 'information', message: 'Scratch lacks tzdata and /tmp: use static-debian13\nThe shipped (last) stage is scratch, which has no time zone data and no /tmp: time zones and temp files fail at run time.', fixed: 'FROM alpine:3.20 AS certs\nRUN apk add ca-certificates\nFROM gcr.io/distroless/static-debian13\nCOPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=certs /etc/passwd /etc/group /etc/\nCOPY app /app\nENTRYPOINT ["/app"]\n', fixAll: true }],
  },
  {
    name: 'a scratch stage that copies in all four (CA bundle, zoneinfo, passwd, /tmp) lacks nothing: silent',
    dockerfile: 'FROM alpine:3.20 AS base\nRUN apk add ca-certificates tzdata && mkdir -m 1777 /out-tmp\nFROM scratch\nCOPY --from=base /etc/ssl/certs /etc/ssl/certs\nCOPY --from=base /usr/share/zoneinfo /usr/share/zoneinfo\nCOPY --from=base /etc/passwd /etc/passwd\nCOPY --from=base /out-tmp /tmp\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    expect: [],
  },
  {
    name: 'an export stage whose ENTRYPOINT names a data file (so docker create accepts it) is not a runtime',
    dockerfile: 'FROM node:22 AS build\nRUN npm ci && npm run build && tar czf /dist.tar.gz dist\nFROM scratch AS export\nCOPY --from=build /dist.tar.gz /\nENTRYPOINT ["/dist.tar.gz"]\n',
    expect: [],
  },
  {
    name: 'a scratch stage with no start command may be exported: the image change is a quick fix, never fix-all',
    dockerfile: 'FROM scratch\nCOPY app /app\nUSER 65532:65532\n',
    expect: [{ range: '0:5-0:12', severity: 'information', fixed: 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nUSER 65532:65532\n', fixAll: false }],
  },
]);
