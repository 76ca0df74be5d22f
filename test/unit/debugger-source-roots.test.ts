import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finalStageCopies, goSourceRoots, matchSourceRoots, nodeScriptPath } from '../../client/src/debugger/sourceRoots';

describe('the script a node argv runs', () => {
  const cases: Array<[string[], string, string | undefined]> = [
    [['/nodejs/bin/node', 'server.js'], '/app', '/app/server.js'],
    [['node', '--enable-source-maps', '-r', './tracing.js', 'dist/main.js', '--port', '80'], '/srv', '/srv/dist/main.js'],
    [['node', '/abs/index.mjs'], '/app', '/abs/index.mjs'],
    [['node', '--inspect-port', '9339', 'a.js'], '', '/a.js'],
    [['node', '-e', 'setInterval(()=>{},1000)'], '/app', undefined],
    [['node'], '/app', undefined],
  ];
  for (const [argv, cwd, expected] of cases) it(argv.join(' '), () => assert.equal(nodeScriptPath(argv, cwd), expected));
});

describe('COPY lines of the final stage', () => {
  it('keeps the WORKDIR each runs in, skips --from, globs, variables and URLs, joins continuations', () => {
    const text = [
      'FROM node:22 AS build',
      'WORKDIR /build',
      'COPY package.json ./',
      'FROM gcr.io/distroless/nodejs22-debian13',
      '# a comment',
      'WORKDIR /app',
      'COPY --from=build /build/node_modules ./node_modules',
      'COPY --chown=65532:65532 src/ \\',
      '  ./src/',
      'COPY *.json ./',
      'COPY ${APP} ./',
      'ADD https://example.com/x.tgz /tmp/',
      'WORKDIR lib',
      'COPY ["a b.js", "c.js", "./"]',
    ].join('\n');
    assert.deepEqual(finalStageCopies(text), [
      { sources: ['src/'], dest: './src/', workdir: '/app' },
      { sources: ['a b.js', 'c.js'], dest: './', workdir: '/app/lib' },
    ]);
  });
});

describe('matching a container script to workspace files', () => {
  let root: string;
  const isFile = (p: string) => fs.existsSync(p) && fs.statSync(p).isFile();
  const isDirectory = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'roots-'));
    for (const f of ['web/server.js', 'api/src/main.js', 'api/src/lib/x.js', 'one/index.js']) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), '');
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const df = (dir: string, text: string) => ({ path: path.join(root, dir, 'Dockerfile'), text });

  it('COPY server.js ./ under WORKDIR /app: the Dockerfile folder is /app', () =>
    assert.deepEqual(matchSourceRoots([df('web', 'FROM x\nWORKDIR /app\nCOPY server.js ./\nCMD ["server.js"]')], '/app/server.js', isFile, isDirectory), {
      localRoot: path.join(root, 'web'),
      remoteRoot: '/app',
      dockerfile: path.join(root, 'web', 'Dockerfile'),
    }));
  it('COPY src/ /srv/: the src folder is /srv, found in the second Dockerfile', () =>
    assert.deepEqual(matchSourceRoots([df('web', 'FROM x\nCOPY server.js /app/'), df('api', 'FROM x\nCOPY src/ /srv/')], '/srv/lib/x.js', isFile, isDirectory), {
      localRoot: path.join(root, 'api', 'src'),
      remoteRoot: '/srv',
      dockerfile: path.join(root, 'api', 'Dockerfile'),
    }));
  it('COPY . . and a file copied onto a folder without a trailing slash', () => {
    assert.equal(matchSourceRoots([df('api', 'FROM x\nWORKDIR /w\nCOPY . .')], '/w/src/main.js', isFile, isDirectory)?.localRoot, path.join(root, 'api'));
    assert.equal(matchSourceRoots([df('one', 'FROM x\nWORKDIR /opt/app\nCOPY index.js /opt/app')], '/opt/app/index.js', isFile, isDirectory)?.remoteRoot, '/opt/app');
  });
  it('no match: another script, a file only in a build stage, a source outside the context', () => {
    assert.equal(matchSourceRoots([df('web', 'FROM x\nWORKDIR /app\nCOPY server.js ./')], '/app/other.js', isFile, isDirectory), undefined);
    assert.equal(matchSourceRoots([df('web', 'FROM x AS b\nCOPY server.js /app/\nFROM y\nCOPY --from=b /app /app')], '/app/server.js', isFile, isDirectory), undefined);
    assert.equal(matchSourceRoots([df('web', 'FROM x\nCOPY ../api/src /srv')], '/srv/main.js', isFile, isDirectory), undefined);
  });
});

describe('Go: the build stage the binary is copied from', () => {
  let root: string;
  const isFile = (p: string) => fs.existsSync(p) && fs.statSync(p).isFile();
  const isDirectory = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'go-roots-'));
    for (const f of ['ticker/go.mod', 'ticker/main.go', 'svc/cmd/server/main.go', 'svc/go.mod']) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), '');
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const df = (dir: string, text: string) => ({ path: path.join(root, dir, 'Dockerfile'), text });

  it('COPY go.mod main.go ./ in WORKDIR /src of the stage the final COPY --from names', () =>
    assert.deepEqual(
      goSourceRoots([df('ticker', 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod main.go ./\nRUN go build -o /out/ticker .\n\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /out/ticker /app/ticker\nENTRYPOINT ["/app/ticker"]')], '/app/ticker', isFile, isDirectory),
      { localRoot: path.join(root, 'ticker'), remoteRoot: '/src', dockerfile: path.join(root, 'ticker', 'Dockerfile') },
    ));
  it('COPY . . in a stage named in another case, the binary copied into a folder', () =>
    assert.deepEqual(
      goSourceRoots([df('svc', 'FROM golang AS Builder\nWORKDIR /go/src/app\nCOPY . .\nRUN go build -o /server ./cmd/server\nFROM scratch\nCOPY --from=builder /server /usr/local/bin/')], '/usr/local/bin/server', isFile, isDirectory)?.remoteRoot,
      '/go/src/app',
    ));
  it('no match: another executable, or a stage that copies no sources', () => {
    assert.equal(goSourceRoots([df('ticker', 'FROM golang AS build\nWORKDIR /src\nCOPY . .\nFROM scratch\nCOPY --from=build /out/ticker /app/ticker')], '/app/other', isFile, isDirectory), undefined);
    assert.equal(goSourceRoots([df('ticker', 'FROM golang AS build\nRUN go install example.com/x@latest\nFROM scratch\nCOPY --from=build /go/bin/x /x')], '/x', isFile, isDirectory), undefined);
  });
});
