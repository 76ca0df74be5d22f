/**
 * Per-language conversions: exact output, the same language and runtime image as
 * reported, idempotence, no warning or error from the whole rule catalogue, and
 * a result that parses with the language service's own validator.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { convert } from '../../../server/src/engine/testing';
import { FACTS_DATE, memoryWorkspace } from '../../support/ruleTable';
import { assertCleanConversion } from './support';

interface Case {
  name: string;
  dockerfile: string;
  files?: Record<string, string>;
  target?: string;
  language: string;
  runtimeImage: string;
  expected: string;
}

const CASES: Case[] = [
  {
    "name": "Go: single stage on golang keeps the build, hardens it and ships the binary on static",
    "dockerfile": "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o server .\nEXPOSE 8080\nCMD [\"./server\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o server .\nEXPOSE 8080\nCMD [\"./server\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nEXPOSE 8080\nWORKDIR /src\nCOPY --from=build /src/server /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "Go: a build without -o gets one; WORKDIR /app is a directory, so the binary goes to /usr/local/bin/<program>",
    "dockerfile": "FROM golang:1.23-alpine\nWORKDIR /app\nCOPY . .\nRUN go mod download && go build\nCMD [\"./hello\"]\n",
    "files": {
      "go.mod": "module example.com/hello\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN go mod download && CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/app\nCMD [\"./hello\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /out/app /usr/local/bin/hello\nENTRYPOINT [\"/usr/local/bin/hello\"]\n"
  },
  {
    "name": "Go: code importing C ships on base with cgo left on; ENTRYPOINT/CMD split kept",
    "dockerfile": "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -ldflags \"-X main.v=1\" -o /bin/app\nENTRYPOINT [\"/bin/app\"]\nCMD [\"serve\"]\n",
    "files": {
      "main.go": "package main\nimport \"C\"\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/base-debian13:nonroot",
    "expected": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -trimpath -ldflags \"-s -w -X main.v=1\" -o /bin/app\nENTRYPOINT [\"/bin/app\"]\nCMD [\"serve\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/base-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /bin/app /app\nENTRYPOINT [\"/app\"]\nCMD [\"serve\"]\n"
  },
  {
    "name": "Go: ARG-resolved base, program found through PATH, USER listed as dropped",
    "dockerfile": "ARG GO_VERSION=1.22\nFROM golang:${GO_VERSION}\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/api ./cmd/api\nUSER nobody\nCMD [\"api\", \"--port\", \"8080\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "ARG GO_VERSION=1.22\nFROM golang:${GO_VERSION} AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /usr/local/bin/api ./cmd/api\nUSER nobody\nCMD [\"api\", \"--port\", \"8080\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   USER nobody\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /usr/local/bin/api /app\nENTRYPOINT [\"/app\"]\nCMD [\"--port\", \"8080\"]\n"
  },
  {
    "name": "Go: go run becomes a build",
    "dockerfile": "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nCMD [\"go\", \"run\", \"main.go\", \"-v\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nCMD [\"go\", \"run\", \"main.go\", \"-v\"]\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/app main.go\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /out/app /usr/local/bin/app\nENTRYPOINT [\"/usr/local/bin/app\"]\nCMD [\"-v\"]\n"
  },
  {
    "name": "Go: already multi-stage with a Debian final stage: only the shipped stage changes",
    "dockerfile": "FROM golang:1.18-alpine AS builder\nWORKDIR /code\nCOPY . .\nRUN go build -o bin/backend main.go\nCMD [\"/code/bin/backend\"]\n\n# runtime\nFROM debian:bookworm\nRUN apt-get update && apt-get install -y ca-certificates\nCOPY --from=builder /code/bin/backend /usr/local/bin/backend\nCMD [\"/usr/local/bin/backend\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.18-alpine AS builder\nWORKDIR /code\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o bin/backend main.go\nCMD [\"/code/bin/backend\"]\n\n# runtime\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the original stage, because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y ca-certificates\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=builder /code/bin/backend /usr/local/bin/backend\nENTRYPOINT [\"/usr/local/bin/backend\"]\n"
  },
  {
    "name": "Node.js: npm start resolved from package.json, builder moved to node:22, devDependencies pruned",
    "dockerfile": "FROM node:20\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nEXPOSE 3000\nCMD [\"npm\", \"start\"]\n",
    "files": {
      "package.json": "{\"scripts\":{\"start\":\"node server.js\"}}"
    },
    "language": "node",
    "runtimeImage": "gcr.io/distroless/nodejs22-debian13:nonroot",
    "expected": "FROM node:22 AS build\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nEXPOSE 3000\nCMD [\"npm\", \"start\"]\nRUN npm prune --omit=dev\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nEXPOSE 3000\nWORKDIR /usr/src/app\nCOPY --from=build /usr/src/app /usr/src/app\nCMD [\"server.js\"]\n"
  },
  {
    "name": "Node.js: alpine builder in an ARG default, owned files and a writable directory",
    "dockerfile": "ARG BASE=node:20-alpine\nFROM ${BASE}\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nRUN mkdir -p /data && chown node /data\nUSER node\nVOLUME /data\nCMD [\"node\", \"index.js\"]\n",
    "language": "node",
    "runtimeImage": "gcr.io/distroless/nodejs22-debian13:nonroot",
    "expected": "ARG BASE=node:22\nFROM ${BASE} AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nRUN mkdir -p /data && chown node /data\nUSER node\nVOLUME /data\nCMD [\"node\", \"index.js\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   USER node\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nVOLUME /data\nWORKDIR /app\nCOPY --from=build --chown=65532:65532 /app /app\nCOPY --from=build --chown=65532:65532 /data /data\nCMD [\"index.js\"]\n"
  },
  {
    "name": "Python: builder on 3.13-slim-trixie, system site-packages on PYTHONPATH, gunicorn as a module, shell HEALTHCHECK dropped",
    "dockerfile": "FROM python:3.11-slim\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\nCOPY requirements.txt .\nRUN apt-get update && apt-get install -y gcc\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\nCMD gunicorn -b 0.0.0.0:8000 app:app\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\nCOPY requirements.txt .\nRUN apt-get update && apt-get install -y gcc\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\nCMD gunicorn -b 0.0.0.0:8000 app:app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y gcc\n#   HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\nFROM gcr.io/distroless/python3-debian13:nonroot\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"-m\", \"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n"
  },
  {
    "name": "Python: a venv ships as its site-packages",
    "dockerfile": "FROM python:3.12\nRUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nEXPOSE 8000\nCMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nRUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nEXPOSE 8000\nCMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nENV PATH=\"/opt/venv/bin:$PATH\"\nEXPOSE 8000\nWORKDIR /srv\nCOPY --from=build /opt/venv/lib/python3.13/site-packages /opt/venv/lib/python3.13/site-packages\nCOPY --from=build /srv /srv\nENV PYTHONPATH=/opt/venv/lib/python3.13/site-packages\nCMD [\"-m\", \"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n"
  },
  {
    "name": "Java: the jar ships on java21, JVM options move to JAVA_TOOL_OPTIONS",
    "dockerfile": "FROM eclipse-temurin:21\nWORKDIR /app\nCOPY . .\nRUN javac -d out Hello.java && jar --create --file app.jar --main-class Hello -C out .\nCMD [\"java\", \"-Xmx256m\", \"-jar\", \"app.jar\"]\n",
    "language": "java",
    "runtimeImage": "gcr.io/distroless/java21-debian13:nonroot",
    "expected": "FROM eclipse-temurin:21 AS build\nWORKDIR /app\nCOPY . .\nRUN javac -d out Hello.java && jar --create --file app.jar --main-class Hello -C out .\nCMD [\"java\", \"-Xmx256m\", \"-jar\", \"app.jar\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/java21-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /app/app.jar /app/app.jar\nENV JAVA_TOOL_OPTIONS=\"-Xmx256m\"\nCMD [\"/app/app.jar\"]\n"
  },
  {
    "name": "Java: multi-stage maven build, JRE final stage replaced, version from the maven tag",
    "dockerfile": "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -B package\n\nFROM eclipse-temurin:17-jre\nCOPY --from=build /src/target/app.jar /app.jar\nUSER 1000\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n",
    "language": "java",
    "runtimeImage": "gcr.io/distroless/java17-debian13:nonroot",
    "expected": "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -B package\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the original stage, because they cannot run here or do not apply:\n#   USER 1000\nFROM gcr.io/distroless/java17-debian13:nonroot\nCOPY --from=build /src/target/app.jar /app.jar\nCMD [\"/app.jar\"]\n"
  },
  {
    "name": "Rust: release binary on cc",
    "dockerfile": "FROM rust:1.80\nWORKDIR /usr/src/myapp\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/myapp\"]\n",
    "language": "rust",
    "runtimeImage": "gcr.io/distroless/cc-debian13:nonroot",
    "expected": "FROM rust:1.80 AS build\nWORKDIR /usr/src/myapp\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/myapp\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/cc-debian13:nonroot\nWORKDIR /usr/src/myapp\nCOPY --from=build /usr/src/myapp/target/release/myapp /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "Rust: musl target ships on static and gets --release",
    "dockerfile": "FROM rust:1.80-alpine\nWORKDIR /build\nCOPY . .\nRUN cargo build --target x86_64-unknown-linux-musl\nCMD [\"/build/target/x86_64-unknown-linux-musl/release/tool\"]\n",
    "language": "rust",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM rust:1.80-alpine AS build\nWORKDIR /build\nCOPY . .\nRUN cargo build --release --target x86_64-unknown-linux-musl\nCMD [\"/build/target/x86_64-unknown-linux-musl/release/tool\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /build\nCOPY --from=build /build/target/x86_64-unknown-linux-musl/release/tool /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": ".NET: multi-stage aspnet final stage becomes chiseled",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /source\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"aspnetapp.dll\"]\n",
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /source\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"aspnetapp.dll\"]\n"
  },
  {
    "name": ".NET: dotnet run becomes a publish of the only project",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0\nWORKDIR /src\nCOPY . .\nRUN dotnet restore\nEXPOSE 8080\nENTRYPOINT [\"dotnet\", \"run\"]\n",
    "files": {
      "Web/Web.csproj": "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>"
    },
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/aspnet:9.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet restore\nEXPOSE 8080\nENTRYPOINT [\"dotnet\", \"run\"]\nRUN dotnet publish Web/Web.csproj -c Release -o /out\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/aspnet:9.0-noble-chiseled\nEXPOSE 8080\nWORKDIR /app\nCOPY --from=build /out /app\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n"
  },
  {
    "name": "C/C++: the compiled binary ships on cc",
    "dockerfile": "FROM gcc:14\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/hello hello.c\nCMD [\"/usr/local/bin/hello\"]\n",
    "language": "c",
    "runtimeImage": "gcr.io/distroless/cc-debian13:nonroot",
    "expected": "FROM gcc:14 AS build\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/hello hello.c\nCMD [\"/usr/local/bin/hello\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Shared libraries the binary loads beyond glibc and libstdc++ must be copied from the build stage.\nFROM gcr.io/distroless/cc-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /usr/local/bin/hello /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "C/C++: a static build on debian ships on static",
    "dockerfile": "FROM debian:trixie\nRUN apt-get update && apt-get install -y build-essential\nWORKDIR /src\nCOPY . .\nRUN make && gcc -static -o /opt/tool main.c\nENTRYPOINT [\"/opt/tool\"]\n",
    "language": "c",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM debian:trixie AS build\nRUN apt-get update && apt-get install -y build-essential\nWORKDIR /src\nCOPY . .\nRUN make && gcc -static -o /opt/tool main.c\nENTRYPOINT [\"/opt/tool\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y build-essential\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /opt/tool /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "--target: the runtime takes the target's name and later stages keep building on the full stage",
    "dockerfile": "FROM python:3.13-slim AS base\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"app.py\"]\n\nFROM base AS test\nRUN python -m unittest\n",
    "target": "base",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS base-build\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot AS base\nWORKDIR /app\nCOPY --from=base-build /app /app\nCMD [\"app.py\"]\n\nFROM base-build AS test\nRUN python -m unittest\n"
  }
];

for (const c of CASES) {
  test(`convert: ${c.name}`, () => {
    const workspace = c.files ? memoryWorkspace(c.files) : undefined;
    const result = convert(c.dockerfile, { workspace, target: c.target });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.text, c.expected);
    assert.equal(result.language, c.language);
    assert.equal(result.runtimeImage, c.runtimeImage);
    assert.ok(result.changed);
    assert.ok(result.text.includes(`FROM ${c.runtimeImage}`), 'the runtime stage uses the reported image');
    assertCleanConversion(c.dockerfile, result.text, { workspace, target: c.target, today: FACTS_DATE });
  });
}
