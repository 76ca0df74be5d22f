import { ruleTable } from '../../support/ruleTable';

const goScratch = 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n';

ruleTable('scratch-missing-ca-certificates', [
  {
    name: 'an export stage (files only, no way to run it) needs no CA bundle',
    dockerfile: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch AS out\nCOPY --from=build /app /app\n',
    files: { 'main.go': 'package main\nimport "net/http"\nfunc main() { http.Get("https://example.com") }\n' },
    expect: [],
  },
  {
    name: 'the builder installs ca-certificates but scratch gets none',
    dockerfile: 'FROM alpine:3.20 AS build\nRUN apk add --no-cache ca-certificates\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '2:5-2:12', message: 'installs ca-certificates', fixed: 'FROM alpine:3.20 AS build\nRUN apk add --no-cache ca-certificates\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n' }],
  },
  {
    name: 'Go code beside the Dockerfile makes HTTPS requests',
    dockerfile: goScratch,
    files: { 'main.go': 'package main\nimport "net/http"\nfunc main() { http.Get("https://example.com") }\n', 'go.mod': 'module x\n' },
    expect: [{ range: '2:5-2:12', message: 'Go code', fixed: `${goScratch}COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n` }],
  },
  {
    name: 'Rust with reqwest in Cargo.toml',
    dockerfile: 'FROM rust:1.82 AS build\nRUN cargo build --release\nFROM scratch\nCOPY --from=build /target/release/app /app\nENTRYPOINT ["/app"]\n',
    files: { 'Cargo.toml': '[package]\nname = "app"\n[dependencies]\nreqwest = { version = "0.12" }\n' },
    expect: [{ range: '2:5-2:12', message: 'Rust code', fixed: 'FROM rust:1.82 AS build\nRUN cargo build --release\nFROM scratch\nCOPY --from=build /target/release/app /app\nENTRYPOINT ["/app"]\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n' }],
  },
  {
    name: 'a Go server that makes no requests',
    dockerfile: goScratch,
    files: { 'main.go': 'package main\nimport "net/http"\nfunc main() { http.ListenAndServe(":8080", nil) }\n' },
    expect: [],
  },
  {
    name: 'without the workspace there is nothing to go on',
    dockerfile: goScratch,
    expect: [],
  },
  {
    name: 'a bundle already copied',
    dockerfile: 'FROM alpine:3.20 AS build\nRUN apk add ca-certificates\nFROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    expect: [],
  },
  {
    name: 'a builder not known to have the bundle: no fix',
    dockerfile: 'FROM debian:13-slim AS build\nRUN cp /src/app /app\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    files: { 'main.go': 'package main\nimport "net/http"\nfunc main() { http.Get("https://example.com") }\n' },
    expect: [],
  },
]);
