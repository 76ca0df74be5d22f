/**
 * Patterns from real projects (issue 15) that made conversions fail to build or run:
 * each converts to the exact text below or is refused with the exact reason.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { convert } from '../../../server/src/engine/testing';
import { conversionCaseTests, type ConversionCase } from './support';

const CASES: ConversionCase[] = [
  {
    "name": ".NET sample (COPY --link --from=build): the builder stays, aspnet:10.0 becomes aspnet:10.0-noble-chiseled, nothing is built in the runtime",
    "dockerfile": "# Learn about building .NET container images:\n# https://github.com/dotnet/dotnet-docker/blob/main/samples/README.md\nFROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nARG TARGETARCH\nWORKDIR /source\n\n# Copy project file and restore as distinct layers\nCOPY --link aspnetapp/*.csproj .\nRUN dotnet restore -a $TARGETARCH\n\n# Copy source code and publish app\nCOPY --link aspnetapp/. .\nRUN dotnet publish -a $TARGETARCH --no-restore -o /app\n\n\n# Runtime stage\nFROM mcr.microsoft.com/dotnet/aspnet:10.0\nEXPOSE 8080\nWORKDIR /app\nCOPY --link --from=build /app .\nUSER $APP_UID\nENTRYPOINT [\"./aspnetapp\"]\n",
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled",
    "expected": "# Learn about building .NET container images:\n# https://github.com/dotnet/dotnet-docker/blob/main/samples/README.md\nFROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nARG TARGETARCH\nWORKDIR /source\n\n# Copy project file and restore as distinct layers\nCOPY --link aspnetapp/*.csproj .\nRUN dotnet restore -a $TARGETARCH\n\n# Copy source code and publish app\nCOPY --link aspnetapp/. .\nRUN dotnet publish -a $TARGETARCH --no-restore -o /app\n\n\n# Runtime stage\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the original stage, because they cannot run here or do not apply:\n#   USER $APP_UID\nFROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled\nEXPOSE 8080\nWORKDIR /app\nCOPY --link --from=build /app .\nENTRYPOINT [\"./aspnetapp\"]\n"
  },
  {
    "name": ".NET apphost published with -r but without --self-contained is framework-dependent: runtime chiseled (console project), not runtime-deps",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish app/App.csproj -c Release -r linux-x64 -o /out\n\nFROM ubuntu:24.04\nWORKDIR /app\nCOPY --from=build /out .\nENTRYPOINT [\"./App\"]\n",
    "files": {
      "app/App.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\">\n</Project>\n"
    },
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish app/App.csproj -c Release -r linux-x64 -o /out\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /out .\nENTRYPOINT [\"./App\"]\n"
  },
  {
    "name": ".NET self-contained for linux-musl-x64: the RID switches to linux-x64 in restore and publish, runtime-deps chiseled",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet restore -r linux-musl-x64\nRUN dotnet publish -c Release -r linux-musl-x64 --self-contained true --no-restore -o /app\n\nFROM mcr.microsoft.com/dotnet/runtime-deps:9.0-alpine\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"./Worker\"]\n",
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/runtime-deps:9.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet restore -r linux-x64\nRUN dotnet publish -c Release -r linux-x64 --self-contained true --no-restore -o /app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/runtime-deps:9.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"./Worker\"]\n"
  },
  {
    "name": ".NET self-contained on the Alpine SDK with only -a: the musl RID is implicit, so refused",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0-alpine AS build\nARG TARGETARCH\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -a $TARGETARCH --self-contained -o /app\n\nFROM mcr.microsoft.com/dotnet/runtime-deps:9.0-alpine\nCOPY --from=build /app /app\nENTRYPOINT [\"/app/Worker\"]\n",
    "refusal": "the app is published on the Alpine SDK for its own runtime identifier (linux-musl-*), so its native parts need musl and cannot run on the glibc chiseled images: publish with -r linux-<arch> or on the Debian/Ubuntu SDK and convert again"
  },
  {
    "name": ".NET RID from an ARG that names musl: refused",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nARG RID=linux-musl-x64\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -r $RID --self-contained -o /app\n\nFROM mcr.microsoft.com/dotnet/runtime-deps:9.0-alpine\nCOPY --from=build /app /app\nENTRYPOINT [\"/app/Worker\"]\n",
    "refusal": "the app is published for linux-musl-x64 (Alpine's musl), which cannot run on the glibc chiseled images, and the runtime identifier is not written where one edit can switch it: publish for linux-<arch> (or on the Debian/Ubuntu SDK) and convert again"
  },
  {
    "name": ".NET runtime stage that installs native libraries: refused (curl alone would not be)",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/runtime:10.0\nRUN apt-get update && apt-get install -y --no-install-recommends libaio1t64 curl\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Server.dll\"]\n",
    "refusal": "the shipped stage installs OS packages (libaio1t64) that the app may load at run time, and a chiseled image has no package manager to add them: drop them if the app does not need them, or copy their files from a build stage, and convert again"
  },
  {
    "name": "Windows: a Linux runtime stage copying from a Nano Server build stage is refused",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:10.0-nanoserver-ltsc2022 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:10.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n",
    "refusal": "the stage \"build\" runs on the Windows image mcr.microsoft.com/dotnet/sdk:10.0-nanoserver-ltsc2022, and there are no distroless images for Windows containers (Nano Server is already the smallest Windows base)"
  },
  {
    "name": "Python: builder and runtime move to 3.13 together and python3.12 paths follow",
    "dockerfile": "FROM python:3.12 AS builder\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n\nFROM python:3.12-slim\nWORKDIR /app\nCOPY --from=builder /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages\nCOPY . .\nEXPOSE 8000\nCMD [\"python\", \"app.py\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS builder\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n\nFROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY --from=builder /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY . .\nEXPOSE 8000\nCMD [\"python\", \"app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Paths naming python3.12 now name python3.13, the Python the build and the runtime share.\nFROM gcr.io/distroless/python3-debian13:nonroot\nEXPOSE 8000\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"app.py\"]\n"
  },
  {
    "name": "Python: pip install --user as a named non-root user installs under /home/<user>/.local",
    "dockerfile": "FROM python:3.11-slim\nRUN useradd -m app\nUSER app\nWORKDIR /home/app/src\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nRUN useradd -m app\nUSER app\nWORKDIR /home/app/src\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   RUN useradd -m app\n#   USER app\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /home/app/src\nCOPY --from=build /home/app/.local/lib/python3.13/site-packages /home/app/.local/lib/python3.13/site-packages\nCOPY --from=build /home/app/src /home/app/src\nENV PYTHONPATH=/home/app/.local/lib/python3.13/site-packages\nCMD [\"app.py\"]\n"
  },
  {
    "name": "Python: pip install --user as a bare uid (home unknown) is refused",
    "dockerfile": "FROM python:3.13-slim\nRUN useradd -u 1000 -m app\nUSER 1000\nWORKDIR /srv\nCOPY . .\nRUN pip install --user -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    "refusal": "pip install --user runs as user 1000, whose home directory (where the packages go) the Dockerfile does not say: set ENV HOME or PYTHONUSERBASE, or install with --target <dir>, and convert again"
  },
  {
    "name": "Python: BusyBox adduser -D on an Alpine builder that moves to Debian is refused",
    "dockerfile": "FROM python:3.12-alpine\nRUN adduser -D python\nUSER python\nWORKDIR /home/python/app\nCOPY . .\nRUN pip install --user -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    "refusal": "the build runs adduser -D python on an Alpine python image, but packages for the distroless runtime must be built on Debian (python:3.13-slim-trixie), where that command does not exist: replace it with its Debian form (apt-get install, adduser --disabled-password) or drop it, and convert again"
  },
  {
    "name": ".NET: a prebuilt app copied onto aspnet (no SDK, nothing published here) keeps its product on the chiseled tag; nothing is built on the runtime image",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY out/ .\nEXPOSE 8080\nENTRYPOINT [\"dotnet\", \"web.dll\"]\n",
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled",
    "expected": "# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled\nWORKDIR /app\nCOPY out/ .\nEXPOSE 8080\nENTRYPOINT [\"dotnet\", \"web.dll\"]\n"
  },
  {
    "name": ".NET: a prebuilt self-contained app on runtime-deps stays on runtime-deps (it ran there)",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/runtime-deps:10.0\nWORKDIR /app\nCOPY app /app\nENTRYPOINT [\"./myapp\"]\n",
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled",
    "expected": "# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled\nWORKDIR /app\nCOPY app /app\nENTRYPOINT [\"./myapp\"]\n"
  },
  {
    "name": ".NET: a prebuilt app on an Alpine runtime image is refused (its native parts may need musl)",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine\nWORKDIR /app\nCOPY app /app\nENTRYPOINT [\"./myapp\"]\n",
    "refusal": "the app is copied in already built and runs on an Alpine (musl) .NET image; the chiseled images are glibc, and whether the app carries musl-only native parts cannot be read from here: publish it for linux-<arch> (or in an SDK build stage of this Dockerfile) and convert again"
  },
  {
    "name": "Go: a mv written before the build does not move the binary the build writes later",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN mv hello /tmp/hello.old 2>/dev/null; go build && mv hello /usr/local/bin/\nCMD [\"hello\"]\n",
    "files": {
      "go.mod": "module example.com/hello\n\ngo 1.23\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN mv hello /tmp/hello.old 2>/dev/null; CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" && mv hello /usr/local/bin/\nCMD [\"hello\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /usr/local/bin/hello /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "Go: go build without -o then mv into /usr/local/bin: no -o injected, the binary is copied from where mv put it",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build && mv hello /usr/local/bin/\nCMD [\"hello\"]\n",
    "files": {
      "go.mod": "module example.com/hello\n\ngo 1.23\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" && mv hello /usr/local/bin/\nCMD [\"hello\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /usr/local/bin/hello /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "Go: an existing -o followed by mv in a later RUN: the binary is copied from the mv destination",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o app ./cmd/server\nRUN mv app /usr/bin/server\nCMD [\"server\", \"-v\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o app ./cmd/server\nRUN mv app /usr/bin/server\nCMD [\"server\", \"-v\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /usr/bin/server /app\nENTRYPOINT [\"/app\"]\nCMD [\"-v\"]\n"
  },
  {
    "name": "Go: go install tool is not the app; the go build -o binary ships",
    "dockerfile": "FROM golang:1.24\nWORKDIR /src\nCOPY . .\nRUN go install tool && go generate ./... && go build -o /bin/api ./cmd/api\nCMD [\"/bin/api\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go install -trimpath -ldflags=\"-s -w\" tool && go generate ./... && CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /bin/api ./cmd/api\nCMD [\"/bin/api\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /bin/api /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "Go: go install tool alone is no binary called tool: refused",
    "dockerfile": "FROM golang:1.24\nWORKDIR /src\nCOPY . .\nRUN go install tool\nCMD [\"tool\"]\n",
    "refusal": "the binary comes from go install tool, which installs the tools go.mod declares (Go 1.24), not the program: build it with go build -o <path> and start that path"
  },
  {
    "name": "Go: no CMD or ENTRYPOINT: refused rather than inventing a start command",
    "dockerfile": "FROM golang:1.24\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/api .\n",
    "refusal": "the image has no start command (no CMD or ENTRYPOINT in the shipped stage), and the converter does not invent one: add the CMD or ENTRYPOINT that starts the app and convert again"
  },
  {
    "name": "Node: mv node_modules /node_modules ships /node_modules too (no prune of a moved folder)",
    "dockerfile": "FROM node:22\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm ci --omit=dev && mv node_modules /node_modules\nCOPY . .\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]\n",
    "language": "node",
    "runtimeImage": "gcr.io/distroless/nodejs22-debian13:nonroot",
    "expected": "FROM node:22 AS build\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm ci --omit=dev && mv node_modules /node_modules\nCOPY . .\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nEXPOSE 3000\nWORKDIR /usr/src/app\nCOPY --from=build /usr/src/app /usr/src/app\nCOPY --from=build /node_modules /node_modules\nCMD [\"server.js\"]\n"
  },
  {
    "name": "Node: BusyBox adduser -D on an Alpine builder that moves to Debian is refused",
    "dockerfile": "FROM node:20-alpine\nRUN adduser -D app\nWORKDIR /app\nCOPY . .\nRUN npm ci\nUSER app\nCMD [\"node\", \"index.js\"]\n",
    "refusal": "the build runs adduser -D app on an Alpine node image, but the distroless runtime needs node_modules built on Debian (node:22), where that command does not exist: replace it with its Debian form (apt-get install, adduser --disabled-password) or drop it, and convert again"
  },
  {
    "name": ".NET: dotnet app.dll shipped on runtime-deps is framework-dependent: aspnet chiseled (the runtime-deps chiseled image has no .NET runtime)",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/runtime-deps:8.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n",
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n"
  },
  {
    "name": ".NET: an apphost published with -r but without --self-contained, shipped on runtime-deps, is framework-dependent: runtime chiseled for a console project",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish Worker/Worker.csproj -c Release -r linux-x64 -o /app\n\nFROM mcr.microsoft.com/dotnet/runtime-deps:9.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"./Worker\"]\n",
    "files": {
      "Worker/Worker.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\">\n</Project>\n"
    },
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish Worker/Worker.csproj -c Release -r linux-x64 -o /app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"./Worker\"]\n"
  },
  {
    "name": ".NET: the same apphost published --self-contained keeps runtime-deps (it carries its runtime)",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish Worker/Worker.csproj -c Release -r linux-x64 --self-contained -o /app\n\nFROM mcr.microsoft.com/dotnet/runtime-deps:9.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"./Worker\"]\n",
    "files": {
      "Worker/Worker.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\">\n</Project>\n"
    },
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/runtime-deps:9.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish Worker/Worker.csproj -c Release -r linux-x64 --self-contained -o /app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/runtime-deps:9.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"./Worker\"]\n"
  },
  {
    "name": "Windows: a Server Core shipped stage is refused, not moved to a Linux chiseled image",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0-windowsservercore-ltsc2022\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n",
    "refusal": "the shipped stage runs on the Windows image mcr.microsoft.com/dotnet/aspnet:8.0-windowsservercore-ltsc2022, and there are no distroless images for Windows containers (Nano Server is already the smallest Windows base)"
  },
  {
    "name": "Go: -o and mv in the same RUN: -o is kept as written and the binary is copied from where mv put it",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o app . && mv app /usr/bin/\nCMD [\"app\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o app . && mv app /usr/bin/\nCMD [\"app\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /usr/bin/app /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "A file ending in an open heredoc is refused",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\nRUN <<EOF\necho hi\n",
    "refusal": "the file ends inside the heredoc <<EOF opened on line 6: it has no line that is exactly \"EOF\" (no spaces around it) to close it. Add that line"
  },
  {
    "name": "A file ending in a dangling line continuation is refused",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\nRUN echo \\\n",
    "refusal": "the file ends with a line continuation (\\ at the end of line 6), so anything added at the end would become part of that RUN instruction. Remove the \\ or finish the instruction"
  },
  {
    "name": "Python: an existing PYTHONPATH that already names the packages is kept whole, not narrowed to the packages alone",
    "dockerfile": "FROM python:3.13\nWORKDIR /app\nENV PYTHONPATH=/app/lib:/usr/local/lib/python3.13/site-packages\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nENV PYTHONPATH=/app/lib:/usr/local/lib/python3.13/site-packages\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nENV PYTHONPATH=/app/lib:/usr/local/lib/python3.13/site-packages\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/app/lib:/usr/local/lib/python3.13/site-packages\nCMD [\"app.py\"]\n"
  }
];

conversionCaseTests('convert pattern', CASES);

const REALWORLD = path.resolve(__dirname, '../../../../../shared/corpus/realworld');

test('convert pattern: the Microsoft .NET console sample from the corpus keeps its builder and its registry ARG', (t) => {
  const file = path.join(REALWORLD, 'chainguard-dev__cs-workshop/dotnet/not-linky/Dockerfile');
  if (!fs.existsSync(file)) {
    if (process.env.CI === 'true') assert.fail(`corpus missing at ${file}`);
    t.skip(`corpus not found at ${file}`);
    return;
  }
  const text = fs.readFileSync(file, 'utf8');
  const result = convert(text, {});
  assert.ok(result.ok, result.ok ? '' : result.reason);
  const runtimeAt = text.indexOf('FROM ${IMAGE_REGISTRY}/dotnet/runtime:9.0');
  // Everything before the runtime stage (the builder) is byte for byte the same.
  assert.equal(result.text.slice(0, runtimeAt), text.slice(0, runtimeAt));
  assert.equal(result.text.slice(runtimeAt), [
    '# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).',
    '# Not carried over from the original stage, because they cannot run here or do not apply:',
    '#   USER $APP_UID',
    'FROM ${IMAGE_REGISTRY}/dotnet/runtime:9.0-noble-chiseled',
    'WORKDIR /app',
    'COPY --link --from=build /app .',
    'ENTRYPOINT ["./dotnetapp"]',
    '',
  ].join('\n'));
  assert.equal(result.runtimeImage, 'mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled');
  assert.ok(!/RUN dotnet/.test(result.text.slice(runtimeAt)), 'nothing is built in the runtime image');
});
