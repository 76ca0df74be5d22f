/**
 * Verify's one-line explanation of a converted container that did not start or answer,
 * read from what the process or the engine wrote. The inputs are the messages the
 * programs print (ld.so, runc, Go, Python, Node.js, .NET); the engine half, which
 * breaks each cause on purpose, is test/docker/verify-diagnosis.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { diagnose } from '../../../server/src/docker/diagnosis';
import { judge, type ImageReport } from '../../../server/src/docker/verify';

const CASES: Array<{ output: string; cause: string; line: string }> = [
  {
    output: '/app: error while loading shared libraries: libncursesw.so.6: cannot open shared object file: No such file or directory',
    cause: 'missing-library',
    line: 'a shared library is missing: libncursesw.so.6 is not in the runtime image; copy it (and the libraries it links) from the build stage into the same directory, or run distroless convert --build, which finds and copies them',
  },
  {
    output: 'Traceback (most recent call last):\n  File "/app/app.py", line 1, in <module>\n    import psycopg2\nImportError: libpq.so.5: cannot open shared object file: No such file or directory',
    cause: 'missing-library',
    line: 'a shared library is missing: libpq.so.5 is not in the runtime image; copy it (and the libraries it links) from the build stage into the same directory, or run distroless convert --build, which finds and copies them',
  },
  {
    output: 'exec /app: no such file or directory',
    cause: 'missing-interpreter',
    line: 'the program\'s interpreter is missing: /app exists but its loader (glibc\'s ld-linux or musl\'s ld-musl) or its #! interpreter is not in the runtime image; build it statically (CGO_ENABLED=0, -static, a musl target on static) or ship it on base/cc, and start scripts with their program, not a shell',
  },
  {
    output: '/usr/bin/env: \'python\': No such file or directory',
    cause: 'missing-interpreter',
    line: 'an interpreter is missing: the start command needs python, which the runtime image does not have (no shell, no python); start the program directly in exec form',
  },
  {
    output: '2026/12/07 23:50:02 compression tool: exec: "xz": executable file not found in $PATH',
    cause: 'missing-program',
    line: 'a program the app runs is missing: xz is not in the runtime image, which has no package manager to install it; keep the stage that installs its package on a Debian image, or change the app so it does not run xz',
  },
  {
    output: "Error: spawn git ENOENT\n    at ChildProcess._handle.onexit (node:internal/child_process:285:19)",
    cause: 'missing-program',
    line: 'a program the app runs is missing: git is not in the runtime image, which has no package manager to install it; keep the stage that installs its package on a Debian image, or change the app so it does not run git',
  },
  {
    output: 'Traceback (most recent call last):\n  File "/usr/lib/python3.11/subprocess.py", line 1950, in _execute_child\n    raise child_exception_type(errno_num, err_msg, err_filename)\nFileNotFoundError: [Errno 2] No such file or directory: \'ffmpeg\'',
    cause: 'missing-program',
    line: 'a program the app runs is missing: ffmpeg is not in the runtime image, which has no package manager to install it; keep the stage that installs its package on a Debian image, or change the app so it does not run ffmpeg',
  },
  {
    output: 'exec /usr/local/bin/server: exec format error',
    cause: 'exec-format',
    line: 'exec format error: the program was built for another CPU architecture than the engine runs (or is a script without a #! line); build with --platform for the engine\'s architecture (TARGETARCH for go build, -r linux-<arch> for dotnet)',
  },
  {
    output: '2026/12/07 21:00:01 Get "https://api.internal/v1": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    cause: 'untrusted-certificate',
    line: 'x509: certificate signed by unknown authority: the runtime image trusts only Debian\'s CA bundle, not the private CA the original image added; copy the bundle from the build stage (COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/) or point SSL_CERT_FILE at your CA file',
  },
  {
    output: '2026/12/07 21:00:01 open /data/state.db: permission denied',
    cause: 'permission-denied',
    line: 'permission denied: /data/state.db is not writable or readable by the image\'s non-root user (65532); copy that directory from the build stage with --chown=65532:65532 (or mount a volume there), keep WORKDIR out of /root, and use ports from 1024 up',
  },
  {
    output: 'PermissionError: [Errno 13] Permission denied: \'/app/cache\'',
    cause: 'permission-denied',
    line: 'permission denied: /app/cache is not writable or readable by the image\'s non-root user (65532); copy that directory from the build stage with --chown=65532:65532 (or mount a volume there), keep WORKDIR out of /root, and use ports from 1024 up',
  },
  {
    output: 'panic: unknown time zone Europe/Paris',
    cause: 'unknown-time-zone',
    line: 'unknown time zone Europe/Paris: the runtime image has no time zone database for it; on .NET use the -chiseled-extra image (it adds tzdata), elsewhere copy /usr/share/zoneinfo from the build stage or embed it (Go: import _ "time/tzdata")',
  },
  {
    output: 'zoneinfo._common.ZoneInfoNotFoundError: \'No time zone found with key Europe/Paris\'',
    cause: 'unknown-time-zone',
    line: 'unknown time zone Europe/Paris: the runtime image has no time zone database for it; on .NET use the -chiseled-extra image (it adds tzdata), elsewhere copy /usr/share/zoneinfo from the build stage or embed it (Go: import _ "time/tzdata")',
  },
  {
    output: 'Unhandled exception. System.Globalization.CultureNotFoundException: Only the invariant culture is supported in globalization-invariant mode. See https://aka.ms/GlobalizationInvariantMode for more information. (Parameter \'name\')',
    cause: 'unknown-culture',
    line: 'CultureNotFoundException: the runtime image has no ICU; use the -chiseled-extra image, which adds ICU and tzdata, or set InvariantGlobalization in the project if the app needs no cultures',
  },
];

for (const c of CASES) {
  test(`verify diagnosis: ${c.cause}: ${c.output.split('\n').pop()}`, () => {
    assert.deepEqual(diagnose(c.output), { cause: c.cause, line: c.line });
  });
}

test('verify diagnosis: output that names no known cause gives none', () => {
  assert.equal(diagnose('listening on :8080'), undefined);
  assert.equal(diagnose(''), undefined);
  // A data file the app opens is not a program it runs (Python words both alike; only subprocess's frame differs).
  assert.equal(diagnose('Traceback (most recent call last):\n  File "/app/main.py", line 3, in <module>\n    open(\'config\')\nFileNotFoundError: [Errno 2] No such file or directory: \'config\''), undefined);
});

test('verify verdict: the diagnosis joins the problems only when the converted container failed', () => {
  const ok: ImageReport = { image: 'o', built: true, started: true, stayedUp: true, ports: [{ port: 8080, protocol: 'tcp', answering: true }] };
  const ended: ImageReport = { image: 'c', built: true, started: true, stayedUp: false, exitCode: 127, logs: 'exec /app: no such file or directory', ports: [{ port: 8080, protocol: 'tcp', answering: false }] };
  const problems = judge(ok, ended);
  assert.equal(problems.length, 3);
  assert.match(problems[2], /^why: the program's interpreter is missing: \/app exists/);
  // Up and answering: what it logged is not a failure to explain.
  assert.deepEqual(judge(ok, { ...ok, image: 'c', logs: 'open /tmp/x: permission denied' }), []);
});
