import { ruleTable } from '../../support/ruleTable';

ruleTable('python-abi-mismatch', [
  {
    name: 'pip --target on 3.11 copied into python3-debian13 (3.13)',
    dockerfile: 'FROM python:3.11-slim AS build\nRUN pip install --target=/deps -r requirements.txt\nFROM gcr.io/distroless/python3-debian13:nonroot\nCOPY --from=build /deps /deps\n',
    expect: [{ range: '3:18-3:29', message: 'Python 3.11', fixed: 'FROM python:3.13-slim-trixie AS build\nRUN pip install --target=/deps -r requirements.txt\nFROM gcr.io/distroless/python3-debian13:nonroot\nCOPY --from=build /deps /deps\n', fixAll: false }],
  },
  {
    name: 'a venv from an Alpine builder, through a stage built on it',
    dockerfile: 'FROM python:3.12-alpine AS base\nFROM base AS build\nRUN python -m venv /venv && /venv/bin/pip install flask\nFROM gcr.io/distroless/python3-debian13:nonroot\nCOPY --from=build /venv /venv\n',
    expect: [{ range: '4:18-4:29', fixed: 'FROM python:3.13-slim-trixie AS base\nFROM base AS build\nRUN python -m venv /venv && /venv/bin/pip install flask\nFROM gcr.io/distroless/python3-debian13:nonroot\nCOPY --from=build /venv /venv\n' }],
  },
  {
    name: 'a site-packages path naming the old version: no fix, since the path would change too',
    dockerfile: 'FROM python:3.12 AS build\nRUN pip install flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /usr/local/lib/python3.12/site-packages /site\n',
    expect: [{ range: '3:18-3:63', message: 'copy from its python3.13 directory' }],
  },
  {
    name: 'python3-debian12 runs 3.11: no builder change offered for another release',
    dockerfile: 'FROM python:3.12-slim AS build\nRUN pip install --prefix=/install flask\nFROM gcr.io/distroless/python3-debian12\nCOPY --from=build /install /usr/local\n',
    expect: [{ range: '3:18-3:37', message: 'Python 3.11' }],
  },
  {
    name: 'matching minor version',
    dockerfile: 'FROM python:3.13-slim AS build\nRUN pip install --target=/deps flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /deps /deps\n',
    expect: [],
  },
  {
    name: 'copying only the code is fine',
    dockerfile: 'FROM python:3.11 AS build\nRUN pip install --target=/deps flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /app/main.py /app/\n',
    expect: [],
  },
  {
    name: 'a digest-pinned builder is reported without a fix',
    dockerfile: 'FROM python:3.11@sha256:abcd AS build\nRUN pip install --target=/deps flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /deps /deps\n',
    expect: [{ range: '3:18-3:29' }],
  },
  {
    name: 'pip --target=/app/deps copied as part of its parent /app',
    dockerfile: 'FROM python:3.11-slim AS build\nWORKDIR /app\nCOPY . .\nRUN pip install --target=/app/deps -r requirements.txt\nFROM gcr.io/distroless/python3-debian13:nonroot\nCOPY --from=build /app /app\nENV PYTHONPATH=/app/deps\nCMD ["main.py"]\n',
    expect: [{ range: '5:18-5:27', message: 'Python 3.11', fixed: 'FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nRUN pip install --target=/app/deps -r requirements.txt\nFROM gcr.io/distroless/python3-debian13:nonroot\nCOPY --from=build /app /app\nENV PYTHONPATH=/app/deps\nCMD ["main.py"]\n', fixAll: false }],
  },
  {
    name: 'a relative --target resolves under the WORKDIR, and COPY with extra flags is read',
    dockerfile: 'FROM python:3.12-slim AS build\nWORKDIR /app\nRUN pip install --target deps flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --link --chown=65532:65532 --from=build /app/ /app/\n',
    expect: [{ range: '4:45-4:56', message: 'Python 3.12', fixed: 'FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nRUN pip install --target deps flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --link --chown=65532:65532 --from=build /app/ /app/\n', fixAll: false }],
  },
  {
    name: 'a global pip install copied with /usr/local',
    dockerfile: 'FROM python:3.11-slim AS build\nRUN pip install flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /usr/local /usr/local\n',
    expect: [{ range: '3:18-3:39', message: 'Python 3.11', fixed: 'FROM python:3.13-slim-trixie AS build\nRUN pip install flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /usr/local /usr/local\n', fixAll: false }],
  },
  {
    name: 'a sibling directory of the packages is not the packages',
    dockerfile: 'FROM python:3.11-slim AS build\nWORKDIR /app\nRUN pip install --target=/app/deps flask\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /app/src /app/src\n',
    expect: [],
  },
  {
    name: 'a requirement with no wheels for 3.13 (tensorflow==2.17.0): no builder move offered, the message names the pin',
    dockerfile: 'FROM python:3.11-slim AS build\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --target=/app/deps -r requirements.txt\nFROM gcr.io/distroless/python3-debian13:nonroot\nCOPY --from=build /app /app\n',
    files: { 'requirements.txt': 'flask==3.0.3\ntensorflow==2.17.0\n' },
    expect: [{ range: '5:18-5:27', message: 'First raise tensorflow==2.17.0 to 2.20.0 or later: earlier releases have no wheels for Python 3.13, so pip install would fail there.' }],
  },
  {
    name: 'a pin on the pip command line is read too; a pin with wheels keeps the fix',
    dockerfile: 'FROM python:3.12 AS build\nRUN pip install --target=/deps "numpy<2"\nFROM python:3.12 AS ok\nRUN pip install --target=/deps numpy==2.1.3\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /deps /deps\nCOPY --from=ok /deps /ok\n',
    expect: [
      { range: '5:18-5:29', message: 'First raise numpy<2 to 2.1.0 or later' },
      { range: '6:15-6:24', fixed: 'FROM python:3.12 AS build\nRUN pip install --target=/deps "numpy<2"\nFROM python:3.13-slim-trixie AS ok\nRUN pip install --target=/deps numpy==2.1.3\nFROM gcr.io/distroless/python3-debian13\nCOPY --from=build /deps /deps\nCOPY --from=ok /deps /ok\n', fixAll: false },
    ],
  },
]);
