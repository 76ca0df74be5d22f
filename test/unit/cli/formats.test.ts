/**
 * `--format gitlab` against a strict JSON schema of GitLab's Code Quality report (the
 * fields GitLab reads: docs.gitlab.com/ci/testing/code_quality/, "Code Quality report
 * format"), its fingerprints across line moves; `--format checkstyle` parsed by a real
 * XML parser (Python's xml.etree, strict); `--failure-threshold`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import Ajv from 'ajv';
import { makeProject, runCli } from '../../support/cli';

const SHELL_FORM = 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD /app --serve\n';

const GITLAB_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    additionalProperties: false,
    properties: {
      type: { const: 'issue' },
      description: { type: 'string', minLength: 1, pattern: '^[^\\n]+$' },
      content: { type: 'object', required: ['body'], additionalProperties: false, properties: { body: { type: 'string' } } },
      check_name: { type: 'string', minLength: 1 },
      categories: { type: 'array', items: { enum: ['Bug Risk', 'Clarity', 'Compatibility', 'Complexity', 'Duplication', 'Performance', 'Security', 'Style'] } },
      fingerprint: { type: 'string', pattern: '^[0-9a-f]{32}$' },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path', 'lines'],
        additionalProperties: false,
        properties: {
          path: { type: 'string', pattern: '^[^/]' },
          lines: {
            type: 'object',
            required: ['begin'],
            additionalProperties: false,
            properties: { begin: { type: 'integer', minimum: 1 }, end: { type: 'integer', minimum: 1 } },
          },
        },
      },
    },
  },
};

interface GitlabIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

async function gitlab(root: string, ...inputs: string[]): Promise<GitlabIssue[]> {
  const run = await runCli(['lint', '--format', 'gitlab', ...inputs], { cwd: root });
  assert.equal(run.stderr, '');
  const issues = JSON.parse(run.stdout) as GitlabIssue[];
  const validate = new Ajv({ allErrors: true, strict: true }).compile(GITLAB_SCHEMA);
  assert.ok(validate(issues), JSON.stringify(validate.errors, null, 2));
  return issues;
}

test('--format gitlab: the Code Quality fields, severities mapped, paths relative with /', async () => {
  const root = makeProject({ 'svc/api/Dockerfile': SHELL_FORM });
  const issues = await gitlab(root, '.');
  assert.deepEqual(issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin, i.description]), [
    ['runs-as-root', 'major', 'svc/api/Dockerfile', 1, "Runs as root (no USER, the image's default): use the :nonroot tag"],
    ['shell-form-in-shellless-stage', 'critical', 'svc/api/Dockerfile', 3, 'CMD in shell form needs /bin/sh, which this image lacks: use exec form'],
  ]);
  assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length, 'fingerprints are unique in a report');
});

test('--format gitlab: fingerprints survive lines moved and edited above, change with the instruction, differ per file', async () => {
  const root = makeProject({ 'a/Dockerfile': SHELL_FORM, 'b/Dockerfile': SHELL_FORM });
  const before = await gitlab(root, 'a/Dockerfile', 'b/Dockerfile');
  const prints = (issues: GitlabIssue[], file: string) => issues.filter((i) => i.location.path === file).map((i) => [i.check_name, i.fingerprint]);
  assert.notDeepEqual(prints(before, 'a/Dockerfile').map(([, f]) => f), prints(before, 'b/Dockerfile').map(([, f]) => f));
  // Lines added above, an unrelated line edited, the CMD moved down and re-indented.
  fs.writeFileSync(path.join(root, 'a/Dockerfile'), '# syntax=docker/dockerfile:1\nFROM gcr.io/distroless/static-debian13\n# the app\nCOPY app /srv/app\nLABEL x=y\n\n  CMD   /app --serve\n');
  const moved = await gitlab(root, 'a/Dockerfile', 'b/Dockerfile');
  assert.deepEqual(prints(moved, 'a/Dockerfile'), prints(before, 'a/Dockerfile'));
  assert.deepEqual(moved.filter((i) => i.location.path === 'a/Dockerfile').map((i) => i.location.lines.begin), [2, 7], 'the lines do move');
  // The CMD itself edited: a different instruction, a different fingerprint; FROM's stays.
  fs.writeFileSync(path.join(root, 'a/Dockerfile'), 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD /app --serve --verbose\n');
  const edited = prints(await gitlab(root, 'a/Dockerfile'), 'a/Dockerfile');
  assert.deepEqual(edited[0], prints(before, 'a/Dockerfile')[0]);
  assert.notEqual(edited[1][1], prints(before, 'a/Dockerfile')[1][1]);
});

test('--format gitlab: no findings is an empty array', async () => {
  const root = makeProject({ Dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app"]\n' });
  assert.deepEqual(await gitlab(root, 'Dockerfile'), []);
});

// ---- checkstyle ----

/** Parses with Python's strict XML parser and gives back [file, line, column, severity, source, message] rows. */
function parseXml(xml: string): string[][] {
  const script = [
    'import sys, json, xml.etree.ElementTree as ET',
    'root = ET.fromstring(sys.stdin.buffer.read())',
    'assert root.tag == "checkstyle", root.tag',
    'rows = []',
    'for f in root:',
    '    assert f.tag == "file"',
    '    for e in f:',
    '        assert e.tag == "error"',
    '        rows.append([f.get("name"), e.get("line"), e.get("column"), e.get("severity"), e.get("source"), e.get("message")])',
    'print(json.dumps(rows))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], { input: xml, encoding: 'utf8' });
  assert.equal(run.status, 0, `not well-formed checkstyle XML: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[][];
}

test('--format checkstyle: well-formed XML, one <error> per finding, hostile characters escaped', async (t) => {
  if (spawnSync('python3', ['--version']).status !== 0) {
    if (process.env.CI === 'true') throw new Error('CI=true but python3 (the XML parser of this test) is missing');
    t.skip('python3 is missing: it parses the XML');
    return;
  }
  // A file name with XML's special characters, and a message quoting an image name with them.
  const root = makeProject({ 'a&b <"x">/Dockerfile': SHELL_FORM, 'empty/Dockerfile': '' });
  const run = await runCli(['lint', '--format', 'checkstyle', '.'], { cwd: root });
  assert.equal(run.code, 2, 'the empty file is an input error');
  assert.deepEqual(parseXml(run.stdout), [
    ['a&b <"x">/Dockerfile', '1', '6', 'warning', 'distroless.runs-as-root', "Runs as root (no USER, the image's default): use the :nonroot tag"],
    ['a&b <"x">/Dockerfile', '3', '5', 'error', 'distroless.shell-form-in-shellless-stage', 'CMD in shell form needs /bin/sh, which this image lacks: use exec form'],
    ['empty/Dockerfile', null as unknown as string, null as unknown as string, 'error', 'distroless.input', 'empty/Dockerfile: the file is empty. A Dockerfile needs at least a FROM instruction; pass the right file.'],
  ]);
});

// ---- failure threshold ----

test('--failure-threshold: exit 1 only for findings at or above it; none never fails; a bad level is usage', async () => {
  const root = makeProject({ Dockerfile: 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nCMD ["/app"]\n' });
  const code = async (...flags: string[]) => (await runCli(['lint', ...flags, 'Dockerfile'], { cwd: root })).code;
  assert.equal(await code(), 1, 'the warning (runs-as-root) fails at the default threshold');
  assert.equal(await code('--failure-threshold', 'error'), 0);
  assert.equal(await code('--failure-threshold=information'), 1);
  assert.equal(await code('--failure-threshold', 'none'), 0);
  assert.equal(await code('--severity', 'none'), 0, '--severity is the same option');
  const bad = await runCli(['lint', '--failure-threshold', 'style', 'Dockerfile'], { cwd: root });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'distroless lint: unknown severity "style". Use one of error, warning, information, hint, none (see distroless lint --help)\n');
});
