/**
 * Whole-registry checks on Dockerfiles whose right answer is known: the seed pattern
 * raises nothing, and the distroless project's own examples raise only what is
 * really wrong with them today (their -debian12 tags, root, floating names).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lint } from '../../server/src/engine/testing';
import { analyze, fixAll } from '../../server/src/engine/testing';
import { FACTS_DATE } from '../support/ruleTable';

const SEED = `FROM golang:1.23 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=build /out/app /app
USER nonroot:nonroot
ENTRYPOINT ["/app"]
`;

/** GoogleContainerTools/distroless examples/, as published. */
const EXAMPLES: Record<string, { dockerfile: string; raises: string[] }> = {
  go: {
    dockerfile: 'FROM golang:1.22 as build\n\nWORKDIR /go/src/app\nCOPY . .\n\nRUN go mod download\nRUN go vet -v\nRUN go test -v\n\nRUN CGO_ENABLED=0 go build -o /go/bin/app\n\nFROM gcr.io/distroless/static-debian12\n\nCOPY --from=build /go/bin/app /\nCMD ["/app"]\n',
    raises: ['distroless-end-of-life', 'go-binary-not-stripped', 'runs-as-root'],
  },
  nodejs: {
    dockerfile: 'FROM node:20 AS build-env\nCOPY . /app\nWORKDIR /app\n\nRUN npm ci --omit=dev\n\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build-env /app /app\nWORKDIR /app\nCMD ["hello.js"]\n',
    raises: ['distroless-end-of-life', 'runs-as-root'],
  },
  python3: {
    dockerfile: 'FROM python:3-slim AS build-env\nCOPY . /app\nWORKDIR /app\n\nFROM gcr.io/distroless/python3\nCOPY --from=build-env /app /app\nWORKDIR /app\nCMD ["hello.py", "/etc"]\n',
    raises: ['distroless-unpinned-release', 'runs-as-root'],
  },
  'python3-requirements': {
    dockerfile: 'FROM debian:12-slim AS build\nRUN apt-get update && \\\n    apt-get install --no-install-suggests --no-install-recommends --yes python3-venv gcc libpython3-dev && \\\n    python3 -m venv /venv && \\\n    /venv/bin/pip install --upgrade pip setuptools wheel\n\nFROM build AS build-venv\nCOPY requirements.txt /requirements.txt\nRUN /venv/bin/pip install --disable-pip-version-check -r /requirements.txt\n\nFROM gcr.io/distroless/python3-debian12\nCOPY --from=build-venv /venv /venv\nCOPY . /app\nWORKDIR /app\nENTRYPOINT ["/venv/bin/python3", "psutil_example.py"]\n',
    raises: ['copy-context-into-final-stage', 'distroless-end-of-life', 'runs-as-root'],
  },
  java: {
    dockerfile: 'FROM openjdk:11-jdk-slim-bullseye AS build-env\nCOPY . /app/examples\nWORKDIR /app\nRUN javac examples/*.java\nRUN jar cfe main.jar examples.HelloJava examples/*.class\n\nFROM gcr.io/distroless/java17-debian12\nCOPY --from=build-env /app /app\nWORKDIR /app\nCMD ["main.jar"]\n',
    raises: ['distroless-end-of-life', 'runs-as-root'],
  },
  rust: {
    dockerfile: 'FROM rust:1.41.0 as build-env\nWORKDIR /app\nCOPY . /app\nRUN cargo build --release\n\nFROM gcr.io/distroless/cc-debian12\nCOPY --from=build-env /app/target/release/hello-world-distroless /\nCMD ["./hello-world-distroless"]\n',
    raises: ['distroless-end-of-life', 'runs-as-root'],
  },
};

test('the seed pattern raises nothing at all', () => {
  const { diagnoses, failures } = lint(SEED, { today: FACTS_DATE });
  assert.deepEqual(failures, []);
  assert.deepEqual(diagnoses.map((d) => `${d.ruleId}: ${d.message}`), []);
});

for (const [name, example] of Object.entries(EXAMPLES)) {
  test(`distroless example ${name} raises only what is really wrong`, () => {
    const { diagnoses } = lint(example.dockerfile, { today: FACTS_DATE });
    assert.deepEqual([...new Set(diagnoses.map((d) => d.ruleId))].sort(), example.raises);
  });
}

test('fix-all on the distroless examples leaves no fixable warning behind', () => {
  for (const [name, example] of Object.entries(EXAMPLES)) {
    const result = fixAll(analyze(example.dockerfile, { today: FACTS_DATE }));
    // Quick fixes the user picks (fixAll: false) may remain; nothing fix-all would apply may.
    const fixable = result.remaining.filter((d) => d.fixes.some((f) => f.fixAll !== false));
    assert.deepEqual(fixable.map((d) => d.ruleId), [], `${name}: ${result.text}`);
  }
});
