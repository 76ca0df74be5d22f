/**
 * Facts a project declares for images the engine and the registry cannot show
 * (`images:` in .distroless.yaml): validated, used by the rules, named in the hover;
 * what a local image shows wins; an unknown image's hover says how to make it known.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ConfigError, analysisOptions, validateConfig } from '../../server/src/host/config';
import { describeImage, lint } from '../../server/src/engine/testing';
import { FACTS_DATE } from '../support/ruleTable';

const PRIVATE = 'FROM corp/base:1\nCMD /app --serve\n';

function ids(text: string, yaml: unknown, extra = {}): string[] {
  return lint(text, { today: FACTS_DATE, ...analysisOptions(validateConfig(yaml, '.distroless.yaml')), ...extra }).diagnoses.map((d) => d.ruleId);
}

test('an undeclared private image is unknown: nothing is claimed, and the hover gives the next step', () => {
  assert.deepEqual(ids(PRIVATE, {}), []);
  const { model } = lint(PRIVATE, { today: FACTS_DATE });
  const hover = describeImage(model.shipped!.base, { state: 'absent', reason: 'not-found' });
  assert.match(hover, /Unknown image: .*pull it \(`docker pull corp\/base:1`\), turn on registry lookups \(`distroless\.imageFacts\.registryLookups`, CLI `--registry-lookups`\), or declare it in \.distroless\.yaml: `images: \{ "corp\/base:1": \{ shell: false, user: "65532:65532", libc: glibc \} \}`\./);
});

test('declared facts are used by the rules, and the hover names the declaration', () => {
  // No shell: the shell-form CMD cannot start. uid 65532: not root.
  assert.deepEqual(ids(PRIVATE, { images: { 'corp/base:1': { shell: false, user: '65532:65532', libc: 'glibc' } } }), ['shell-form-in-shellless-stage']);
  // By name, for every tag; root declared: runs-as-root speaks.
  assert.deepEqual(ids(PRIVATE, { images: { 'corp/base': { shell: true, user: 'root' } } }), ['runs-as-root']);
  const { model } = lint(PRIVATE, { today: FACTS_DATE, ...analysisOptions(validateConfig({ images: { 'corp/base:1': { shell: false, user: 65532 } } }, '.distroless.yaml')) });
  const hover = describeImage(model.shipped!.base, { state: 'absent', reason: 'not-found' });
  // The hover names each source once, with the facts it gave (issue 27).
  assert.match(hover, /- Declared in the configuration file \(images: "corp\/base:1"\): no shell; runs as 65532\./);
  assert.doesNotMatch(hover, /Unknown image/);
});

test('what the local image shows wins over a declaration', () => {
  const observed = {
    'corp/base:1': {
      state: 'observed' as const,
      image: { id: 'sha256:' + 'a'.repeat(64), user: '', env: [], workingDir: '/', os: 'linux', architecture: 'amd64', labels: {}, shells: ['/bin/sh'], runtimes: {}, libc: 'glibc' as const, caBundle: true },
    },
  };
  assert.deepEqual(ids(PRIVATE, { images: { 'corp/base:1': { shell: false, user: '65532' } } }, { images: observed }), ['runs-as-root']);
});

test('images: entries are validated with one clear line each', () => {
  const bad: [unknown, RegExp][] = [
    [{ images: [] }, /images must map image references to their facts/],
    [{ images: { 'Corp/Base': {} } }, /images\."Corp\/Base": not an image reference/],
    [{ images: { 'corp/base': { shell: 'no' } } }, /shell must be true or false/],
    [{ images: { 'corp/base': { user: 'app' } } }, /user must be uid\[:gid\] or root/],
    [{ images: { 'corp/base': { libc: 'uclibc' } } }, /libc must be glibc, musl or none/],
    [{ images: { 'corp/base': { shel: false } } }, /unknown key "shel"; known: shell, user, libc/],
  ];
  for (const [raw, message] of bad) assert.throws(() => validateConfig(raw, '.distroless.yaml'), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(raw));
});
