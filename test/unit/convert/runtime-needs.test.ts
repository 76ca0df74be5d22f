/**
 * The nine patterns of issue 24 that made conversions of public Dockerfiles fail to
 * build or start: each converts to the exact text below or is refused with the exact
 * one-line reason, which names the image or stage it means. The number in front of
 * each name is the pattern's number in docs/conversion.md.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildModel, stageChainFromBase, startCommand } from '../../../server/src/engine/testing';
import { conversionCaseTests, type ConversionCase } from './support';

const CASES: ConversionCase[] = [
  {
    "name": "1. ENTRYPOINT [\"streamlit\"] after a CMD in the same stage: BuildKit keeps the CMD, so streamlit run /app/chat.py runs as python -m streamlit",
    "dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nEXPOSE 8501\nCMD [\"run\", \"/app/chat.py\"]\nENTRYPOINT [\"streamlit\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nEXPOSE 8501\nCMD [\"run\", \"/app/chat.py\"]\nENTRYPOINT [\"streamlit\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nEXPOSE 8501\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"-m\", \"streamlit\", \"run\", \"/app/chat.py\"]\n"
  },
  {
    "name": "1. ENTRYPOINT [\"python\"] after CMD [\"/app/job.py\"] in the same stage: the script is kept",
    "dockerfile": "FROM python:3.13\nWORKDIR /app\nCOPY . .\nCMD [\"/app/job.py\"]\nENTRYPOINT [\"python\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nCMD [\"/app/job.py\"]\nENTRYPOINT [\"python\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /app /app\nCMD [\"/app/job.py\"]\n"
  },
  {
    "name": "1. ENTRYPOINT [\"python\"] in a stage built on one whose CMD names the script: the inherited CMD is reset, refused naming the stage",
    "dockerfile": "FROM python:3.13 AS base\nWORKDIR /app\nCOPY . .\nCMD [\"/app/job.py\"]\n\nFROM base\nENTRYPOINT [\"python\"]\n",
    "refusal": "the start command runs python without a script in the stage FROM base (its ENTRYPOINT resets the CMD inherited from the stage it builds on, as docker build does): give python the script to run in CMD or ENTRYPOINT of that stage, and convert again"
  },
  {
    "name": "1. Go: CMD written before ENTRYPOINT in the same stage stays the binary's arguments",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/api .\nCMD [\"--port\", \"8080\"]\nENTRYPOINT [\"/bin/api\"]\n",
    "files": {
      "go.mod": "module example.com/api\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /bin/api .\nCMD [\"--port\", \"8080\"]\nENTRYPOINT [\"/bin/api\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /bin/api /app\nENTRYPOINT [\"/app\"]\nCMD [\"--port\", \"8080\"]\n"
  },
  {
    "name": "2. WORKDIR /root/ kept on a nonroot image: the app moves to /home/nonroot (distroless /root is 0700 root)",
    "dockerfile": "FROM golang:1.23 AS builder\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\n\nFROM debian:bookworm-slim\nWORKDIR /root/\nCOPY --from=builder /src/app .\nEXPOSE 8080\nCMD [\"./app\"]\n",
    "files": {
      "go.mod": "module example.com/app\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS builder\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o app .\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Paths under /root now name /home/nonroot: /root is readable only by root there, and the image runs as a non-root user.\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /home/nonroot/\nCOPY --from=builder /src/app .\nEXPOSE 8080\nENTRYPOINT [\"./app\"]\n"
  },
  {
    "name": "2. pip install --user as root puts packages under /root/.local: they and the app move to /home/nonroot, PYTHONPATH too",
    "dockerfile": "FROM python:3.13-slim\nWORKDIR /root/app\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\nCOPY . .\nCMD [\"python\", \"/root/app/main.py\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /root/app\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\nCOPY . .\nCMD [\"python\", \"/root/app/main.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Paths under /root now name /home/nonroot: /root is readable only by root there, and the image runs as a non-root user.\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /home/nonroot/app\nCOPY --from=build /root/.local/lib/python3.13/site-packages /home/nonroot/.local/lib/python3.13/site-packages\nCOPY --from=build /root/app /home/nonroot/app\nENV PYTHONPATH=/home/nonroot/.local/lib/python3.13/site-packages\nCMD [\"/home/nonroot/app/main.py\"]\n"
  },
  {
    "name": "3. .NET app that looks up a time zone, shipped on Debian runtime-deps: -chiseled-extra (ICU and tzdata), not plain -chiseled",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/runtime-deps:9.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Clock.dll\"]\n",
    "files": {
      "Clock.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\">\n</Project>\n",
      "Program.cs": "var tz = TimeZoneInfo.FindSystemTimeZoneById(\"Europe/Paris\");\nConsole.WriteLine(TimeZoneInfo.ConvertTime(DateTime.UtcNow, tz));\n"
    },
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled-extra",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled-extra\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Clock.dll\"]\n"
  },
  {
    "name": "3. .NET runtime stage installing libicu and tzdata with invariant mode off: -chiseled-extra, and the packages are not a reason to refuse",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nRUN apt-get update && apt-get install -y libicu72 tzdata\nENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n",
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled-extra",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the original stage, because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y libicu72 tzdata\nFROM mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled-extra\nENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n"
  },
  {
    "name": "3. .NET project with InvariantGlobalization true: plain -chiseled even when the code names a culture",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:9.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n",
    "files": {
      "Web.csproj": "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n<PropertyGroup><InvariantGlobalization>true</InvariantGlobalization></PropertyGroup>\n</Project>\n",
      "Program.cs": "var c = new CultureInfo(\"fr-FR\");\n"
    },
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/aspnet:9.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM mcr.microsoft.com/dotnet/aspnet:9.0-noble-chiseled\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n"
  },
  {
    "name": "4. Python 3.11 builder moved to 3.13 while requirements pin tensorflow==2.17.0 (no cp313 wheels): refused naming the pin",
    "dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"serve.py\"]\n",
    "files": {
      "requirements.txt": "flask==3.0.3\ntensorflow==2.17.0\n"
    },
    "refusal": "the build moves from python:3.11-slim to python:3.13-slim-trixie (the distroless runtime's Python 3.13), and tensorflow==2.17.0 has no wheels for Python 3.13 (the first release with them is 2.20.0), so pip install in the stage FROM python:3.11-slim would fail: raise the pin to 2.20.0 or later, and convert again"
  },
  {
    "name": "4. numpy<2 allows only releases without cp313 wheels: refused",
    "dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    "files": {
      "requirements.txt": "numpy<2\npandas>=2.2\n"
    },
    "refusal": "the build moves from python:3.12 to python:3.13-slim-trixie (the distroless runtime's Python 3.13), and numpy<2 has no wheels for Python 3.13 (the first release with them is 2.1.0), so pip install in the stage FROM python:3.12 would fail: raise the pin to 2.1.0 or later, and convert again"
  },
  {
    "name": "4. numpy==2.1.3 has cp313 wheels: converts",
    "dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    "files": {
      "requirements.txt": "numpy==2.1.3\n"
    },
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"app.py\"]\n"
  },
  {
    "name": "5. A runtime stage that installs git, rpm and xz beside a Go binary (the app runs them): refused naming them and the stage",
    "dockerfile": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/scanner .\n\nFROM alpine:3.20\nRUN apk add --no-cache git rpm xz ca-certificates\nCOPY --from=build /out/scanner /usr/local/bin/scanner\nENTRYPOINT [\"/usr/local/bin/scanner\"]\n",
    "files": {
      "go.mod": "module example.com/scanner\n"
    },
    "refusal": "the stage FROM alpine:3.20 installs git, rpm, xz with apk, which the app may run or load at run time, and a distroless image has no package manager to add them: drop them if the app does not use them, or convert with --build (which carries the files the program uses), and convert again"
  },
  {
    "name": "5. A Python app whose build installs ffmpeg (a program apps run): refused; gcc (a build tool) alone would not be",
    "dockerfile": "FROM python:3.13-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ffmpeg gcc && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"worker.py\"]\n",
    "refusal": "the stage FROM python:3.13-slim installs ffmpeg with apt-get, which the app may run or load at run time, and a distroless image has no package manager to add it: drop it if the app does not use it, or convert with --build (which carries the files the program uses), and convert again"
  },
  {
    "name": "6. A C program linked against libncursesw from apt (libncursesw5-dev): refused, cc-debian13 has no libncursesw",
    "dockerfile": "FROM gcc:14\nRUN apt-get update && apt-get install -y libncursesw5-dev\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/tui main.c -lncursesw\nCMD [\"/usr/local/bin/tui\"]\n",
    "refusal": "the native program is built in the stage FROM gcc:14 after installing libncursesw5-dev, so it links its library, which the distroless cc image does not have: link statically, copy the shared libraries from the build stage by hand, or convert with --build (which finds and copies them), and convert again"
  },
  {
    "name": "7. An app that mounts the Docker socket needs root: refused",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/agent .\nVOLUME /var/run/docker.sock\nCMD [\"/bin/agent\"]\n",
    "files": {
      "go.mod": "module example.com/agent\n"
    },
    "refusal": "the stage FROM golang:1.23 uses the Docker socket (/var/run/docker.sock), which only root or the host's docker group can open, and the distroless image runs as the non-root user 65532: this app needs root, so it is not converted"
  },
  {
    "name": "8. ./start written by printf in the build is a shell script, not a program: refused naming the command that writes it",
    "dockerfile": "FROM gcc:14\nWORKDIR /app\nCOPY . .\nRUN gcc -O2 -o server server.c && printf '#!/bin/sh\\nexec ./server --port 8080\\n' > start && chmod +x start\nCMD [\"./start\"]\n",
    "refusal": "the start command runs /app/start, a shell script the build writes (printf #!/bin/sh\\nexec ./server --port 8080\\n > start), and the runtime image has no shell: start the program the script runs directly (put its settings in ENV), or convert with --build, and convert again"
  },
  {
    "name": "8. A start file copied from the build context that begins with #!/bin/sh: refused naming the file",
    "dockerfile": "FROM golang:1.23\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nCOPY start /app/start\nCMD [\"/app/start\"]\n",
    "files": {
      "go.mod": "module example.com/server\n",
      "start": "#!/bin/sh\nset -e\nexec /app/server \"$@\"\n"
    },
    "refusal": "the start command runs /app/start, a shell script (start in the build context begins with #!/bin/sh), and the runtime image has no shell: start the program the script runs directly (put its settings in ENV), or convert with --build, and convert again"
  },
  {
    "name": "9. node:16 builder moved to node:22 (Debian trixie) while apt-get installs python: refused naming the package and python3 instead",
    "dockerfile": "FROM node:16\nRUN apt-get update && apt-get install -y python make g++\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
    "refusal": "the build moves from node:16 to node:22 (Debian trixie) to match the runtime, and trixie has no apt package python, so apt-get install in the stage FROM node:16 would fail: install python3 instead, and convert again"
  },
  {
    "name": "9. python:3.10-slim-bookworm moved to trixie while apt-get installs libgl1-mesa-glx: refused, libgl1 instead",
    "dockerfile": "FROM python:3.10-slim-bookworm\nRUN apt-get update && apt-get install -y libgl1-mesa-glx\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    "refusal": "the build moves from python:3.10-slim-bookworm to python:3.13-slim-trixie (Debian trixie) to match the runtime, and trixie has no apt package libgl1-mesa-glx, so apt-get install in the stage FROM python:3.10-slim-bookworm would fail: install libgl1 instead, and convert again"
  },
  {
    "name": "6. Rust linking libssl (libssl-dev): converts, cc-debian13 carries libssl",
    "dockerfile": "FROM rust:1.82\nRUN apt-get update && apt-get install -y pkg-config libssl-dev\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD [\"/src/target/release/api\"]\n",
    "files": {
      "Cargo.toml": "[package]\nname = \"api\"\n"
    },
    "language": "rust",
    "runtimeImage": "gcr.io/distroless/cc-debian13:nonroot",
    "expected": "FROM rust:1.82 AS build\nRUN apt-get update && apt-get install -y pkg-config libssl-dev\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD [\"/src/target/release/api\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y pkg-config libssl-dev\nFROM gcr.io/distroless/cc-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /src/target/release/api /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "6. Go built with CGO_ENABLED=0 after installing libsqlite3-dev: converts (the static binary links nothing)",
    "dockerfile": "FROM golang:1.23\nRUN apt-get update && apt-get install -y libsqlite3-dev\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/api .\nCMD [\"/bin/api\"]\n",
    "files": {
      "go.mod": "module example.com/api\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nRUN apt-get update && apt-get install -y libsqlite3-dev\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /bin/api .\nCMD [\"/bin/api\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y libsqlite3-dev\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /bin/api /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "name": "5. A runtime stage that installs only ca-certificates and tzdata beside a Go binary: converts (distroless has both)",
    "dockerfile": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/api .\n\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y ca-certificates tzdata && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /out/api /usr/local/bin/api\nENTRYPOINT [\"/usr/local/bin/api\"]\n",
    "files": {
      "go.mod": "module example.com/api\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/api .\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the original stage, because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y ca-certificates tzdata && rm -rf /var/lib/apt/lists/*\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /out/api /usr/local/bin/api\nENTRYPOINT [\"/usr/local/bin/api\"]\n"
  },
  {
    "name": "9. node:18-bookworm moved to node:22-bookworm keeps bookworm, whose apt has python3-distutils: converts",
    "dockerfile": "FROM node:18-bookworm\nRUN apt-get update && apt-get install -y python3-distutils\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
    "language": "node",
    "runtimeImage": "gcr.io/distroless/nodejs22-debian13:nonroot",
    "expected": "FROM node:22-bookworm AS build\nRUN apt-get update && apt-get install -y python3-distutils\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y python3-distutils\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /app /app\nCMD [\"server.js\"]\n"
  },
  {
    "name": "7. EXPOSE 80 on a nonroot image: converts, and the comment says Docker lets it bind while Kubernetes does not by default",
    "dockerfile": "FROM python:3.13\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nEXPOSE 80\nCMD [\"python\", \"-m\", \"gunicorn\", \"-b\", \"0.0.0.0:80\", \"app:app\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nEXPOSE 80\nCMD [\"python\", \"-m\", \"gunicorn\", \"-b\", \"0.0.0.0:80\", \"app:app\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Port 80 is below 1024 and the image runs as a non-root user: Docker lets it bind it, Kubernetes does not by default; listen on 1024 or above (8080) there.\nFROM gcr.io/distroless/python3-debian13:nonroot\nEXPOSE 80\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"-m\", \"gunicorn\", \"-b\", \"0.0.0.0:80\", \"app:app\"]\n"
  }
];

conversionCaseTests('runtime needs', CASES);

/**
 * The start command as docker build leaves it in the image: BuildKit's dispatchEntrypoint
 * (frontend/dockerfile/dockerfile2llb/convert.go) clears Config.Cmd at an ENTRYPOINT only
 * when no CMD was set in the same stage; a shell-form ENTRYPOINT ignores CMD when run.
 */
