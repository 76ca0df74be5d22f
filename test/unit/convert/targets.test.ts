/**
 * convert --to: the image family the converted file ships on. Each runtime the converter
 * supports moves to the family's documented equivalent (its image, the start command
 * that image needs, the owner its user needs), or is refused with the reason. The
 * configuration key, the flag, and the editor's Convert.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { convert } from '../../../server/src/engine/testing';
import { ConfigError, validateConfig } from '../../../server/src/host/config';
import { makeProject, runCli } from '../../support/cli';
import { FACTS_DATE } from '../../support/ruleTable';
import { assertCleanConversion } from './support';

const GO = 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /usr/local/bin/app .\nCMD ["app"]\n';
const NODE = 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n';

test('a static Go binary: the same file on each family\'s static image', () => {
  const distroless = convert(GO);
  assert.ok(distroless.ok);
  assert.equal(distroless.runtimeImage, 'gcr.io/distroless/static-debian13:nonroot');
  for (const [to, image] of [['chainguard', 'cgr.dev/chainguard/static:latest'], ['dhi', 'dhi.io/static:20250419-debian13']] as const) {
    const result = convert(GO, { convertTo: to });
    assert.ok(result.ok, to);
    assert.equal(result.runtimeImage, image);
    assert.equal(result.text, distroless.text.replace('FROM gcr.io/distroless/static-debian13:nonroot', `FROM ${image}`), `${to}: only the FROM differs`);
  }
  assert.deepEqual(convert(GO, { convertTo: 'distroless' }), distroless);
});

/** One input per runtime the converter supports (the inputs of languages.test.ts where one fits). */
const INPUTS: Record<string, string> = {
  'Go static': 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /usr/local/bin/app .\nCMD ["app"]\n',
  'Go cgo (glibc)': 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=1 go build -o /bin/app\nENTRYPOINT ["/bin/app"]\nCMD ["serve"]\n',
  'Rust glibc (libstdc++)': 'FROM rust:1.80\nWORKDIR /usr/src/myapp\nCOPY . .\nRUN cargo build --release\nCMD ["./target/release/myapp"]\n',
  'Rust musl (static)': 'FROM rust:1.80-alpine\nWORKDIR /build\nCOPY . .\nRUN cargo build --target x86_64-unknown-linux-musl\nCMD ["/build/target/x86_64-unknown-linux-musl/release/tool"]\n',
  'Node.js': 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n',
  'Python': 'FROM python:3.13-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n',
  'Java 21': 'FROM eclipse-temurin:21\nWORKDIR /app\nCOPY . .\nRUN javac -d out Hello.java && jar --create --file app.jar --main-class Hello -C out .\nCMD ["java", "-Xmx256m", "-jar", "app.jar"]\n',
  'Java 17 (jar copied onto a JRE)': 'FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -B package\n\nFROM eclipse-temurin:17-jre\nCOPY --from=build /src/target/app.jar /app.jar\nENTRYPOINT ["java", "-jar", "/app.jar"]\n',
  '.NET': 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /source\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT ["dotnet", "aspnetapp.dll"]\n',
};

/**
 * Each runtime × family: the exact converted text, or the exact one-line refusal where the
 * family's equivalent is not documented (docs/image-facts.md, "Converting to another family").
 */
