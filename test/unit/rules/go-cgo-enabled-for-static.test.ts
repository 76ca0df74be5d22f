import { test } from 'node:test';
import { CORPUS_SKIP, realworldFile } from '../../support/corpus';
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
  {
    name: 'golang:*-alpine has no C compiler, so cgo is already off: silent',
    dockerfile: `FROM golang:1.23-alpine AS build\nRUN go build -o /app .\n${runtime}`,
    expect: [],
  },
  {
    name: 'golang:alpine (no version: the newest Go) without a compiler: silent',
    dockerfile: 'FROM golang:alpine AS build\nWORKDIR /src\nRUN go build -o server .\nFROM scratch\nCOPY --from=build /src/server /server\nENTRYPOINT ["/server"]\n',
    expect: [],
  },
  {
    name: 'golang:*-alpine with gcc and musl-dev installed: cgo is on again',
    dockerfile: `FROM golang:1.23-alpine AS build\nRUN apk add --no-cache gcc musl-dev\nRUN go build -o /app .\n${runtime}`,
    expect: [{ range: '2:4-2:12', message: 'Cgo is on by default here, so the binary needs libc', fixed: `FROM golang:1.23-alpine AS build\nRUN apk add --no-cache gcc musl-dev\nRUN CGO_ENABLED=0 go build -o /app .\n${runtime}`, fixAll: true }],
  },
  {
    name: 'a versioned compiler package (clang17) on golang:*-alpine: cgo is on again',
    dockerfile: `FROM golang:1.23-alpine AS build\nRUN apk add clang17 musl-dev\nENV CC=clang\nRUN go build -o /app .\n${runtime}`,
    expect: [{ range: '3:4-3:12', fixed: `FROM golang:1.23-alpine AS build\nRUN apk add clang17 musl-dev\nENV CC=clang\nRUN CGO_ENABLED=0 go build -o /app .\n${runtime}` }],
  },
  {
    name: 'a compiler named by CC (zig cc) on golang:*-alpine: cgo is on again',
    dockerfile: `FROM golang:1.23-alpine AS build\nRUN apk add zig\nRUN CC="zig cc" go build -o /app .\n${runtime}`,
    expect: [{ range: '2:16-2:24', fixed: `FROM golang:1.23-alpine AS build\nRUN apk add zig\nRUN CC="zig cc" CGO_ENABLED=0 go build -o /app .\n${runtime}` }],
  },
  {
    name: 'build-base installed in the stage the alpine builder is built on',
    dockerfile: `FROM golang:1.24-alpine3.21 AS deps\nRUN apk add build-base\nFROM deps AS build\nRUN go build -o /app .\n${runtime}`,
    expect: [{ range: '3:4-3:12', fixed: `FROM golang:1.24-alpine3.21 AS deps\nRUN apk add build-base\nFROM deps AS build\nRUN CGO_ENABLED=0 go build -o /app .\n${runtime}` }],
  },
  {
    name: 'Go before 1.20 on alpine linked net and os/user with cgo even without gcc',
    dockerfile: `FROM golang:1.19-alpine AS build\nRUN go build -o /app .\n${runtime}`,
    expect: [{ range: '1:4-1:12', fixed: `FROM golang:1.19-alpine AS build\nRUN CGO_ENABLED=0 go build -o /app .\n${runtime}` }],
  },
  {
    name: 'go install of a tool beside the shipped build: only the shipped build is judged',
    dockerfile: `FROM golang:1.23 AS build\nRUN go install github.com/google/go-licenses@latest\nRUN go build -o /app .\nRUN go-licenses save --save_path=/licenses .\n${runtime}COPY --from=build /licenses /licenses\n`,
    expect: [{ range: '2:4-2:12', fixed: `FROM golang:1.23 AS build\nRUN go install github.com/google/go-licenses@latest\nRUN CGO_ENABLED=0 go build -o /app .\nRUN go-licenses save --save_path=/licenses .\n${runtime}COPY --from=build /licenses /licenses\n` }],
  },
  {
    name: 'go install whose binary is copied from GOBIN is judged',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go install example.com/cmd/server@v1.2.0\nFROM gcr.io/distroless/static-debian13\nCOPY --from=build /go/bin/server /server\nENTRYPOINT ["/server"]\n',
    expect: [{ range: '1:4-1:14', fixed: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go install example.com/cmd/server@v1.2.0\nFROM gcr.io/distroless/static-debian13\nCOPY --from=build /go/bin/server /server\nENTRYPOINT ["/server"]\n' }],
  },
  {
    name: 'go build without -o: the binary is in the WORKDIR, and the COPY takes a file from there',
    dockerfile: 'FROM golang:1.23 AS build\nWORKDIR /src\nRUN go build\nFROM scratch\nCOPY --from=build /src/myapp /myapp\nENTRYPOINT ["/myapp"]\n',
    expect: [{ range: '2:4-2:12', fixed: 'FROM golang:1.23 AS build\nWORKDIR /src\nRUN CGO_ENABLED=0 go build\nFROM scratch\nCOPY --from=build /src/myapp /myapp\nENTRYPOINT ["/myapp"]\n' }],
  },
  {
    name: 'the runtime copies only files that are not the build (a config file of another directory): silent',
    dockerfile: 'FROM golang:1.23 AS build\nWORKDIR /src\nRUN go build -o /out/app .\nRUN mkdir /etc/app && echo {} > /etc/app/config.json\nFROM scratch\nCOPY --from=build /etc/app/config.json /config.json\n',
    expect: [],
  },
  {
    name: 'through a stage that only passes the binary on',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20 AS collect\nCOPY --from=build /out/ /bundle/\nFROM gcr.io/distroless/static-debian13\nCOPY --from=collect /bundle/app /app\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '1:4-1:12', fixed: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM alpine:3.20 AS collect\nCOPY --from=build /out/ /bundle/\nFROM gcr.io/distroless/static-debian13\nCOPY --from=collect /bundle/app /app\nENTRYPOINT ["/app"]\n' }],
  },
  {
    name: 'a glob COPY that takes the binary',
    dockerfile: `FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/* /\nENTRYPOINT ["/app"]\n`,
    expect: [{ range: '1:4-1:12', fixed: `FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/* /\nENTRYPOINT ["/app"]\n` }],
  },
  {
    name: 'a static stage that is not the one shipped (the last stage ships on a glibc image): silent',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch AS tiny\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\nFROM gcr.io/distroless/base-debian13\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    expect: [],
  },
  {
    name: 'go build -o a directory of several commands: a COPY of one file from it is judged',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /out ./cmd/...\nFROM gcr.io/distroless/static-debian13\nCOPY --from=build /out/server /server\nENTRYPOINT ["/server"]\n',
    expect: [{ range: '1:4-1:12', fixed: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /out ./cmd/...\nFROM gcr.io/distroless/static-debian13\nCOPY --from=build /out/server /server\nENTRYPOINT ["/server"]\n' }],
  },
  {
    name: 'go build without -o, then mv of a file of the WORKDIR into a bin directory the COPY takes from',
    dockerfile: 'FROM golang:1.23 AS build\nWORKDIR /src\nRUN go build && mv myapp /usr/local/bin/\nFROM scratch\nCOPY --from=build /usr/local/bin/myapp /myapp\nENTRYPOINT ["/myapp"]\n',
    expect: [{ range: '2:4-2:12', fixed: 'FROM golang:1.23 AS build\nWORKDIR /src\nRUN CGO_ENABLED=0 go build && mv myapp /usr/local/bin/\nFROM scratch\nCOPY --from=build /usr/local/bin/myapp /myapp\nENTRYPOINT ["/myapp"]\n' }],
  },
  {
    name: 'a cp before the build is not where the build went',
    dockerfile: 'FROM golang:1.23 AS build\nWORKDIR /src\nRUN cp /src/run.sh /usr/local/bin/ && env GOOS=linux go build\nFROM busybox:1.36 AS tools\nFROM scratch\nCOPY --from=build /usr/local/bin/run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n',
    expect: [],
  },
]);

// Real Dockerfiles, read from the shared corpus (test/support/corpus.ts): skipped with its reason when it is absent, failing under CI=true.
if (CORPUS_SKIP) {
  test('go-cgo-enabled-for-static: realworld cases', { skip: CORPUS_SKIP }, () => {});
} else {
  ruleTable('go-cgo-enabled-for-static', [
    {
      name: 'go install of a tool the runtime never copies: silent (realworld kind local-path-provisioner)',
      dockerfile: realworldFile('kubernetes-sigs__kind/images/local-path-provisioner/Dockerfile'),
      expect: [],
    },
    {
      name: 'realworld: golang:1.23-alpine building into static-debian12 (chainguard-dev cookbook): silent',
      dockerfile: realworldFile('chainguard-dev__cookbook/agents-md-dockerfile/examples/go/Dockerfile'),
      expect: [],
    },
  ]);
}