const START_RULES: Array<{ name: string; dockerfile: string; words: string[]; entrypointLength: number }> = [
  { name: 'CMD then ENTRYPOINT in one stage: both', dockerfile: 'FROM debian\nCMD ["run", "a.py"]\nENTRYPOINT ["streamlit"]\n', words: ['streamlit', 'run', 'a.py'], entrypointLength: 1 },
  { name: 'ENTRYPOINT then CMD in one stage: both', dockerfile: 'FROM debian\nENTRYPOINT ["streamlit"]\nCMD ["run", "a.py"]\n', words: ['streamlit', 'run', 'a.py'], entrypointLength: 1 },
  { name: 'CMD inherited from a parent stage, ENTRYPOINT in the child: CMD reset', dockerfile: 'FROM debian AS base\nCMD ["a.py"]\nFROM base\nENTRYPOINT ["python"]\n', words: ['python'], entrypointLength: 1 },
  { name: 'ENTRYPOINT inherited, CMD in the child: both', dockerfile: 'FROM debian AS base\nENTRYPOINT ["python"]\nFROM base\nCMD ["a.py"]\n', words: ['python', 'a.py'], entrypointLength: 1 },
  { name: 'CMD inherited, then ENTRYPOINT and CMD in the child: the child\'s CMD', dockerfile: 'FROM debian AS base\nCMD ["a.py"]\nFROM base\nENTRYPOINT ["python"]\nCMD ["b.py"]\n', words: ['python', 'b.py'], entrypointLength: 1 },
  { name: 'CMD, ENTRYPOINT, ENTRYPOINT in one stage: CMD still kept', dockerfile: 'FROM debian\nCMD ["x"]\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n', words: ['b', 'x'], entrypointLength: 1 },
  { name: 'shell-form ENTRYPOINT: CMD not passed', dockerfile: 'FROM debian\nCMD ["x"]\nENTRYPOINT /bin/app --flag\n', words: ['/bin/app', '--flag'], entrypointLength: 2 },
];

for (const c of START_RULES) {
  test(`start command as BuildKit builds it: ${c.name}`, () => {
    const model = buildModel(c.dockerfile);
    const shipped = model.shipped;
    assert.ok(shipped);
    const start = startCommand(model, stageChainFromBase(shipped));
    assert.deepEqual(start, { words: c.words, entrypointLength: c.entrypointLength });
  });
}
