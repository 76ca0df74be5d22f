import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/engine/testing';
import {
  CopyInstruction, chainCopies, goBuildsFromBase, originOf, placedInstructions, resolvePath, stageChainFromBase, stageChainToBase,
} from '../../server/src/engine/testing';

test('stage chains: the order is in the name', () => {
  const model = buildModel('FROM golang:1.23 AS base\nFROM base AS build\nFROM build AS test\nFROM alpine\n');
  const [, , testStage, last] = model.stages;
  assert.deepEqual(stageChainFromBase(testStage).map((s) => s.name), ['base', 'build', 'test']);
  assert.deepEqual(stageChainToBase(testStage).map((s) => s.name), ['test', 'build', 'base']);
  assert.deepEqual(stageChainFromBase(last).map((s) => s.index), [3]);
});

function describeCopy(c: CopyInstruction): string {
  const f = c.flags;
  const flags = [
    f.from !== undefined ? `from=${f.from}` : '', f.link ? 'link' : '', f.chown ? `chown=${f.chown}` : '', f.chmod ? `chmod=${f.chmod}` : '',
    f.parents ? 'parents' : '', ...f.exclude.map((e) => `exclude=${e}`), f.checksum ? `checksum=${f.checksum}` : '',
  ].filter(Boolean).join(' ');
  const from = c.fromStage ? `stage ${c.fromStage.name ?? c.fromStage.index}` : c.fromImage !== undefined ? `image ${c.fromImage}` : 'context';
  return `${c.keyword} [${flags}] ${from}: ${c.heredoc ? '<<heredoc' : c.sources.join(' ')} -> ${c.destinationPath}${c.destinationIsDirectory ? '/' : ''}`;
}

const COPIES: Array<{ name: string; lines: string[]; copies: string[] }> = [
  {
    name: 'COPY --link --from names the stage (dockerfile-ast only reads --from when it is the only flag)',
    lines: ['FROM golang:1.23 AS build', 'FROM scratch', 'COPY --link --from=build /out/app /usr/local/bin/app'],
    copies: ['COPY [from=build link] stage build: /out/app -> /usr/local/bin/app'],
  },
  {
    name: 'COPY --from with --chown and --chmod, flags in any order',
    lines: ['FROM node:22 AS deps', 'FROM gcr.io/distroless/nodejs22-debian12', 'WORKDIR /app',
      'COPY --chmod=0755 --from=deps --chown=nonroot:nonroot /app/node_modules ./node_modules'],
    copies: ['COPY [from=deps chown=nonroot:nonroot chmod=0755] stage deps: /app/node_modules -> /app/node_modules'],
  },
  {
    name: 'COPY --from by index; a later stage of the name is not visible',
    lines: ['FROM alpine', 'RUN touch /x', 'FROM alpine AS later', 'COPY --from=0 /x /x', 'COPY --from=final /y /y', 'FROM alpine AS final', 'FROM later'],
    copies: ['COPY [from=0] stage 0: /x -> /x', 'COPY [from=final] image final: /y -> /y'],
  },
  {
    name: '--parents, --exclude (repeated) and several sources make a directory destination',
    lines: ['FROM alpine', 'WORKDIR /srv', 'COPY --parents --exclude=*.md --exclude=*.txt src/ docs/ dst'],
    copies: ['COPY [parents exclude=*.md exclude=*.txt] context: src/ docs/ -> /srv/dst/'],
  },
  {
    name: 'ADD --checksum, and COPY --from an image',
    lines: ['FROM alpine', 'ADD --checksum=sha256:abc https://example.com/t.tar.gz /opt/', 'COPY --from=nginx:alpine /etc/nginx /etc/nginx'],
    copies: ['ADD [checksum=sha256:abc] context: https://example.com/t.tar.gz -> /opt/', 'COPY [from=nginx:alpine] image nginx:alpine: /etc/nginx -> /etc/nginx'],
  },
  {
    name: 'here-document COPY and exec form',
    lines: ['FROM alpine', 'COPY <<EOF /etc/app.conf', 'key=value', 'EOF', 'COPY ["a b.txt", "/data/"]'],
    copies: ['COPY [] context: <<heredoc -> /etc/app.conf', 'COPY [] context: a b.txt -> /data/'],
  },
  {
    name: 'WORKDIR relative, with variables, inherited by a child stage',
    lines: ['FROM node:22 AS base', 'ENV APP=/home/node/app', 'WORKDIR $APP', 'WORKDIR src', 'FROM base', 'COPY . .'],
    copies: ['COPY [] context: . -> /home/node/app/src/'],
  },
];

for (const c of COPIES) {
  test(`copies: ${c.name}`, () => {
    const model = buildModel(c.lines.join('\n'));
    assert.deepEqual(chainCopies(model, model.shipped ?? model.stages[0]).map(describeCopy), c.copies);
  });
}

test('placed instructions carry the WORKDIR they run in', () => {
  const model = buildModel('FROM alpine AS a\nRUN pwd\nWORKDIR /w\nRUN pwd\nFROM a\nWORKDIR ../v\nRUN pwd\n');
  const { placed, workdir } = placedInstructions(model, model.stages[1]);
  assert.deepEqual(placed.filter((p) => p.instruction.getKeyword() === 'RUN').map((p) => p.workdir), ['/', '/w', '/v']);
  assert.equal(workdir, '/v');
});

