/** The notification line on what a conversion changes besides the runtime image (client/src/conversionSummary.ts). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { diffTitle, otherChanges } from '../../client/src/conversionSummary';
import { convert } from '../../server/src/engine/testing';

test('a builder image change and dropped instructions are named; nothing else is', () => {
  assert.equal(otherChanges('FROM python:3.12\nCMD ["python", "app.py"]\n', 'FROM python:3.13-slim-trixie AS build\nFROM gcr.io/distroless/python3-debian13\n', 'gcr.io/distroless/python3-debian13', 2),
    'the build stage moves from python:3.12 to python:3.13-slim-trixie; 2 instructions stay out of the runtime image (listed in a comment)');
  assert.equal(otherChanges('FROM golang:1.23\n', 'FROM golang:1.23 AS build\nFROM gcr.io/distroless/static-debian13:nonroot\n', 'gcr.io/distroless/static-debian13:nonroot', 0), '');
  assert.equal(otherChanges('FROM node:22\n', 'FROM node:22 AS build\nFROM gcr.io/distroless/nodejs22-debian13\n', 'gcr.io/distroless/nodejs22-debian13', 1), '1 instruction stays out of the runtime image (listed in a comment)');
});

test('on a real conversion: the Python builder moves to the distroless python version', () => {
  const original = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\nCMD ["python", "app.py"]\n';
  const result = convert(original, {});
  assert.ok(result.ok && result.changed, 'the sample converts');
  const line = otherChanges(original, result.text, result.runtimeImage, result.dropped.length);
  assert.match(line, /^the build stage moves from python:3\.12 to python:3\.\d+/);
});

test('node:latest: the notification and the diff\'s title say the build stage moves to node:24', () => {
  const original = 'FROM node:latest\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nEXPOSE 8080\nCMD ["node", "server.js"]\n';
  const result = convert(original, {});
  assert.ok(result.ok && result.changed, 'the sample converts');
  assert.equal(otherChanges(original, result.text, result.runtimeImage, result.dropped.length), 'the build stage moves from node:latest to node:24');
  assert.equal(diffTitle('Dockerfile', original, result.text, result.runtimeImage), 'Dockerfile ↔ distroless (gcr.io/distroless/nodejs24-debian13:nonroot), build stage node:latest → node:24');
  const go = 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n';
  const goResult = convert(go, {});
  assert.ok(goResult.ok);
  assert.equal(diffTitle('Dockerfile', go, goResult.text, goResult.runtimeImage), 'Dockerfile ↔ distroless (gcr.io/distroless/static-debian13:nonroot)');
});
