import { ruleTable } from '../../support/ruleTable';

ruleTable('go-binary-not-stripped', [
  {
    name: 'no -ldflags: added after go build',
    dockerfile: 'FROM golang:1.23\nRUN go build -o /app .\n',
    expect: [{ range: '1:4-1:12', severity: 'hint', fixed: 'FROM golang:1.23\nRUN go build -ldflags="-s -w" -o /app .\n' }],
  },
  {
    name: 'existing quoted -ldflags get -s -w in front',
    dockerfile: 'FROM golang:1.23\nRUN CGO_ENABLED=0 go build -ldflags="-X main.version=1" -o /app .\n',
    expect: [{ range: '1:18-1:26', fixed: 'FROM golang:1.23\nRUN CGO_ENABLED=0 go build -ldflags="-s -w -X main.version=1" -o /app .\n' }],
  },
  {
    name: 'separate-word -ldflags value in single quotes',
    dockerfile: "FROM golang:1.23\nRUN go build -ldflags '-extldflags -static' ./cmd/app\n",
    expect: [{ range: '1:4-1:12', fixed: "FROM golang:1.23\nRUN go build -ldflags '-s -w -extldflags -static' ./cmd/app\n" }],
  },
  {
    name: 'an unquoted value is quoted',
    dockerfile: 'FROM golang:1.23\nRUN go build -ldflags=-X=main.v=1 .\n',
    expect: [{ range: '1:4-1:12', fixed: 'FROM golang:1.23\nRUN go build -ldflags="-s -w -X=main.v=1" .\n' }],
  },
  {
    name: 'already stripped',
    dockerfile: 'FROM golang:1.23\nRUN go build -ldflags "-w -s -X main.v=1" -o /app .\n',
    expect: [],
  },
  {
    name: 'flags from a variable are not second-guessed',
    dockerfile: 'FROM golang:1.23\nARG LDFLAGS\nRUN go build -ldflags="${LDFLAGS}" -o /app .\n',
    expect: [],
  },
  {
    name: 'a debugger build keeps its DWARF data',
    dockerfile: 'FROM golang:1.23\nRUN go build -gcflags="all=-N -l" -o /app .\n',
    expect: [],
  },
  {
    name: 'Go 1.22 and later: -s implies -w, so -ldflags=-s is stripped',
    dockerfile: 'FROM golang:1.23\nRUN go build -ldflags=-s -o /app .\n',
    expect: [],
  },
  {
    name: '--ldflags=--s is the same flag',
    dockerfile: 'FROM golang:1.22-alpine\nRUN go build --ldflags=--s -o /app .\n',
    expect: [],
  },
  {
    name: 'a tag without a version floats to the newest Go: -s is enough',
    dockerfile: 'FROM golang:alpine\nRUN go build -ldflags="-s -X main.v=1" -o /app .\n',
    expect: [],
  },
  {
    name: 'before Go 1.22 -s alone keeps DWARF: only -w is added',
    dockerfile: 'FROM golang:1.21\nRUN go build -ldflags="-s -X main.v=1" -o /app .\n',
    expect: [{ range: '1:4-1:12', fixed: 'FROM golang:1.21\nRUN go build -ldflags="-w -s -X main.v=1" -o /app .\n' }],
  },
  {
    name: '-w with -extldflags: only -s is added, never a second -w',
    dockerfile: "FROM golang:1.23\nRUN go build -ldflags \"-w -extldflags '-static'\" -o /app .\n",
    expect: [{ range: '1:4-1:12', fixed: "FROM golang:1.23\nRUN go build -ldflags \"-s -w -extldflags '-static'\" -o /app .\n" }],
  },
  {
    name: 'a -s inside -extldflags is the external linker\'s, not Go\'s',
    dockerfile: "FROM golang:1.23\nRUN go build -ldflags=\"-extldflags '-static -s'\" -o /app .\n",
    expect: [{ range: '1:4-1:12', fixed: "FROM golang:1.23\nRUN go build -ldflags=\"-s -w -extldflags '-static -s'\" -o /app .\n" }],
  },
  {
    name: 'go test and go vet are not builds',
    dockerfile: 'FROM golang:1.23\nRUN go vet ./... && go test ./...\n',
    expect: [],
  },
  {
    name: 'a tool a build stage makes for its own use never ships: silent (buildx lint.Dockerfile analyzers)',
    dockerfile: 'FROM golang:1.23 AS gen\nRUN go build -o /out/docsgen ./docs/generate.go\nRUN /out/docsgen > /docs.md\nFROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /app .\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nCOPY --from=gen /docs.md /docs.md\n',
    expect: [],
  },
  {
    name: 'a binary built after cd in the same RUN is found where the COPY takes it (kind base image, through a squash stage)',
    dockerfile: 'FROM golang:1.23 AS build-cni\nRUN git clone https://example.com/plugins /cni-plugins \\\n    && cd /cni-plugins \\\n    && go build -o ./bin/ptp ./plugins/main/ptp\nFROM debian:13 AS build\nCOPY --from=build-cni /cni-plugins/bin/ptp /opt/cni/bin/\nFROM scratch\nCOPY --from=build / /\n',
    expect: [{ range: '3:7-3:15', fixed: 'FROM golang:1.23 AS build-cni\nRUN git clone https://example.com/plugins /cni-plugins \\\n    && cd /cni-plugins \\\n    && go build -ldflags="-s -w" -o ./bin/ptp ./plugins/main/ptp\nFROM debian:13 AS build\nCOPY --from=build-cni /cni-plugins/bin/ptp /opt/cni/bin/\nFROM scratch\nCOPY --from=build / /\n' }],
  },
  {
    name: 'a build stage copied into a target that is not shipped (the last stage ships): silent',
    dockerfile: 'FROM golang:1.15-alpine AS builder\nRUN go build -o /app main.go\nFROM alpine:3 AS runner\nCOPY --from=builder /app .\nFROM alpine:3\nRUN false\n',
    expect: [],
  },
  {
    name: 'the same build with --target runner is judged',
    dockerfile: 'FROM golang:1.15-alpine AS builder\nRUN go build -o /app main.go\nFROM alpine:3 AS runner\nCOPY --from=builder /app .\nFROM alpine:3\nRUN false\n',
    options: { target: 'runner' },
    expect: [{ range: '1:4-1:12', fixed: 'FROM golang:1.15-alpine AS builder\nRUN go build -ldflags="-s -w" -o /app main.go\nFROM alpine:3 AS runner\nCOPY --from=builder /app .\nFROM alpine:3\nRUN false\n' }],
  },
]);
