/**
 * The pure halves of `distroless convert --build`: the ELF reader (on this machine's own
 * programs and libc), the plain-wrapper reading of start scripts, and conversions given
 * the evidence a built image yields (exact output). The engine half, which builds the
 * fixtures, is test/docker/convert-grounded.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { readElf, librarySearchPath, ldSoConfDirectories, isMuslInterpreter } from '../../../server/src/docker/elf';
import { convert, plainWrapper, type GroundedEvidence } from '../../../server/src/engine/testing';
import { memoryWorkspace, FACTS_DATE } from '../../support/ruleTable';
import { assertCleanConversion } from './support';

const TRUE = ['/bin/true', '/usr/bin/true'].find((f) => fs.existsSync(f));
const LIBC = ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/aarch64-linux-gnu/libc.so.6'].find((f) => fs.existsSync(f));

test('ELF: a dynamically linked program names its loader and needs libc', { skip: TRUE ? false : 'no /bin/true here' }, () => {
  const bytes = fs.readFileSync(TRUE!);
  const read = readElf(bytes);
  assert.ok('elf' in read);
  if (!('elf' in read)) return;
  assert.match(read.elf.interpreter ?? '', /^\/lib(?:64)?\/ld-linux-[\w-]+\.so\.\d$/);
  assert.ok(read.elf.needed.includes('libc.so.6'), read.elf.needed.join(','));
  assert.equal(read.elf.isStatic, false);
  assert.equal(isMuslInterpreter(read.elf.interpreter), false);
  // A prefix too short for the dynamic section says how much to read.
  const short = readElf(bytes.subarray(0, 200));
  assert.ok('needBytes' in short && short.needBytes > 200);
});

test('ELF: libc is a library with a soname and no DT_NEEDED on itself', { skip: LIBC ? false : 'no libc.so.6 here' }, () => {
  const read = readElf(fs.readFileSync(LIBC!));
  assert.ok('elf' in read);
  if ('elf' in read) assert.equal(read.elf.soname, 'libc.so.6');
});

test('ELF: not an ELF file; musl loader; search path with RUNPATH and ld.so.conf', () => {
  assert.deepEqual(readElf(Buffer.from('#!/bin/sh\necho hi\n')), { notElf: true });
  assert.equal(isMuslInterpreter('/lib/ld-musl-x86_64.so.1'), true);
  assert.deepEqual(librarySearchPath(['$ORIGIN/../lib'], '/opt/app/bin', ['/usr/local/lib/x86_64-linux-gnu'], 62).slice(0, 4), ['/opt/app/bin/../lib', '/usr/local/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu']);
  assert.deepEqual(ldSoConfDirectories('# libc default configuration\n/usr/local/lib\ninclude /etc/ld.so.conf.d/*.conf\n'), { dirs: ['/usr/local/lib'], includes: ['/etc/ld.so.conf.d/*.conf'] });
});

const WRAPPERS: Array<{ name: string; script: string; result: ReturnType<typeof plainWrapper> }> = [
  {
    name: 'defaults, echo and exec "$@"',
    script: '#!/bin/sh\n# defaults\nset -e\nexport GREETING="${GREETING:-hello there}"\nexport PORT="${PORT:-8080}"\necho "starting on $PORT"\nexec /src/server --log json "$@"\n',
    result: { env: [['GREETING', 'hello there'], ['PORT', '8080']], exec: ['/src/server', '--log', 'json'], passesArguments: true },
  },
  {
    name: 'plain assignment and : "${X:=d}", last command without exec',
    script: '#!/bin/bash\nset -euo pipefail\nMODE=production\n: "${WORKERS:=4}"\n/usr/local/bin/app\n',
    result: { env: [['MODE', 'production'], ['WORKERS', '4']], exec: ['/usr/local/bin/app'], passesArguments: false },
  },
  {
    name: 'a variable in the program\'s arguments needs a shell',
    script: '#!/bin/sh\nexec /app --port "$PORT"\n',
    result: { refuse: 'line 2 of /start.sh (exec /app --port "$PORT") needs a shell (variables, pipes, conditions or several commands), and the runtime image has none: start the program directly, and convert again' },
  },
  {
    name: 'a condition needs a shell',
    script: '#!/bin/sh\nif [ -n "$DEBUG" ]; then set -x; fi\nexec /app\n',
    result: { refuse: 'line 2 of /start.sh (if [ -n "$DEBUG" ]; then set -x; fi) needs a shell (variables, pipes, conditions or several commands), and the runtime image has none: start the program directly, and convert again' },
  },
  {
    name: 'a computed value needs a shell',
    script: '#!/bin/sh\nexport HOST=$(hostname)\nexec /app\n',
    result: { refuse: 'line 2 of /start.sh (export HOST=$(hostname)) computes HOST with the shell, and the runtime image has none: set it with ENV, and convert again' },
  },
];

for (const w of WRAPPERS) {
  test(`start script as a plain wrapper: ${w.name}`, () => {
    assert.deepEqual(plainWrapper(w.script, '/start.sh'), w.result);
  });
}

/** Conversions with the evidence a built image gives, exact output. */
const GROUNDED: Array<{ name: string; dockerfile: string; files?: Record<string, string>; evidence: GroundedEvidence; expected?: string; refusal?: string }> = [
  {
    name: 'Go behind a wrapper script: ENV defaults and ENTRYPOINT the binary',
    dockerfile: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o server .\nEXPOSE 8080\nENTRYPOINT ["./start.sh"]\n',
    files: { 'go.mod': 'module example.com/hello\n' },
    evidence: { entrypoint: ['./start.sh'], cmd: [], workdir: '/src', program: { path: '/src/start.sh', kind: 'script', script: '#!/bin/sh\nset -e\nexport GREETING="${GREETING:-hi}"\nexec /src/server "$@"\n' } },
    expected: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o server .\nEXPOSE 8080\nENTRYPOINT ["./start.sh"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nEXPOSE 8080\nWORKDIR /src\nCOPY --from=build /src/server /app\nENV GREETING=hi\nENTRYPOINT ["/app"]\n',
  },
  {
    name: 'C program linking libncursesw from apt: the libraries the image\'s loader found are copied, cc-debian13',
    dockerfile: 'FROM gcc:14\nRUN apt-get update && apt-get install -y libncursesw5-dev\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/tui main.c -lncursesw\nCMD ["/usr/local/bin/tui"]\n',
    evidence: { entrypoint: [], cmd: ['/usr/local/bin/tui'], workdir: '/src', program: { path: '/usr/local/bin/tui', kind: 'elf', interpreter: '/lib64/ld-linux-x86-64.so.2', musl: false, isStatic: false, libraries: [
      { soname: 'libncursesw.so.6', path: '/usr/lib/x86_64-linux-gnu/libncursesw.so.6' }, { soname: 'libtinfo.so.6', path: '/usr/lib/x86_64-linux-gnu/libtinfo.so.6' }, { soname: 'libc.so.6', path: '/usr/lib/x86_64-linux-gnu/libc.so.6' },
    ] } },
    expected: 'FROM gcc:14 AS build\nRUN apt-get update && apt-get install -y libncursesw5-dev\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/tui main.c -lncursesw\nCMD ["/usr/local/bin/tui"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage "build", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y libncursesw5-dev\n# Libraries the program links that the runtime image lacks, read from the built image: libncursesw.so.6, libtinfo.so.6.\nFROM gcr.io/distroless/cc-debian13:nonroot\nWORKDIR /src\nCOPY --from=build /usr/local/bin/tui /app\nCOPY --from=build /usr/lib/x86_64-linux-gnu/libncursesw.so.6 /usr/lib/x86_64-linux-gnu/libncursesw.so.6\nCOPY --from=build /usr/lib/x86_64-linux-gnu/libtinfo.so.6 /usr/lib/x86_64-linux-gnu/libtinfo.so.6\nENTRYPOINT ["/app"]\n',
  },
  {
    name: 'a C program started through PATH: the image says which file it is, so it converts instead of being refused',
    dockerfile: 'FROM gcc:14\nWORKDIR /src\nCOPY . .\nRUN make && cp server /usr/local/bin/\nEXPOSE 8080\nCMD ["server", "--port", "8080"]\n',
    evidence: { entrypoint: [], cmd: ['server', '--port', '8080'], workdir: '/src', program: { path: '/usr/local/bin/server', kind: 'elf', interpreter: '/lib64/ld-linux-x86-64.so.2', musl: false, isStatic: false, libraries: [{ soname: 'libc.so.6', path: '/usr/lib/x86_64-linux-gnu/libc.so.6' }] } },
    expected: 'FROM gcc:14 AS build\nWORKDIR /src\nCOPY . .\nRUN make && cp server /usr/local/bin/\nEXPOSE 8080\nCMD ["server", "--port", "8080"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/cc-debian13:nonroot\nEXPOSE 8080\nWORKDIR /src\nCOPY --from=build /usr/local/bin/server /app\nENTRYPOINT ["/app"]\nCMD ["--port", "8080"]\n',
  },
  {
    name: 'a musl program (Alpine loader) is refused naming the interpreter',
    dockerfile: 'FROM alpine:3.20\nRUN apk add --no-cache build-base\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/srv srv.c\nCMD ["/usr/local/bin/srv"]\n',
    evidence: { entrypoint: [], cmd: ['/usr/local/bin/srv'], workdir: '/src', program: { path: '/usr/local/bin/srv', kind: 'elf', interpreter: '/lib/ld-musl-x86_64.so.1', musl: true, isStatic: false, libraries: [] } },
    refusal: 'the start program /usr/local/bin/srv in the built image is linked against musl (its interpreter is /lib/ld-musl-x86_64.so.1), which the glibc distroless images do not have: link it statically (CGO_ENABLED=0, -static) or build it on a Debian image, and convert again',
  },
  {
    name: 'a wrapper that computes its arguments is refused naming the line',
    dockerfile: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o server .\nENTRYPOINT ["./run"]\n',
    files: { 'go.mod': 'module example.com/hello\n' },
    evidence: { entrypoint: ['./run'], cmd: [], workdir: '/src', program: { path: '/src/run', kind: 'script', script: '#!/bin/sh\nexec /src/server -addr ":$PORT"\n' } },
    refusal: 'line 2 of /src/run (exec /src/server -addr ":$PORT") needs a shell (variables, pipes, conditions or several commands), and the runtime image has none: start the program directly, and convert again',
  },
];

for (const c of GROUNDED) {
  test(`grounded conversion: ${c.name}`, () => {
    const workspace = c.files ? memoryWorkspace(c.files) : undefined;
    const result = convert(c.dockerfile, { workspace }, c.evidence);
    if (c.refusal !== undefined) {
      assert.equal(result.ok ? result.text : result.reason, c.refusal);
      return;
    }
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.text, c.expected);
    assertCleanConversion(c.dockerfile, result.text, { workspace, today: FACTS_DATE });
  });
}
