import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildModel, substituteVariables } from '../../server/src/engine/testing';

test('variables substitute from ARG defaults, with :- and :+ forms', () => {
  const vars = new Map<string, string | undefined>([['A', 'x'], ['E', ''], ['U', undefined]]);
  assert.equal(substituteVariables('$A/${A}', vars), 'x/x');
  assert.equal(substituteVariables('${E:-d}', vars), 'd');
  assert.equal(substituteVariables('${E-d}', vars), '');
  assert.equal(substituteVariables('${A:+set}', vars), 'set');
  assert.equal(substituteVariables('${U}', vars), undefined);
  assert.equal(substituteVariables('${MISSING:-fallback}', vars), 'fallback');
});

test('stages resolve FROM through global ARGs and earlier stages', () => {
  const model = buildModel([
    'ARG GO=1.23',
    'ARG RUNTIME=gcr.io/distroless/static-debian13:nonroot',
    'FROM golang:${GO} AS Build',
    'USER 1000',
    'ENV CGO_ENABLED=0',
    'FROM build AS test',
    'FROM ${RUNTIME}',
    'COPY --from=build /app /app',
  ].join('\n'));
  assert.equal(model.stages.length, 3);
  const [build, testStage, runtime] = model.stages;
  assert.equal(build.name, 'build');
  assert.equal(build.resolvedImage, 'golang:1.23');
  assert.equal(build.base.runtime, 'go');
  assert.equal(testStage.parent, build);
  assert.equal(testStage.user.uid, 1000, 'user inherited from the parent stage');
  assert.equal(testStage.env.get('CGO_ENABLED'), '0', 'env inherited from the parent stage');
  assert.equal(runtime.resolvedImage, 'gcr.io/distroless/static-debian13:nonroot');
  assert.equal(runtime.user.uid, 65532);
  assert.equal(model.shipped, runtime);
});

test('the target stage ships; an unknown target falls back to the last stage', () => {
  const text = 'FROM debian:13 AS dev\nFROM scratch AS prod\n';
  assert.equal(buildModel(text, { target: 'DEV' }).shipped?.name, 'dev');
  assert.equal(buildModel(text, { target: 'nope' }).shipped?.name, 'prod');
});

test('USER by name resolves on distroless, stays unknown elsewhere', () => {
  assert.equal(buildModel('FROM gcr.io/distroless/base-debian13\nUSER nonroot').shipped?.user.uid, 65532);
  assert.equal(buildModel('FROM debian:13\nUSER app').shipped?.user.uid, undefined);
  assert.equal(buildModel('FROM debian:13\nUSER root:root').shipped?.user.uid, 0);
});

test('an empty or FROM-less file has no stages and no shipped stage', () => {
  assert.equal(buildModel('').shipped, undefined);
  assert.equal(buildModel('# only a comment\nRUN echo hi\n').stages.length, 0);
});
