/**
 * Where a native binary (Go, Rust, C/C++) lands in a new runtime stage: /app, unless the
 * runtime stage makes /app a directory (its WORKDIR, a WORKDIR below it, a carried VOLUME).
 * COPY onto a directory puts the file inside it, and ENTRYPOINT ["/app"] would then name
 * a directory, so the image would not start; the binary goes to /usr/local/bin/<name> instead.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { convert } from '../../../server/src/engine/testing';
import { FACTS_DATE } from '../../support/ruleTable';
import { assertCleanConversion } from './support';

interface Case {
  name: string;
  dockerfile: string;
  language: string;
  runtimeImage: string;
  expected: string;
}

const CASES: Case[] = [
  {
    "name": "Go, WORKDIR /app: the binary goes to /usr/local/bin/<program>, not onto the /app directory",
    "dockerfile": "FROM golang:1.23\nWORKDIR /app\nCOPY . .\nRUN go build -o server ./cmd/server\nEXPOSE 8080\nCMD [\"./server\", \"--port\", \"8080\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o server ./cmd/server\nEXPOSE 8080\nCMD [\"./server\", \"--port\", \"8080\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nEXPOSE 8080\nWORKDIR /app\nCOPY --from=build /app/server /usr/local/bin/server\nENTRYPOINT [\"/usr/local/bin/server\"]\nCMD [\"--port\", \"8080\"]\n"
  },
  {
    "name": "Go, WORKDIR /: /app is free, the binary goes there",
    "dockerfile": "FROM golang:1.23\nWORKDIR /\nCOPY . /src\nRUN cd /src && go build -o /usr/local/bin/server .\nCMD [\"server\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /\nCOPY . /src\nRUN cd /src && CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /usr/local/bin/server .\nCMD [\"server\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /usr/local/bin/server /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "Go, no WORKDIR: the binary goes to /app",
    "dockerfile": "FROM golang:1.23\nCOPY . /src\nRUN cd /src && go build -o /bin/server .\nCMD [\"/bin/server\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nCOPY . /src\nRUN cd /src && CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /bin/server .\nCMD [\"/bin/server\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /bin/server /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "Go, WORKDIR below /app: /app is a directory too",
    "dockerfile": "FROM golang:1.23\nWORKDIR /app/src\nCOPY . .\nRUN go build -o /out/api .\nENTRYPOINT [\"/out/api\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /app/src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/api .\nENTRYPOINT [\"/out/api\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /app/src\nCOPY --from=build /out/api /usr/local/bin/api\nENTRYPOINT [\"/usr/local/bin/api\"]\n"
  },
  {
    "name": "Go, a carried VOLUME /app: /app is a directory",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o api .\nVOLUME /app\nCMD [\"./api\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o api .\nVOLUME /app\nCMD [\"./api\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nVOLUME /app\nWORKDIR /src\nCOPY --from=build /src/api /usr/local/bin/api\nENTRYPOINT [\"/usr/local/bin/api\"]\n"
  },
  {
    "name": "Rust, WORKDIR /app: the binary goes to /usr/local/bin/<name>",
    "dockerfile": "FROM rust:1.80\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/myapp\"]\n",
    "language": "rust",
    "runtimeImage": "gcr.io/distroless/cc-debian13:nonroot",
    "expected": "FROM rust:1.80 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/myapp\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/cc-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /app/target/release/myapp /usr/local/bin/myapp\nENTRYPOINT [\"/usr/local/bin/myapp\"]\n"
  },
  {
    "name": "Rust, WORKDIR /: the binary goes to /app",
    "dockerfile": "FROM rust:1.80\nWORKDIR /\nCOPY . /usr/src/myapp\nRUN cargo install --path /usr/src/myapp\nCMD [\"myapp\"]\n",
    "language": "rust",
    "runtimeImage": "gcr.io/distroless/cc-debian13:nonroot",
    "expected": "FROM rust:1.80 AS build\nWORKDIR /\nCOPY . /usr/src/myapp\nRUN cargo install --path /usr/src/myapp\nCMD [\"myapp\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/cc-debian13:nonroot\nCOPY --from=build /usr/local/cargo/bin/myapp /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "Rust, no WORKDIR: the binary goes to /app",
    "dockerfile": "FROM rust:1.80\nCOPY . .\nRUN cargo build --release\nCMD [\"/target/release/myapp\", \"serve\"]\n",
    "language": "rust",
    "runtimeImage": "gcr.io/distroless/cc-debian13:nonroot",
    "expected": "FROM rust:1.80 AS build\nCOPY . .\nRUN cargo build --release\nCMD [\"/target/release/myapp\", \"serve\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/cc-debian13:nonroot\nCOPY --from=build /target/release/myapp /app\nENTRYPOINT [\"/app\"]\nCMD [\"serve\"]\n"
  },
  {
    "name": "C++, WORKDIR /app: the binary goes to /usr/local/bin/<name>",
    "dockerfile": "FROM gcc:14\nWORKDIR /app\nCOPY . .\nRUN g++ -O2 -o hello main.cpp\nCMD [\"./hello\"]\n",
    "language": "c",
    "runtimeImage": "gcr.io/distroless/cc-debian13:nonroot",
    "expected": "FROM gcc:14 AS build\nWORKDIR /app\nCOPY . .\nRUN g++ -O2 -o hello main.cpp\nCMD [\"./hello\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Shared libraries the binary loads beyond glibc and libstdc++ must be copied from the build stage.\nFROM gcr.io/distroless/cc-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /app/hello /usr/local/bin/hello\nENTRYPOINT [\"/usr/local/bin/hello\"]\n"
  },
  {
    "name": "C++, WORKDIR /: the binary goes to /app",
    "dockerfile": "FROM gcc:14\nWORKDIR /\nCOPY main.cpp /src/main.cpp\nRUN g++ -O2 -o /usr/local/bin/hello /src/main.cpp\nCMD [\"/usr/local/bin/hello\"]\n",
    "language": "c",
    "runtimeImage": "gcr.io/distroless/cc-debian13:nonroot",
    "expected": "FROM gcc:14 AS build\nWORKDIR /\nCOPY main.cpp /src/main.cpp\nRUN g++ -O2 -o /usr/local/bin/hello /src/main.cpp\nCMD [\"/usr/local/bin/hello\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Shared libraries the binary loads beyond glibc and libstdc++ must be copied from the build stage.\nFROM gcr.io/distroless/cc-debian13:nonroot\nCOPY --from=build /usr/local/bin/hello /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "C++, no WORKDIR: the static binary goes to /app",
    "dockerfile": "FROM gcc:14\nCOPY main.cpp /src/main.cpp\nRUN g++ -static -O2 -o /hello /src/main.cpp\nENTRYPOINT [\"/hello\"]\nCMD [\"--verbose\"]\n",
    "language": "c",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM gcc:14 AS build\nCOPY main.cpp /src/main.cpp\nRUN g++ -static -O2 -o /hello /src/main.cpp\nENTRYPOINT [\"/hello\"]\nCMD [\"--verbose\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /hello /app\nENTRYPOINT [\"/app\"]\nCMD [\"--verbose\"]\n"
  }
];

for (const c of CASES) {
  test(`convert native target: ${c.name}`, () => {
    const result = convert(c.dockerfile, {});
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.text, c.expected);
    assert.equal(result.language, c.language);
    assert.equal(result.runtimeImage, c.runtimeImage);
    assertCleanConversion(c.dockerfile, result.text, { today: FACTS_DATE });
  });
}
