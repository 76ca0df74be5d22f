/** Refusals, idempotence on shell-less files, the quick fix of final-stage-full-os, fix-all, and the CLI. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { convert } from '../../../server/src/engine/testing';
import { applyEdits } from '../../../server/src/engine/testing';
import { analyze, fixAll } from '../../../server/src/engine/testing';
import { lint } from '../../../server/src/engine/testing';
import { convertCommand } from '../../../server/src/cli/commands/convert';
import type { CliIo } from '../../../server/src/cli/commands/types';
import { FACTS_DATE } from '../../support/ruleTable';

const REFUSALS: Array<{ name: string; dockerfile: string; reason: string }> = [
  { name: 'unknown language', dockerfile: 'FROM debian:bookworm\nCOPY thing /opt/thing\nCMD ["/opt/thing"]\n', reason: 'language of the app could not be determined' },
  { name: 'no artifact: a Go image that builds nothing', dockerfile: 'FROM golang:1.22\nWORKDIR /app\nCOPY app /app/app\nCMD ["/app/app"]\n', reason: 'no go build or go install' },
  { name: 'no artifact: java without -jar', dockerfile: 'FROM eclipse-temurin:21\nCOPY . /app\nCMD ["java", "-cp", "/app", "Main"]\n', reason: 'java -jar' },
  { name: 'shell-script entrypoint', dockerfile: 'FROM node:22\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["./docker-entrypoint.sh"]\n', reason: 'shell script ./docker-entrypoint.sh' },
  { name: 'shell syntax in CMD', dockerfile: 'FROM python:3.13\nWORKDIR /app\nCOPY . .\nCMD python app.py --port $PORT\n', reason: 'uses a variable' },
  { name: 'shell syntax inside sh -c', dockerfile: 'FROM python:3.13\nWORKDIR /app\nCMD ["sh", "-c", "python migrate.py && python app.py"]\n', reason: 'uses &&' },
  { name: 'base from an ARG without default', dockerfile: 'ARG IMAGE\nFROM ${IMAGE}\nCMD ["/app"]\n', reason: 'build argument without a default' },
  { name: 'Alpine packages in a Node build', dockerfile: 'FROM node:18-alpine\nWORKDIR /app\nRUN apk add --no-cache python3 make g++\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n', reason: 'apk' },
  { name: 'npm start without package.json', dockerfile: 'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["npm", "start"]\n', reason: 'there is none' },
  { name: 'Python installed from OS packages', dockerfile: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y python3\nWORKDIR /app\nCOPY . .\nCMD ["python3", "app.py"]\n', reason: 'base the build on python:3.13-slim-trixie' },
  { name: 'an unknown image', dockerfile: 'FROM myorg/web:1.0\nCOPY site /usr/share/nginx/html\n', reason: 'not an image the converter knows' },
  { name: 'a Windows image', dockerfile: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY app.exe /app.exe\nCMD ["app.exe"]\n', reason: 'there are no distroless images for Windows containers' },
  { name: '.NET before chiseled images existed', dockerfile: 'FROM mcr.microsoft.com/dotnet/sdk:5.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:5.0\nCOPY --from=build /out /app\nENTRYPOINT ["dotnet", "/app/App.dll"]\n', reason: 'no chiseled runtime image' },
  { name: 'no stage of that name', dockerfile: 'FROM golang:1.22\nRUN go build -o /app\nCMD ["/app"]\n', reason: 'no stage named' },
];

for (const r of REFUSALS) {
  test(`convert refuses: ${r.name}`, () => {
    const result = convert(r.dockerfile, r.name === 'no stage of that name' ? { target: 'prod' } : {});
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(result.reason.includes(r.reason), `reason ${JSON.stringify(result.reason)} should mention ${JSON.stringify(r.reason)}`);
  });
}

test('convert returns a shell-less file unchanged (ok, changed: false)', () => {
  const text = 'FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n';
  const result = convert(text);
  assert.ok(result.ok);
  assert.equal(result.text, text);
  assert.equal(result.changed, false);
});

test('convert keeps CRLF line endings', () => {
  const result = convert('FROM golang:1.22\r\nWORKDIR /src\r\nRUN go build -o /bin/app\r\nCMD ["/bin/app"]\r\n');
  assert.ok(result.ok);
  assert.ok(!/[^\r]\n/.test(result.text), 'every newline is CRLF');
});

const SINGLE = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app\nCMD ["/bin/app"]\n';

test('final-stage-full-os offers the conversion as a whole-document fix, out of fix-all', () => {
  const { diagnoses } = lint(SINGLE, { today: FACTS_DATE });
  const d = diagnoses.find((x) => x.ruleId === 'final-stage-full-os');
  assert.ok(d);
  const fix = d.fixes.find((f) => f.title.startsWith('Convert to a distroless multi-stage build'));
  assert.ok(fix, 'the conversion is offered');
  assert.equal(fix.title, 'Convert to a distroless multi-stage build (gcr.io/distroless/static-debian13:nonroot)');
  assert.equal(fix.fixAll, false);
  const converted = applyEdits(SINGLE, fix.edits);
  const expected = convert(SINGLE);
  assert.ok(expected.ok);
  assert.equal(converted, expected.text);
  assert.equal(lint(converted, { today: FACTS_DATE }).diagnoses.filter((x) => x.ruleId === 'final-stage-full-os').length, 0, 'the diagnostic goes away');
  // fix-all must not rewrite the file into a multi-stage build behind the user's back.
  assert.ok(!fixAll(analyze(SINGLE, { today: FACTS_DATE })).text.includes('distroless'));
});

test('final-stage-full-os offers no fix when the conversion is refused; convert says why', () => {
  const text = 'FROM node:22\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["./docker-entrypoint.sh"]\n';
  const d = lint(text, { today: FACTS_DATE }).diagnoses.find((x) => x.ruleId === 'final-stage-full-os');
  assert.ok(d);
  assert.ok(d.message.includes('such as gcr.io/distroless/nodejs22-debian13:nonroot'), d.message);
  assert.equal(d.fixes.length, 0);
  const refused = convert(text);
  assert.ok(!refused.ok && refused.reason.includes('the start command runs the shell script'));
});

test('final-stage-full-os does not run the converter until its fix is read', () => {
  // The conversion is planned inside the fixes' getter: while it is pending, the converter has not run.
  const text = 'FROM golang:1.23\nWORKDIR /src\nRUN go build -o /app .\nCMD ["/app"]\n';
  const { diagnoses } = lint(text, { today: FACTS_DATE });
  const d = diagnoses.find((x) => x.ruleId === 'final-stage-full-os');
  assert.ok(d);
  const descriptor = Object.getOwnPropertyDescriptor(d, 'fixes');
  assert.equal(typeof descriptor?.get, 'function', 'the fixes are still to be computed after lint');
  assert.equal(d.fixes.length, 1, 'reading them plans and writes the conversion');
  assert.equal(typeof Object.getOwnPropertyDescriptor(d, 'fixes')?.get, 'undefined', 'and keeps the result');
});

test('final-stage-full-os converts the --target stage and names the runtime after it', () => {
  const text = 'FROM golang:1.22 AS prod\nRUN go build -o /bin/app\nCMD ["/bin/app"]\nFROM prod AS dev\nRUN go install golang.org/x/tools/gopls@latest\n';
  const d = lint(text, { today: FACTS_DATE, target: 'prod' }).diagnoses.find((x) => x.ruleId === 'final-stage-full-os');
  const fix = d?.fixes[0];
  assert.ok(fix);
  const converted = applyEdits(text, fix.edits);
  assert.ok(converted.includes('FROM golang:1.22 AS prod-build\n'));
  assert.ok(converted.includes('FROM gcr.io/distroless/static-debian13:nonroot AS prod\n'));
  assert.ok(converted.includes('FROM prod-build AS dev\n'), 'the dev stage still builds on the full stage');
});

function memoryIo(cwd: string): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), cwd, env: {} }, out: () => o, err: () => e };
}

test('distroless convert: prints, --check exits 1 when convertible, --write keeps a backup', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-convert-'));
  try {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), SINGLE);
    const expected = convert(SINGLE);
    assert.ok(expected.ok);

    const print = memoryIo(dir);
    assert.equal(await convertCommand.run(['Dockerfile'], print.io), 0);
    assert.equal(print.out(), expected.text);

    const check = memoryIo(dir);
    assert.equal(await convertCommand.run(['--check', 'Dockerfile'], check.io), 1);
    assert.equal(check.out(), '');

    const write = memoryIo(dir);
    assert.equal(await convertCommand.run(['--write', 'Dockerfile'], write.io), 0);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), expected.text);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile.bak'), 'utf8'), SINGLE);

    const after = memoryIo(dir);
    assert.equal(await convertCommand.run(['--check', 'Dockerfile'], after.io), 0, 'nothing left to convert');

    const usage = memoryIo(dir);
    assert.equal(await convertCommand.run(['--write', '--check', 'Dockerfile'], usage.io), 2);
    assert.equal(await convertCommand.run([], memoryIo(dir).io), 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('distroless convert reads the files beside the Dockerfile and reports refusals', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-convert-'));
  try {
    const text = 'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["npm", "start"]\n';
    fs.writeFileSync(path.join(dir, 'Dockerfile'), text);
    const refused = memoryIo(dir);
    assert.equal(await convertCommand.run(['Dockerfile'], refused.io), 1);
    assert.ok(refused.err().includes('cannot convert'));
    assert.equal(await convertCommand.run(['--check', 'Dockerfile'], memoryIo(dir).io), 0, 'not convertible passes --check');

    fs.writeFileSync(path.join(dir, 'package.json'), '{"scripts":{"start":"node src/main.js"}}');
    const ok = memoryIo(dir);
    assert.equal(await convertCommand.run(['Dockerfile'], ok.io), 0);
    assert.ok(ok.out().includes('CMD ["src/main.js"]'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
