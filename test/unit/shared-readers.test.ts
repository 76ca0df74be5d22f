/**
 * Cases the shared readers (engine/shell.ts, engine/stages.ts) fixed: rules and the
 * converter used to read COPY flags, go builds and start commands each their own way,
 * and lost the stage behind `COPY --link --from` or `COPY --from --chown`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { convert } from '../../server/src/engine/testing';
import { ruleTable } from '../support/ruleTable';

ruleTable('node-version-mismatch', [
  {
    name: 'COPY --link --from still names the build stage',
    dockerfile: 'FROM node:20 AS build\nWORKDIR /app\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --link --from=build /app/node_modules /app/node_modules\n',
    expect: [{ range: '4:25-4:60', message: 'Node 20', fixed: 'FROM node:22 AS build\nWORKDIR /app\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --link --from=build /app/node_modules /app/node_modules\n' }],
  },
  {
    name: 'COPY --from with --chown of the install directory',
    dockerfile: 'FROM node:20 AS build\nWORKDIR /app\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --from=build --chown=nonroot:nonroot /app /app\n',
    expect: [{ range: '4:42-4:51', fixed: 'FROM node:22 AS build\nWORKDIR /app\nRUN npm ci\nFROM gcr.io/distroless/nodejs22-debian13\nCOPY --from=build --chown=nonroot:nonroot /app /app\n' }],
  },
]);

ruleTable('musl-binary-on-glibc', [
  {
    name: 'COPY --link --from an Alpine cgo build',
    dockerfile: 'FROM golang:1.19-alpine AS build\nRUN apk add gcc musl-dev && go build -o /app .\nFROM gcr.io/distroless/base-debian13\nCOPY --link --from=build /app /app\n',
    expect: [{ range: '3:25-3:34', message: 'Go binary built on golang:1.19-alpine' }],
  },
]);

ruleTable('go-cgo-enabled-for-static', [
  {
    name: 'go env -w persists for later RUNs; an env prefix turns cgo on for one build; a build not copied is not judged',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go env -w CGO_ENABLED=0\nRUN go build -o /a . && env CGO_ENABLED=1 go build -o /b ./b\nRUN ["go", "build", "-o", "/c", "./c"]\nFROM scratch\nCOPY --from=build /a /a\nCOPY --from=build /b /b\nENTRYPOINT ["/a"]\n',
    expect: [{ range: '2:42-2:50', message: 'with cgo enabled' }],
  },
  {
    name: 'a build in exec form without CGO_ENABLED is reported without an edit',
    dockerfile: 'FROM golang:1.23 AS build\nRUN ["go", "build", "-o", "/c", "./c"]\nFROM scratch\nCOPY --from=build /c /c\nENTRYPOINT ["/c"]\n',
    expect: [{ range: '1:5-1:18', message: 'left on' }],
  },
]);

const CONVERSIONS: Array<{ name: string; dockerfile: string; expected: string | { refuse: string } }> = [
  {
    name: 'COPY --link --from --chown of a binary moved with mv: the Go build is found and hardened',
    dockerfile: 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/server . && mv /out/server /usr/local/bin/\nFROM debian:bookworm-slim\nCOPY --link --from=build --chown=1000:1000 /usr/local/bin/server /usr/local/bin/server\nCMD ["server"]\n',
    expected: 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server . && mv /out/server /usr/local/bin/\n' +
      '# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\n' +
      'COPY --link --from=build --chown=1000:1000 /usr/local/bin/server /usr/local/bin/server\nENTRYPOINT ["server"]\n',
  },
  {
    name: 'go install tool is the Go 1.24 tool meta-package, not the program',
    dockerfile: 'FROM golang:1.24\nWORKDIR /src\nCOPY . .\nRUN go install tool\nCMD ["/go/bin/tool"]\n',
    expected: { refuse: 'go install tool, which installs the tools go.mod declares' },
  },
  {
    name: 'a wrapper named xx-go is not go: nothing is edited inside its name',
    dockerfile: 'FROM golang:1.23-alpine AS golang\nWORKDIR /src\nFROM golang AS build\nRUN --mount=type=bind xx-go build .\nFROM build\n',
    expected: { refuse: 'no go build or go install runs in the stage FROM build' },
  },
];

for (const c of CONVERSIONS) {
  test(`convert: ${c.name}`, () => {
    const result = convert(c.dockerfile);
    if (typeof c.expected === 'string') {
      assert.ok(result.ok, result.ok ? '' : result.reason);
      assert.equal(result.text, c.expected);
    } else {
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.reason.includes(c.expected.refuse), result.ok ? '' : result.reason);
    }
  });
}
