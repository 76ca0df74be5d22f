/**
 * The server runs dockerfile-utils' syntax checks on the tree lint parsed
 * (validateSyntax), and that tree remembers dockerfile-ast's getters (rememberReads).
 * Both must be invisible: the same syntax diagnostics as validate() of the text on
 * every corpus file, callers that change what a getter returned cannot change what
 * the next caller gets, the order of reads (flags first, From's own getters first)
 * changes no answer, and a tree parsed by anyone else is untouched.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DockerfileParser, type Argument, type Healthcheck, type Label, type Run } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { buildModel, validateSyntax } from '../../server/src/engine/testing';
import { parseDockerfile } from '../../server/src/engine/testing';
import { argumentsOf, imageOf, imageRangeOf } from '../../server/src/engine/testing';
import { corpusFiles, CORPUS_SKIP } from '../support/corpus';

test('every corpus file: syntax checks on the shared, remembering tree equal validate() of the text', { skip: CORPUS_SKIP }, () => {
  const files = corpusFiles();
  assert.ok(files.length > 100, `expected the shared corpus, found ${files.length} files`);
  for (const file of files) {
    const tree = buildModel(file.text).dockerfile;
    const expected = validate(file.text);
    assert.deepEqual(validateSyntax(file.text, tree), expected, file.name);
    assert.deepEqual(validateSyntax(file.text, tree), expected, `${file.name}, the same tree checked again`);
  }
});

/** What a getter answers, as plain data (values and ranges), comparable across trees. */
function answer(instruction: unknown, getter: string): unknown {
  const value = (instruction as Record<string, (() => unknown) | undefined>)[getter]?.call(instruction);
  const plain = (item: unknown): unknown => {
    if (item === null || typeof item !== 'object') return item;
    const o = item as { getValue?: () => unknown; getName?: () => unknown; getRange?: () => unknown; getNameRange?: () => unknown };
    if (typeof o.getName === 'function') return [o.getName(), o.getNameRange?.(), typeof o.getValue === 'function' ? o.getValue() : undefined];
    if (typeof o.getValue === 'function') return [o.getValue(), o.getRange?.()];
    return item;
  };
  return Array.isArray(value) ? value.map(plain) : value;
}

const GETTERS = ['getKeyword', 'getFlags', 'getRawArguments', 'getArguments', 'getArgumentsContent', 'getVariables', 'getArgumentsRanges'];

test('every corpus instruction: each remembered getter answers what dockerfile-ast answers alone on an untouched tree, read in any order', { skip: CORPUS_SKIP }, () => {
  let compared = 0;
  for (const file of corpusFiles()) {
    // The library's own answer to each getter, each on a tree nothing else read.
    const alone = new Map(GETTERS.map((g) => [g, DockerfileParser.parse(file.text).getInstructions().map((i) => answer(i, g))]));
    const forward = parseDockerfile(file.text).getInstructions();
    const backward = parseDockerfile(file.text).getInstructions();
    for (const getter of GETTERS) {
      assert.deepEqual(forward.map((i) => answer(i, getter)), alone.get(getter), `${file.name}: ${getter}`);
      compared += forward.length;
    }
    for (const getter of [...GETTERS].reverse()) assert.deepEqual(backward.map((i) => answer(i, getter)), alone.get(getter), `${file.name}: ${getter}, read last to first`);
  }
  assert.ok(compared > 10000, `${compared} answers compared`);
});

test('a remembered getter hands out copies: flags shifted off by one caller are there for the next', () => {
  const text = 'FROM alpine\nRUN --mount=type=cache,target=/root/.cache --network=none echo hi\nLABEL a=\'$X\' b=$Y\n';
  const tree = buildModel(text).dockerfile;
  const run = tree.getInstructions()[1] as Run;
  const label = tree.getInstructions()[2] as Label;
  // Private in dockerfile-ast's types, public in its code, and what its other getters call.
  const rawArguments = () => (run as unknown as { getRawArguments(): Argument[] }).getRawArguments();
  const raw = rawArguments().map((a) => a.getValue());
  assert.deepEqual(raw, ['--mount=type=cache,target=/root/.cache', '--network=none', 'echo', 'hi']);
  rawArguments().length = 0;
  run.getArguments().shift();
  assert.deepEqual(rawArguments().map((a) => a.getValue()), raw);
  assert.deepEqual(run.getArguments().map((a) => a.getValue()), ['echo', 'hi']);
  assert.deepEqual(run.getFlags().map((f) => f.getName()), ['mount', 'network']);
  // Label.getVariables splices quoted variables out of its parent's list: $X is quoted.
  assert.deepEqual(label.getVariables().map((v) => v.getName()), ['Y']);
  label.getVariables().pop();
  assert.deepEqual(label.getVariables().map((v) => v.getName()), ['Y']);
  assert.equal(run.getArgumentsContent(), 'echo hi');
});

test('a tree parsed outside the engine keeps dockerfile-ast\'s own getters', () => {
  const text = 'FROM alpine\nRUN echo hi\n';
  buildModel(text);
  const other = DockerfileParser.parse(text);
  for (const instruction of other.getInstructions()) {
    assert.equal(Object.prototype.hasOwnProperty.call(instruction, 'getArguments'), false);
    assert.equal(Object.prototype.hasOwnProperty.call(instruction, 'getRawArguments'), false);
  }
});

test('flags read before the arguments stay out of the remembered arguments (HEALTHCHECK reads its flags on demand)', () => {
  const healthcheck = parseDockerfile('FROM alpine\nHEALTHCHECK --interval=5s --retries=3 CMD true\n').getInstructions()[1] as Healthcheck;
  assert.deepEqual(healthcheck.getFlags().map((f) => f.getName()), ['interval', 'retries']);
  assert.equal(healthcheck.getSubcommand()?.getValue(), 'CMD');
  assert.deepEqual(argumentsOf(healthcheck).map((a) => a.getValue()), ['CMD', 'true']);
});

test('a FROM read through dockerfile-ast\'s getters first still gives its image, range and stage name', () => {
  const platformFirst = parseDockerfile('FROM --platform=linux/arm64 img AS run\n').getFROMs()[0];
  assert.equal(platformFirst.getPlatformFlag()?.getValue(), 'linux/arm64');
  assert.equal(imageOf(platformFirst), 'img');
  assert.equal(platformFirst.getBuildStage(), 'run');
  // getRegistry() moves the end of the range of the FROM's first argument it gets.
  const registryFirst = parseDockerfile('FROM gcr.io/distroless/base:nonroot\n').getFROMs()[0];
  assert.equal(registryFirst.getRegistry(), 'gcr.io');
  assert.equal(registryFirst.getImageName(), 'distroless/base');
  assert.deepEqual(imageRangeOf(registryFirst), { start: { line: 0, character: 5 }, end: { line: 0, character: 35 } });
  assert.equal(registryFirst.getImageTag(), 'nonroot');
  assert.equal(registryFirst.getImage(), 'gcr.io/distroless/base:nonroot');
});