test('provenance: where a path of the stage came from, through --link and --chown', () => {
  const model = buildModel([
    'FROM node:22 AS build',
    'WORKDIR /src',
    'RUN npm ci && npm run build',
    'FROM node:22-slim AS runtime',
    'WORKDIR /app',
    'COPY --link --from=build /src/dist ./dist',
    'COPY --from=build --chown=node:node /src/package.json ./',
    'COPY server.js ./',
    'FROM runtime',
  ].join('\n'));
  const shipped = model.shipped;
  assert.ok(shipped);
  const origin = (path: string) => {
    const o = originOf(model, shipped, path);
    return o ? `${o.fromStage ? `stage ${o.fromStage.name}` : 'context'}:${o.source}` : undefined;
  };
  assert.equal(origin('/app/dist/index.js'), 'stage build:/src/dist/index.js');
  assert.equal(origin('/app/dist'), 'stage build:/src/dist');
  assert.equal(origin('/app/package.json'), 'stage build:/src/package.json');
  assert.equal(origin('/app/server.js'), 'context:server.js');
  assert.equal(origin('/etc/passwd'), undefined);
});

function describeBuild(model: ReturnType<typeof buildModel>): string[] {
  return goBuildsFromBase(model, model.stages[model.stages.length - 1]).map((b) =>
    `${b.install ? 'install' : 'build'}${b.tool ? ' tool' : ''} cgo=${b.cgo ?? '?'} out=${b.output ?? '?'} at=${b.paths.join(',') || '?'}`);
}

const BUILDS: Array<{ name: string; lines: string[]; builds: string[] }> = [
  {
    name: 'go build -o, then mv into a bin directory',
    lines: ['FROM golang:1.23', 'WORKDIR /src', 'RUN CGO_ENABLED=0 go build -o bin/app ./cmd/app && mv bin/app /usr/local/bin'],
    builds: ['build cgo=0 out=/src/bin/app at=/usr/local/bin/app'],
  },
  {
    name: 'cp keeps both places; a later RUN moves it on',
    lines: ['FROM golang:1.23', 'RUN go build -o /out/app . && cp /out/app /srv/', 'RUN mv /srv/app /srv/server'],
    builds: ['build cgo=? out=/out/app at=/out/app,/srv/server'],
  },
  {
    name: 'go install: GOBIN or GOPATH/bin, @version dropped; ./... names no one binary',
    lines: ['FROM golang:1.23', 'ENV GOPATH=/gopath', 'RUN go install github.com/go-delve/delve/cmd/dlv@latest && go install ./...'],
    builds: ['install cgo=? out=/gopath/bin/dlv at=/gopath/bin/dlv', 'install cgo=? out=? at=?'],
  },
  {
    name: 'go install tool is the Go 1.24 tool meta-package, not a binary',
    lines: ['FROM golang:1.24', 'RUN go install tool'],
    builds: ['install tool cgo=? out=? at=?'],
  },
  {
    name: 'CGO_ENABLED from ENV, ARG, export, go env -w, env prefix',
    lines: [
      'FROM golang:1.23 AS a', 'ENV CGO_ENABLED=1', 'RUN go build -o /a .',
      'FROM a', 'ARG CGO_ENABLED=0', 'RUN go build -o /b . && export CGO_ENABLED=1 && go build -o /c .',
      'RUN go env -w CGO_ENABLED=1', 'RUN go build -o /d . && env CGO_ENABLED=0 GOOS=linux go build -o /e -ldflags "-s -w" .',
    ],
    builds: ['build cgo=1 out=/a at=/a', 'build cgo=0 out=/b at=/b', 'build cgo=1 out=/c at=/c', 'build cgo=1 out=/d at=/d', 'build cgo=0 out=/e at=/e'],
  },
  {
    name: 'a cd earlier in the same RUN moves where relative paths land; the next RUN starts at the WORKDIR again',
    lines: ['FROM golang:1.23', 'WORKDIR /src', 'RUN cd /cni && go build -o ./bin/ptp ./plugins/ptp && mv bin/ptp /usr/local/bin', 'RUN go build -o bin/app .'],
    builds: ['build cgo=? out=/cni/bin/ptp at=/usr/local/bin/ptp', 'build cgo=? out=/src/bin/app at=/src/bin/app'],
  },
  {
    name: 'an inline GOBIN= decides where go install puts the binary',
    lines: ['FROM golang:1.23', 'RUN GOBIN=/usr/local/bin go install github.com/google/go-licenses@latest'],
    builds: ['install cgo=? out=/usr/local/bin/go-licenses at=/usr/local/bin/go-licenses'],
  },
  {
    name: '-o a directory or a variable: the name is not known',
    lines: ['FROM golang:1.23', 'RUN go build -o /out/ ./... && go build -o $OUT .'],
    builds: ['build cgo=? out=? at=?', 'build cgo=? out=? at=?'],
  },
];

for (const c of BUILDS) {
  test(`go builds: ${c.name}`, () => {
    assert.deepEqual(describeBuild(buildModel(c.lines.join('\n'))), c.builds);
  });
}

test('resolvePath normalises against the WORKDIR', () => {
  assert.equal(resolvePath('./a/../b/', '/w'), '/w/b');
  assert.equal(resolvePath('/x/./y', '/w'), '/x/y');
  assert.equal(resolvePath('.', '/'), '/');
});