const TABLE: { runtime: string; to: 'chainguard' | 'dhi'; runtimeImage?: string; expected?: string; refusal?: string }[] = [
  {
    "runtime": "Go static",
    "to": "chainguard",
    "runtimeImage": "cgr.dev/chainguard/static:latest",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /usr/local/bin/app .\nCMD [\"app\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM cgr.dev/chainguard/static:latest\nWORKDIR /src\nCOPY --from=build /usr/local/bin/app /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "runtime": "Go static",
    "to": "dhi",
    "runtimeImage": "dhi.io/static:20250419-debian13",
    "expected": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /usr/local/bin/app .\nCMD [\"app\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM dhi.io/static:20250419-debian13\nWORKDIR /src\nCOPY --from=build /usr/local/bin/app /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "runtime": "Go cgo (glibc)",
    "to": "chainguard",
    "runtimeImage": "cgr.dev/chainguard/glibc-dynamic:latest",
    "expected": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=1 go build -trimpath -ldflags=\"-s -w\" -o /bin/app\nENTRYPOINT [\"/bin/app\"]\nCMD [\"serve\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM cgr.dev/chainguard/glibc-dynamic:latest\nWORKDIR /src\nCOPY --from=build /bin/app /app\nENTRYPOINT [\"/app\"]\nCMD [\"serve\"]\n"
  },
  {
    "runtime": "Go cgo (glibc)",
    "to": "dhi",
    "runtimeImage": "dhi.io/static:20250419-glibc-debian13",
    "expected": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=1 go build -trimpath -ldflags=\"-s -w\" -o /bin/app\nENTRYPOINT [\"/bin/app\"]\nCMD [\"serve\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM dhi.io/static:20250419-glibc-debian13\nWORKDIR /src\nCOPY --from=build /bin/app /app\nENTRYPOINT [\"/app\"]\nCMD [\"serve\"]\n"
  },
  {
    "runtime": "Rust glibc (libstdc++)",
    "to": "chainguard",
    "runtimeImage": "cgr.dev/chainguard/glibc-dynamic:latest",
    "expected": "FROM rust:1.80 AS build\nWORKDIR /usr/src/myapp\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/myapp\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM cgr.dev/chainguard/glibc-dynamic:latest\nWORKDIR /usr/src/myapp\nCOPY --from=build /usr/src/myapp/target/release/myapp /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "runtime": "Rust glibc (libstdc++)",
    "to": "dhi",
    "refusal": "the program needs libstdc++ and libgcc, and Docker Hardened Images documents no runtime image with them (static-glibc lists libc6 only: image/static/debian-13/static-glibc.yaml): convert with --to distroless"
  },
  {
    "runtime": "Rust musl (static)",
    "to": "chainguard",
    "runtimeImage": "cgr.dev/chainguard/static:latest",
    "expected": "FROM rust:1.80-alpine AS build\nWORKDIR /build\nCOPY . .\nRUN cargo build --release --target x86_64-unknown-linux-musl\nCMD [\"/build/target/x86_64-unknown-linux-musl/release/tool\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM cgr.dev/chainguard/static:latest\nWORKDIR /build\nCOPY --from=build /build/target/x86_64-unknown-linux-musl/release/tool /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "runtime": "Rust musl (static)",
    "to": "dhi",
    "runtimeImage": "dhi.io/static:20250419-debian13",
    "expected": "FROM rust:1.80-alpine AS build\nWORKDIR /build\nCOPY . .\nRUN cargo build --release --target x86_64-unknown-linux-musl\nCMD [\"/build/target/x86_64-unknown-linux-musl/release/tool\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM dhi.io/static:20250419-debian13\nWORKDIR /build\nCOPY --from=build /build/target/x86_64-unknown-linux-musl/release/tool /app\nENTRYPOINT [\"/app\"]\n"
  },
  {
    "runtime": "Node.js",
    "to": "chainguard",
    "refusal": "the app is built with Node.js 22, and Chainguard's free node image is published as :latest only, whose Node.js release need not be 22 (native addons and \"engines\" ranges depend on it): convert with --to dhi or --to distroless"
  },
  {
    "runtime": "Node.js",
    "to": "dhi",
    "runtimeImage": "dhi.io/node:22-debian13",
    "expected": "FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\nRUN npm prune --omit=dev\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM dhi.io/node:22-debian13\nWORKDIR /app\nCOPY --from=build /app /app\nCMD [\"node\", \"server.js\"]\n"
  },
  {
    "runtime": "Python",
    "to": "chainguard",
    "refusal": "the packages are installed for Python 3.13, and Chainguard's free python image is published as :latest only, whose Python release need not be 3.13 (compiled packages are built for one): convert with --to dhi or --to distroless"
  },
  {
    "runtime": "Python",
    "to": "dhi",
    "runtimeImage": "dhi.io/python:3.13-debian13",
    "expected": "FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM dhi.io/python:3.13-debian13\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD [\"python3\", \"app.py\"]\n"
  },
  {
    "runtime": "Java 21",
    "to": "chainguard",
    "refusal": "the jar is built for Java 21, and Chainguard's free jre image is published as :latest only, whose Java release is not pinned (its catalog definition showed 17): convert with --to dhi or --to distroless"
  },
  {
    "runtime": "Java 21",
    "to": "dhi",
    "runtimeImage": "dhi.io/eclipse-temurin:21-debian13",
    "expected": "FROM eclipse-temurin:21 AS build\nWORKDIR /app\nCOPY . .\nRUN javac -d out Hello.java && jar --create --file app.jar --main-class Hello -C out .\nCMD [\"java\", \"-Xmx256m\", \"-jar\", \"app.jar\"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM dhi.io/eclipse-temurin:21-debian13\nWORKDIR /app\nCOPY --from=build /app/app.jar /app/app.jar\nENV JAVA_TOOL_OPTIONS=\"-Xmx256m\"\nCMD [\"java\", \"-jar\", \"/app/app.jar\"]\n"
  },
  {
    "runtime": "Java 17 (jar copied onto a JRE)",
    "to": "chainguard",
    "runtimeImage": "cgr.dev/chainguard/jre:latest",
    "expected": "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -B package\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM cgr.dev/chainguard/jre:latest\nCOPY --from=build /src/target/app.jar /app.jar\nWORKDIR /\nCMD [\"-jar\", \"/app.jar\"]\n"
  },
  {
    "runtime": "Java 17 (jar copied onto a JRE)",
    "to": "dhi",
    "runtimeImage": "dhi.io/eclipse-temurin:17-debian13",
    "expected": "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -B package\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM dhi.io/eclipse-temurin:17-debian13\nCOPY --from=build /src/target/app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n"
  },
  {
    "runtime": ".NET",
    "to": "chainguard",
    "refusal": "this app needs mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled, which has no Chainguard equivalent the converter knows: convert with --to distroless"
  },
  {
    "runtime": ".NET",
    "to": "dhi",
    "refusal": "this app needs mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled, which has no Docker Hardened Images equivalent the converter knows: convert with --to distroless"
  }
];

for (const row of TABLE) {
  test(`--to ${row.to}: ${row.runtime}`, () => {
    const result = convert(INPUTS[row.runtime], { convertTo: row.to });
    if (row.refusal !== undefined) {
      assert.equal(result.ok, false, 'refused');
      if (!result.ok) assert.equal(result.reason, row.refusal);
      return;
    }
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.runtimeImage, row.runtimeImage);
    assert.equal(result.text, row.expected);
    // The family's image is known shell-less: converting again changes nothing, and lint has nothing to say.
    assertCleanConversion(INPUTS[row.runtime], result.text, { today: FACTS_DATE });
  });
}

test('every supported runtime has a row for each family, and distroless stays the default', () => {
  for (const runtime of Object.keys(INPUTS)) {
    for (const to of ['chainguard', 'dhi'] as const) assert.ok(TABLE.some((r) => r.runtime === runtime && r.to === to), `${runtime} -> ${to}`);
    const plain = convert(INPUTS[runtime]);
    assert.deepEqual(convert(INPUTS[runtime], { convertTo: 'distroless' }), plain);
  }
});

test('the owner of the app\'s files follows the family\'s user: DHI node runs as node (1000)', () => {
  const owned = 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && chown -R node:node /app\nUSER node\nCMD ["node", "server.js"]\n';
  const distroless = convert(owned);
  assert.ok(distroless.ok && distroless.text.includes('COPY --from=build --chown=65532:65532 /app /app'), distroless.ok ? distroless.text : distroless.reason);
  const dhi = convert(owned, { convertTo: 'dhi' });
  assert.ok(dhi.ok, dhi.ok ? '' : dhi.reason);
  assert.match(dhi.text, /^COPY --from=build --chown=1000:1000 \/app \/app$/m);
  assert.doesNotMatch(dhi.text, /65532/);
});

test('convertTo in the configuration file and --to on the command line (the flag wins)', async () => {
  assert.equal(validateConfig({ convertTo: 'dhi' }, '.distroless.yaml').convertTo, 'dhi');
  assert.throws(() => validateConfig({ convertTo: 'wolfi' }, '.distroless.yaml'), (e: unknown) => e instanceof ConfigError && /convertTo must be one of distroless, chainguard, dhi/.test(e.message));
  const project = makeProject({ Dockerfile: GO, '.distroless.yaml': 'convertTo: dhi\n' });
  assert.match((await runCli(['convert', 'Dockerfile'], { cwd: project })).stdout, /^FROM dhi\.io\/static:20250419-debian13$/m);
  assert.match((await runCli(['convert', '--to', 'chainguard', 'Dockerfile'], { cwd: project })).stdout, /^FROM cgr\.dev\/chainguard\/static:latest$/m);
  const bad = await runCli(['convert', '--to', 'wolfi', 'Dockerfile'], { cwd: project });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--to takes distroless, chainguard, dhi/);
});

