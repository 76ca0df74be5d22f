/**
 * Verify names why a converted image fails, on a real engine: each cause is broken on
 * purpose in a small image built from the stand-ins (a program whose shared library
 * is missing, a glibc program on static, a file that is no program, a write to / as
 * nonroot, a time zone with no database), verify runs it, and the report's problems
 * end with the one-line cause and fix. The original is a process that stays up.
 * x509 and .NET cultures need a TLS server or the .NET runtime, which the stand-ins do
 * not have: their messages are covered in test/unit/convert/verify-diagnosis.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { connectEngine } from '../../server/src/docker/connection';
import { verifyConversion } from '../../server/src/docker/verify';
import { engineOrSkip } from './engine';

const ROOT = path.resolve(__dirname, '../../..');
const STANDINS = path.join(ROOT, 'test/docker/standins.sh');
const PYTHON = 'gcr.io/distroless/python3-debian13:nonroot';
const STATIC = 'gcr.io/distroless/static-debian13:nonroot';
const DEBIAN = 'local/debian:trixie';

const ORIGINAL = `FROM ${PYTHON}\nCMD ["-c", "import time; time.sleep(60)"]\n`;

const BROKEN: Array<{ name: string; dockerfile: string; why: RegExp }> = [
  {
    name: 'a shared library the runtime lacks (apt-get copied onto python3)',
    dockerfile: `FROM ${DEBIAN} AS build\nFROM ${PYTHON}\nCOPY --from=build /usr/bin/apt-get /app\nENTRYPOINT ["/app"]\n`,
    why: /^why: a shared library is missing: lib[\w+.-]+\.so[\w.]* is not in the runtime image/,
  },
  {
    name: 'a glibc program on static (its loader is missing)',
    dockerfile: `FROM ${DEBIAN} AS build\nFROM ${STATIC}\nCOPY --from=build /usr/bin/true /app\nENTRYPOINT ["/app"]\n`,
    why: /^why: the program's interpreter is missing: \/app exists but its loader/,
  },
  {
    name: 'a file that is not a program for this CPU',
    dockerfile: `FROM ${DEBIAN} AS build\nRUN printf 'MZ not an ELF file' > /app && chmod 755 /app\nFROM ${STATIC}\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n`,
    why: /^why: exec format error: the program was built for another CPU architecture/,
  },
  {
    name: 'a write to / as the non-root user',
    dockerfile: `FROM ${PYTHON}\nCMD ["-c", "open('/state.db', 'w')"]\n`,
    why: /^why: permission denied: \/state\.db is not writable or readable by the image's non-root user \(65532\)/,
  },
  {
    name: 'a time zone with no database',
    dockerfile: `FROM ${PYTHON}\nENV PYTHONTZPATH=/nonexistent\nCMD ["-c", "import zoneinfo; zoneinfo.ZoneInfo('Europe/Paris')"]\n`,
    why: /^why: unknown time zone Europe\/Paris: the runtime image has no time zone database/,
  },
];

test('verify explains a broken converted image in one line', { timeout: 20 * 60_000 }, async (t) => {
  if (!(await engineOrSkip(t))) return;
  const standins = spawnSync('bash', [STANDINS], { encoding: 'utf8', timeout: 20 * 60_000 });
  assert.equal(standins.status, 0, `stand-in images could not be built:\n${standins.stderr}`);
  const { docker, endpoint } = await connectEngine();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-diagnosis-'));
  try {
    fs.writeFileSync(path.join(work, 'Dockerfile'), ORIGINAL);
    for (const c of BROKEN) {
      await t.test(c.name, async () => {
        const report = await verifyConversion({ docker, endpoint, contextDir: work, dockerfile: path.join(work, 'Dockerfile'), convertedText: c.dockerfile, observeSeconds: 3 });
        assert.equal(report.converted.built, true, report.converted.buildOutput);
        assert.equal(report.verified, false);
        const why = report.problems.filter((p) => p.startsWith('why: '));
        assert.equal(why.length, 1, `one cause among: ${report.problems.join(' | ')}; output: ${report.converted.logs}`);
        assert.match(why[0], c.why);
      });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
