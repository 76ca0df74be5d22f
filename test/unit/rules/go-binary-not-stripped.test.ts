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
    name: 'go test and go vet are not builds',
    dockerfile: 'FROM golang:1.23\nRUN go vet ./... && go test ./...\n',
    expect: [],
  },
]);