test('the editor: the distroless.convertTo setting over the configuration file\'s convertTo, as conversion options', async () => {
  const { DocumentChecker } = await import('../../../server/src/lsp/documentChecker');
  const { normalizeSettings } = await import('../../../server/src/lsp/settings');
  const project = makeProject({ Dockerfile: GO, '.distroless.yaml': 'convertTo: dhi\n' });
  const uri = `file://${project}/Dockerfile`;
  const checkerWith = (convertTo: string) => new DocumentChecker({
    settingsFor: async () => normalizeSettings({ convertTo }),
    workspaceFolderFor: () => project,
    publish: () => undefined,
    log: () => undefined,
  });
  assert.equal((await checkerWith('').options(uri)).convertTo, 'dhi', 'unset: the file\'s');
  assert.equal((await checkerWith('chainguard').options(uri)).convertTo, 'chainguard', 'set: the setting');
  assert.equal(normalizeSettings({ convertTo: 'wolfi' }).convertTo, '', 'an unknown family is ignored');
  // The editor's Convert (the distroless/convert request) converts with those options.
  const { answerConvert } = await import('../../../server/src/lsp/conversion');
  const convertWith = async (convertTo: string, text: string) => {
    const checker = checkerWith(convertTo);
    return answerConvert({ textDocument: { uri }, text }, { analysis: (u, sent) => checker.analysisOfText(u, undefined, sent) });
  };
  const fromFile = await convertWith('', NODE);
  assert.equal(fromFile.status === 'converted' && fromFile.runtimeImage, 'dhi.io/node:22-debian13', 'the file\'s dhi');
  assert.match(fromFile.status === 'converted' ? fromFile.text : '', /^CMD \["node", "server\.js"\]$/m);
  const fromSetting = await convertWith('chainguard', GO);
  assert.equal(fromSetting.status === 'converted' && fromSetting.runtimeImage, 'cgr.dev/chainguard/static:latest', 'the setting\'s chainguard');
  const refused = await convertWith('chainguard', NODE);
  assert.equal(refused.status, 'refused');
  assert.match(refused.status === 'refused' ? refused.reason : '', /Chainguard's free node image is published as :latest only/);
});
