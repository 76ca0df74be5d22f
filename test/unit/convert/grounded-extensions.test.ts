/**
 * Grounded conversion of apps with native extensions and of apps run as root in a
 * directory root owns (issue 24): given the evidence a built image yields
 * (server/src/docker/imageEvidence.ts), exact output. The engine half, which builds the
 * fixtures python-native and go-writes-workdir, is test/docker/convert-grounded-apps.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { convert, type GroundedEvidence } from '../../../server/src/engine/testing';
import { memoryWorkspace, FACTS_DATE } from '../../support/ruleTable';
import { assertCleanConversion } from './support';

const LIB = '/usr/lib/x86_64-linux-gnu';
const PYTHON_PROGRAM: GroundedEvidence['program'] = { path: '/usr/local/bin/python', kind: 'elf', interpreter: '/lib64/ld-linux-x86-64.so.2', musl: false, isStatic: false, libraries: [{ soname: 'libc.so.6', path: `${LIB}/libc.so.6` }] };
const NODE_PROGRAM: GroundedEvidence['program'] = { path: '/usr/local/bin/node', kind: 'elf', interpreter: '/lib64/ld-linux-x86-64.so.2', musl: false, isStatic: false, libraries: [{ soname: 'libc.so.6', path: `${LIB}/libc.so.6` }] };
const EXTENSION = '/app/site-packages/yamlver.cpython-313-x86_64-linux-gnu.so';

const PYTHON_NATIVE = 'FROM python:3.13\nRUN apt-get update && apt-get install -y --no-install-recommends libyaml-dev\nWORKDIR /app\nCOPY . .\nRUN pip install --no-build-isolation --target /app/site-packages ./yamlver\nENV PYTHONPATH=/app/site-packages\nEXPOSE 8080\nCMD ["python", "app.py"]\n';
const PYTHON_BUILD = 'FROM python:3.13-slim-trixie AS build\nRUN apt-get update && apt-get install -y --no-install-recommends libyaml-dev\nWORKDIR /app\nCOPY . .\nRUN pip install --no-build-isolation --target /app/site-packages ./yamlver\nENV PYTHONPATH=/app/site-packages\nEXPOSE 8080\nCMD ["python", "app.py"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage "build", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y --no-install-recommends libyaml-dev\n';
const PYTHON_RUNTIME = 'FROM gcr.io/distroless/python3-debian13:nonroot\nENV PYTHONPATH=/app/site-packages\nEXPOSE 8080\nWORKDIR /app\nCOPY --from=build /app /app\n';

function pythonEvidence(extensions: GroundedEvidence['extensions'], more: Partial<GroundedEvidence> = {}): GroundedEvidence {
  return { entrypoint: [], cmd: ['python', 'app.py'], workdir: '/app', program: PYTHON_PROGRAM, extensions, ...more };
}

const CASES: Array<{ name: string; dockerfile: string; files?: Record<string, string>; evidence: GroundedEvidence; expected?: string; refusal?: string }> = [
  {
    name: 'a Python C extension linking libyaml: the library the python3 image lacks is copied from the build stage',
    dockerfile: PYTHON_NATIVE,
    evidence: pythonEvidence({ searched: ['/app/site-packages'], unread: [], files: [{ path: EXTENSION, musl: false, libraries: [{ soname: 'libyaml-0.so.2', path: `${LIB}/libyaml-0.so.2` }, { soname: 'libc.so.6', path: `${LIB}/libc.so.6` }] }] }),
    expected: `${PYTHON_BUILD}# Libraries native extensions link that the python3 image lacks, read from the built image: libyaml-0.so.2 (yamlver.cpython-313-x86_64-linux-gnu.so).\n${PYTHON_RUNTIME}COPY --from=build ${LIB}/libyaml-0.so.2 ${LIB}/libyaml-0.so.2\nENV PYTHONPATH=/app/site-packages\nCMD ["app.py"]\n`,
  },
  {
    name: 'a wheel whose extension finds its bundled libraries through $ORIGIN: they come with site-packages, nothing is added',
    dockerfile: 'FROM python:3.13\nWORKDIR /app\nCOPY . .\nRUN pip install numpy==2.1.3\nCMD ["python", "app.py"]\n',
    evidence: pythonEvidence({ searched: ['/usr/local/lib/python3.13/site-packages'], unread: [], files: [{ path: '/usr/local/lib/python3.13/site-packages/numpy/_core/_multiarray_umath.cpython-313-x86_64-linux-gnu.so', musl: false, libraries: [
      { soname: 'libscipy_openblas64_-ff651d7f.so', path: '/usr/local/lib/python3.13/site-packages/numpy/_core/../../numpy.libs/libscipy_openblas64_-ff651d7f.so' },
      { soname: 'libgfortran-040039e1.so.5.0.0', path: '/usr/local/lib/python3.13/site-packages/numpy/_core/../../numpy.libs/libgfortran-040039e1.so.5.0.0' },
      { soname: 'libm.so.6', path: `${LIB}/libm.so.6` }, { soname: 'libc.so.6', path: `${LIB}/libc.so.6` },
    ] }] }),
    expected: 'FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nRUN pip install numpy==2.1.3\nCMD ["python", "app.py"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD ["app.py"]\n',
  },
  {
    name: 'an extension of an apt-installed module (dist-packages the conversion does not carry) is not the runtime\'s concern',
    dockerfile: PYTHON_NATIVE,
    evidence: pythonEvidence({ searched: ['/app/site-packages', '/usr/lib/python3/dist-packages'], unread: [], files: [{ path: '/usr/lib/python3/dist-packages/yaml/_yaml.cpython-313-x86_64-linux-gnu.so', musl: false, libraries: [{ soname: 'libyaml-0.so.2', path: `${LIB}/libyaml-0.so.2` }] }] }),
    expected: `${PYTHON_BUILD}${PYTHON_RUNTIME}ENV PYTHONPATH=/app/site-packages\nCMD ["app.py"]\n`,
  },
  {
    name: 'an extension built against musl (an Alpine build) is refused by name',
    dockerfile: 'FROM python:3.13-alpine\nWORKDIR /app\nCOPY . .\nRUN pip install --target /app/site-packages ./yamlver\nENV PYTHONPATH=/app/site-packages\nCMD ["python", "app.py"]\n',
    evidence: pythonEvidence({ searched: ['/app/site-packages'], unread: [], files: [{ path: EXTENSION.replace('x86_64-linux-gnu', 'x86_64-linux-musl'), musl: true, libraries: [] }] }),
    refusal: 'the native extension /app/site-packages/yamlver.cpython-313-x86_64-linux-musl.so in the built image is linked against musl (Alpine\'s C library), and the distroless python3 image has glibc only: build the app\'s packages on a Debian image so they are compiled for glibc, and convert --build again',
  },
  {
    name: 'a library the built image lacks too is said, not copied; a capped read is said',
    dockerfile: PYTHON_NATIVE,
    evidence: pythonEvidence({ searched: ['/app/site-packages'], unread: ['/app/site-packages/big/_huge.so'], capped: 'only the first 64 extension files were read', files: [{ path: EXTENSION, musl: false, libraries: [{ soname: 'libyaml-0.so.2' }, { soname: 'libc.so.6', path: `${LIB}/libc.so.6` }] }] }),
    expected: `${PYTHON_BUILD}# The built image does not have libyaml-0.so.2 (for yamlver.cpython-313-x86_64-linux-gnu.so) either: importing that extension fails there as here.\n# Native extensions not all read: only the first 64 extension files were read; 1 extension file was too large to read (/app/site-packages/big/_huge.so); the libraries of the rest are unchecked, run with --verify.\n${PYTHON_RUNTIME}ENV PYTHONPATH=/app/site-packages\nCMD ["app.py"]\n`,
  },
  {
    name: 'a Node.js addon built from source (canvas) linking cairo: its closure beyond cc is copied, Node.js itself (libnode) is not',
    dockerfile: 'FROM node:22\nRUN apt-get update && apt-get install -y libcairo2-dev\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nEXPOSE 8080\nCMD ["node", "server.js"]\n',
    files: { 'package.json': '{"name":"app","dependencies":{"canvas":"^2.11.2"}}' },
    evidence: { entrypoint: [], cmd: ['node', 'server.js'], workdir: '/usr/src/app', program: NODE_PROGRAM, extensions: { searched: ['/usr/src/app/node_modules'], unread: [], files: [{ path: '/usr/src/app/node_modules/canvas/build/Release/canvas.node', musl: false, libraries: [
      { soname: 'libnode.so.115', path: `${LIB}/libnode.so.115` }, { soname: 'libcairo.so.2', path: `${LIB}/libcairo.so.2` }, { soname: 'libstdc++.so.6', path: `${LIB}/libstdc++.so.6` }, { soname: 'libc.so.6', path: `${LIB}/libc.so.6` }, { soname: 'libpixman-1.so.0', path: `${LIB}/libpixman-1.so.0` },
    ] }] } },
    expected: 'FROM node:22 AS build\nRUN apt-get update && apt-get install -y libcairo2-dev\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nEXPOSE 8080\nCMD ["node", "server.js"]\nRUN npm prune --omit=dev\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage "build", because they cannot run here or do not apply:\n#   RUN apt-get update && apt-get install -y libcairo2-dev\n# Libraries native extensions link that the nodejs image lacks, read from the built image: libcairo.so.2 (canvas.node), libpixman-1.so.0 (canvas.node).\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nEXPOSE 8080\nWORKDIR /usr/src/app\nCOPY --from=build /usr/src/app /usr/src/app\nCOPY --from=build /usr/lib/x86_64-linux-gnu/libcairo.so.2 /usr/lib/x86_64-linux-gnu/libcairo.so.2\nCOPY --from=build /usr/lib/x86_64-linux-gnu/libpixman-1.so.0 /usr/lib/x86_64-linux-gnu/libpixman-1.so.0\nCMD ["server.js"]\n',
  },
  {
    name: 'an app the original ran as root in a directory root owns: the comment says a write there fails as non-root',
    dockerfile: 'FROM golang:1.22\nWORKDIR /srv\nCOPY . .\nRUN go build -o server .\nEXPOSE 8080\nCMD ["./server"]\n',
    files: { 'go.mod': 'module example.com/hello\n' },
    evidence: { entrypoint: [], cmd: ['./server'], workdir: '/srv', user: '', workdirOwner: 0, program: { path: '/srv/server', kind: 'elf', interpreter: '/lib64/ld-linux-x86-64.so.2', musl: false, isStatic: false, libraries: [{ soname: 'libc.so.6', path: `${LIB}/libc.so.6` }] } },
    expected: 'FROM golang:1.22 AS build\nWORKDIR /srv\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o server .\nEXPOSE 8080\nCMD ["./server"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# The original ran as root in /srv, which root owns; here the app runs as a non-root user: if it writes there (a pid or cache file), make the directory its own with COPY --from=build --chown=65532:65532 /srv /srv before WORKDIR (verify reports such a write as permission denied).\nFROM gcr.io/distroless/static-debian13:nonroot\nEXPOSE 8080\nWORKDIR /srv\nCOPY --from=build /srv/server /app\nENTRYPOINT ["/app"]\n',
  },
  {
    name: 'the same app already run as a user of its own: nothing to say',
    dockerfile: 'FROM golang:1.22\nWORKDIR /srv\nCOPY . .\nRUN go build -o server .\nUSER 1000\nEXPOSE 8080\nCMD ["./server"]\n',
    files: { 'go.mod': 'module example.com/hello\n' },
    evidence: { entrypoint: [], cmd: ['./server'], workdir: '/srv', user: '1000', workdirOwner: 0, program: { path: '/srv/server', kind: 'elf', interpreter: '/lib64/ld-linux-x86-64.so.2', musl: false, isStatic: false, libraries: [{ soname: 'libc.so.6', path: `${LIB}/libc.so.6` }] } },
    expected: 'FROM golang:1.22 AS build\nWORKDIR /srv\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o server .\nUSER 1000\nEXPOSE 8080\nCMD ["./server"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Not carried over from the build stage "build", because they cannot run here or do not apply:\n#   USER 1000\nFROM gcr.io/distroless/static-debian13:nonroot\nEXPOSE 8080\nWORKDIR /srv\nCOPY --from=build /srv/server /app\nENTRYPOINT ["/app"]\n',
  },
  {
    name: 'WORKDIR /root/: the static conversion moves it to the user\'s home, so no note',
    dockerfile: 'FROM golang:1.22\nWORKDIR /root/\nCOPY . .\nRUN go build -o server .\nEXPOSE 8080\nCMD ["./server"]\n',
    files: { 'go.mod': 'module example.com/hello\n' },
    evidence: { entrypoint: [], cmd: ['./server'], workdir: '/root/', user: '', workdirOwner: 0, program: { path: '/root/server', kind: 'elf', interpreter: '/lib64/ld-linux-x86-64.so.2', musl: false, isStatic: false, libraries: [{ soname: 'libc.so.6', path: `${LIB}/libc.so.6` }] } },
    expected: 'FROM golang:1.22 AS build\nWORKDIR /root/\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o server .\nEXPOSE 8080\nCMD ["./server"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\n# Paths under /root now name /home/nonroot: /root is readable only by root there, and the image runs as a non-root user.\nFROM gcr.io/distroless/static-debian13:nonroot\nEXPOSE 8080\nWORKDIR /home/nonroot\nCOPY --from=build /root/server /app\nENTRYPOINT ["/app"]\n',
  },
];

for (const c of CASES) {
  test(`grounded conversion: ${c.name}`, () => {
    const workspace = c.files ? memoryWorkspace(c.files) : undefined;
    const result = convert(c.dockerfile, { workspace }, c.evidence);
    if (process.env.PRINT) console.log(`---- ${c.name}\n${result.ok ? result.text : result.reason}`);
    if (c.refusal !== undefined) {
      assert.equal(result.ok ? result.text : result.reason, c.refusal);
      return;
    }
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.text, c.expected);
    assertCleanConversion(c.dockerfile, result.text, { workspace, today: FACTS_DATE });
  });
}
