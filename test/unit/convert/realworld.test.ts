/**
 * Patterns found converting the real-world corpus (../shared/corpus/realworld) that made
 * a conversion fail to build or start: each converts to the exact text below or is
 * refused with the exact reason.
 */
import { conversionCaseTests, type ConversionCase } from './support';


const CASES: ConversionCase[] = [
  {
    "name": "Python on Red Hat UBI (ubi9/python-312): the builder becomes the official python:3.13-slim-trixie, not a python-312 tag that does not exist",
    "dockerfile": "FROM registry.access.redhat.com/ubi9/python-312:latest\nENV PATH=\"/app/venv/bin:$PATH\"\nWORKDIR /app\nRUN python -m venv /app/venv\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY app.py ./\nENTRYPOINT [\"python\", \"/app/app.py\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nENV PATH=\"/app/venv/bin:$PATH\"\nWORKDIR /app\nRUN python -m venv /app/venv\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY app.py ./\nENTRYPOINT [\"python\", \"/app/app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nENV PATH=\"/app/venv/bin:$PATH\"\nWORKDIR /app\nCOPY --from=build /app /app\nENV PYTHONPATH=/app/venv/lib/python3.13/site-packages\nCMD [\"/app/app.py\"]\n"
  },
  {
    "name": "Python on UBI installing with dnf: refused, the Debian builder has no dnf",
    "dockerfile": "FROM registry.access.redhat.com/ubi9/python-312:latest\nUSER root\nWORKDIR /app\nCOPY . /app/\nRUN dnf install -y libpq-devel && python -m venv /app/venv && /app/venv/bin/pip install -r requirements.txt\nUSER 1001\nENTRYPOINT [\"python\", \"app.py\"]\n",
    "refusal": "the build runs dnf install -y on registry.access.redhat.com/ubi9/python-312:latest, but packages for the distroless runtime must be built on Debian (python:3.13-slim-trixie), where dnf does not exist: install with apt-get instead, or drop it, and convert again"
  },
  {
    "name": "Node.js on UBI (ubi9/nodejs-20): the builder becomes the official node image",
    "dockerfile": "FROM registry.access.redhat.com/ubi9/nodejs-20:latest\nWORKDIR /opt/app-root/src\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
    "language": "node",
    "runtimeImage": "gcr.io/distroless/nodejs24-debian13:nonroot",
    "expected": "FROM node:24 AS build\nWORKDIR /opt/app-root/src\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/nodejs24-debian13:nonroot\nWORKDIR /opt/app-root/src\nCOPY --from=build /opt/app-root/src /opt/app-root/src\nCMD [\"server.js\"]\n"
  },
  {
    "name": "Node.js on UBI installing with microdnf: refused",
    "dockerfile": "FROM registry.access.redhat.com/ubi9/nodejs-20:latest\nUSER 0\nRUN microdnf install -y git\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"node\", \"server.js\"]\n",
    "refusal": "the build runs microdnf install -y on registry.access.redhat.com/ubi9/nodejs-20:latest, but the distroless runtime needs node_modules built on Debian (node:24), where microdnf does not exist: install with apt-get instead, or drop it, and convert again"
  },
  {
    "name": "Java: a file the start command's arguments name (./image.jpg, copied into the build) ships beside the jar",
    "dockerfile": "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn dependency:go-offline\nCOPY src ./src\nRUN mvn clean package -DskipTests\nCOPY image.jpg ./image.jpg\nENTRYPOINT [\"java\", \"-jar\", \"target/ascii-converter-1.0-SNAPSHOT.jar\", \"./image.jpg\", \"120\", \"60\"]\n",
    "language": "java",
    "runtimeImage": "gcr.io/distroless/java17-debian13:nonroot",
    "expected": "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn dependency:go-offline\nCOPY src ./src\nRUN mvn clean package -DskipTests\nCOPY image.jpg ./image.jpg\nENTRYPOINT [\"java\", \"-jar\", \"target/ascii-converter-1.0-SNAPSHOT.jar\", \"./image.jpg\", \"120\", \"60\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/java17-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /app/target/ascii-converter-1.0-SNAPSHOT.jar /app/app.jar\nCOPY --from=build /app/image.jpg /app/image.jpg\nCMD [\"/app/app.jar\", \"./image.jpg\", \"120\", \"60\"]\n"
  },
  {
    "name": "Go: a config file named in CMD and present in the build context under COPY . . ships; a path the context does not hold does not",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/api .\nCMD [\"/bin/api\", \"--config\", \"config/app.yaml\", \"--out\", \"data/out.json\"]\n",
    "files": {
      "go.mod": "module example.com/api\n",
      "config/app.yaml": "port: 8080\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /bin/api .\nCMD [\"/bin/api\", \"--config\", \"config/app.yaml\", \"--out\", \"data/out.json\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /bin/api /app\nCOPY --from=build /src/config/app.yaml /src/config/app.yaml\nENTRYPOINT [\"/app\"]\nCMD [\"--config\", \"config/app.yaml\", \"--out\", \"data/out.json\"]\n"
  },
  {
    "name": "Python: a settings file outside the app directory, copied by name, ships too",
    "dockerfile": "FROM python:3.13\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCOPY settings.toml /etc/app/settings.toml\nCMD [\"python\", \"main.py\", \"/etc/app/settings.toml\"]\n",
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCOPY settings.toml /etc/app/settings.toml\nCMD [\"python\", \"main.py\", \"/etc/app/settings.toml\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nCOPY --from=build /etc/app/settings.toml /etc/app/settings.toml\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"main.py\", \"/etc/app/settings.toml\"]\n"
  },
  {
    "name": "A development image that starts the Delve debugger (argo-cd's Dockerfile.tilt): refused, the debugger alone is not the app",
    "dockerfile": "FROM golang:1.26\nRUN apt-get update && apt-get install -y --no-install-recommends tini git\nRUN go install github.com/go-delve/delve/cmd/dlv@latest\nCOPY .tilt-bin/argocd_linux /usr/local/bin/argocd\nENTRYPOINT [\"/usr/bin/tini\", \"-s\", \"--\", \"dlv\", \"exec\", \"--continue\", \"--accept-multiclient\", \"--headless\", \"--listen=:2345\", \"--api-version=2\"]\n",
    "refusal": "the start command runs the Delve debugger (dlv), which starts and debugs another program at run time: this is a development image, and shipping the debugger alone would not run the app; convert the Dockerfile that starts the program itself"
  },
  {
    "name": ".NET: COPY --chown=$APP_UID in a replaced stage becomes the chiseled image's app user 1654, not 65532",
    "dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS publish\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app/publish\n\nFROM mcr.microsoft.com/dotnet/aspnet:9.0 AS final\nEXPOSE 8080\nUSER $APP_UID\nWORKDIR /app\nCOPY --from=publish --chown=$APP_UID /app/publish .\nENTRYPOINT [\"./Sample.WebApp\"]\n",
    "language": "dotnet",
    "runtimeImage": "mcr.microsoft.com/dotnet/aspnet:9.0-noble-chiseled",
    "expected": "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS publish\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app/publish\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the original stage, because they cannot run here or do not apply:\n#   USER $APP_UID\nFROM mcr.microsoft.com/dotnet/aspnet:9.0-noble-chiseled AS final\nEXPOSE 8080\nWORKDIR /app\nCOPY --from=publish --chown=1654:1654 /app/publish .\nENTRYPOINT [\"./Sample.WebApp\"]\n"
  },
  {
    "name": "Python with mysqlclient (source-only, links libmariadb): refused, the distroless runtime has no libmariadb",
    "dockerfile": "FROM python:3.13-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN apt-get update && apt-get install -y --no-install-recommends pkg-config default-libmysqlclient-dev build-essential && pip install --no-cache-dir -r requirements.txt\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n",
    "files": {
      "requirements.txt": "mysqlclient==2.2.4"
    },
    "refusal": "the app installs mysqlclient, which is built from source against the MySQL/MariaDB client library (libmariadb) and loads it when imported; the distroless python3 image does not have that library, so the app would fail to start: use a pure-Python driver (PyMySQL), or copy the library and what it links to from the build stage by hand, and convert again"
  },
  {
    "name": "Go: with a .dockerignore (which may leave it out of the context) a config file under COPY . . is not copied by name",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/api .\nCMD [\"/bin/api\", \"--config\", \"config/app.yaml\"]\n",
    "files": {
      "go.mod": "module example.com/api\n",
      "config/app.yaml": "port: 8080\n",
      ".dockerignore": "config/app.yaml\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /bin/api .\nCMD [\"/bin/api\", \"--config\", \"config/app.yaml\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /bin/api /app\nENTRYPOINT [\"/app\"]\nCMD [\"--config\", \"config/app.yaml\"]\n"
  },
  {
    "name": "Go: a config file the build removes is not copied",
    "dockerfile": "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/api . && rm -f config/app.yaml\nCMD [\"/bin/api\", \"--config\", \"config/app.yaml\"]\n",
    "files": {
      "go.mod": "module example.com/api\n",
      "config/app.yaml": "port: 8080\n"
    },
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /bin/api . && rm -f config/app.yaml\nCMD [\"/bin/api\", \"--config\", \"config/app.yaml\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /bin/api /app\nENTRYPOINT [\"/app\"]\nCMD [\"--config\", \"config/app.yaml\"]\n"
  },
  {
    "name": "Python with psycopg (not -binary) named in pyproject.toml: refused",
    "dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install .\nCMD [\"python\", \"main.py\"]\n",
    "files": {
      "pyproject.toml": "[project]\nname = \"svc\"\ndependencies = [\n  \"flask>=3\",\n  \"psycopg2>=2.9\",\n]\n"
    },
    "refusal": "the app installs psycopg2, which is built from source against PostgreSQL's libpq and loads it when imported; the distroless python3 image does not have that library, so the app would fail to start: use psycopg2-binary or psycopg[binary], whose wheels bundle libpq, or copy the library and what it links to from the build stage by hand, and convert again"
  },
  {
    "name": "Python with psycopg2-binary (its wheel bundles libpq) and libpq-dev installed: converts",
    "dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN apt-get update && apt-get install -y libpq-dev && pip install --no-cache-dir -r requirements.txt\nCOPY . .\n# mysqlclient is not used any more\nEXPOSE 5000\nCMD [\"python\", \"app.py\"]\n",
    "files": {
      "requirements.txt": "Flask==2.3.3\npsycopg2-binary==2.9.10\n# mysqlclient==2.2.4 was dropped\n"
    },
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY requirements.txt .\nRUN apt-get update && apt-get install -y libpq-dev && pip install --no-cache-dir -r requirements.txt\nCOPY . .\n# mysqlclient is not used any more\nEXPOSE 5000\nCMD [\"python\", \"app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage \"build\", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y libpq-dev && pip install --no-cache-dir -r requirements.txt\nFROM gcr.io/distroless/python3-debian13:nonroot\n# mysqlclient is not used any more\nEXPOSE 5000\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"app.py\"]\n"
  },
  {
    "name": "Python on docker.io/library/python (the official image, spelt in full) keeps that spelling; only the tag moves",
    "dockerfile": "FROM docker.io/library/python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    "files": {
      "requirements.txt": "flask==3.0.0\n"
    },
    "language": "python",
    "runtimeImage": "gcr.io/distroless/python3-debian13:nonroot",
    "expected": "FROM docker.io/library/python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"app.py\"]\n"
  }
];

conversionCaseTests('convert real-world pattern', CASES);
