import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/engine/testing';
import {
  Command, commandsOf, installedPackages, packageChanges, packageName, parseShell, parseShellInstruction, shellOf,
} from '../../server/src/engine/testing';

/** One line per command: depth, assignments, words, redirects, connector. */
function render(commands: Command[]): string[] {
  return commands.map((c) => {
    const parts = [`${c.depth}${c.exec ? ' exec' : ''}:`];
    for (const a of c.assignments) parts.push(`${a.value} `);
    parts.push(`[${c.words.map((w) => w.value).join(', ')}]`);
    for (const r of c.redirects) parts.push(` ${r.fd ?? ''}${r.op}${r.target?.value ?? ''}`);
    if (c.next) parts.push(` ${JSON.stringify(c.next)}`);
    return parts.join('');
  });
}

/** Every character of every word maps back to the same character of the text it was read from. */
function assertOffsets(text: string, commands: Command[]): void {
  for (const c of commands) {
    for (const w of [...c.words, ...c.assignments]) {
      assert.equal(w.at.length, w.value.length + 1, `offsets of ${w.value}`);
      for (let k = 0; k < w.value.length; k++) assert.equal(text[w.at[k]], w.value[k], `character ${k} of "${w.value}"`);
      assert.ok(w.start <= w.at[0] && w.end >= w.at[w.value.length - 1] + 1, `span of "${w.value}"`);
    }
  }
}

const RUNS: Array<{ name: string; text: string; commands: string[]; flags?: string[]; exec?: boolean }> = [
  {
    name: 'chains with continuations',
    text: 'RUN apt-get update && apt-get install -y curl ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*',
    commands: ['0:[apt-get, update] "&&"', '0:[apt-get, install, -y, curl, ca-certificates] "&&"', '0:[rm, -rf, /var/lib/apt/lists/*]'],
  },
  {
    name: 'a comment line inside a continuation is dropped, as Docker does',
    text: 'RUN apk add \\\n# the compiler\n    gcc \\\n\n    musl-dev',
    commands: ['0:[apk, add, gcc, musl-dev]'],
  },
  {
    name: 'exec form',
    text: 'RUN ["apk", "add", "--no-cache", "curl"]',
    commands: ['0 exec:[apk, add, --no-cache, curl]'],
    exec: true,
  },
  {
    name: 'exec form running sh -c reads the script',
    text: 'RUN ["/bin/sh", "-c", "apt-get install -y curl && rm -rf /tmp/x"]',
    commands: ['0 exec:[/bin/sh, -c, apt-get install -y curl && rm -rf /tmp/x]', '1:[apt-get, install, -y, curl] "&&"', '1:[rm, -rf, /tmp/x]'],
    exec: true,
  },
  {
    name: 'flags before the command',
    text: 'RUN --mount=type=cache,target=/root/.cache --network=none pip install -r requirements.txt',
    commands: ['0:[pip, install, -r, requirements.txt]'],
    flags: ['mount=type=cache,target=/root/.cache', 'network=none'],
  },
  {
    name: 'environment prefixes are assignments, not the program',
    text: 'RUN CGO_ENABLED=0 GOOS=linux go build -o /app .',
    commands: ['0:CGO_ENABLED=0 GOOS=linux [go, build, -o, /app, .]'],
  },
  {
    name: 'pipes, ||, ; and background jobs',
    text: 'RUN curl -fsSL https://example.com/install | sh; true || echo no & wait',
    commands: ['0:[curl, -fsSL, https://example.com/install] "|"', '0:[sh] ";"', '0:[true] "||"', '0:[echo, no] "&"', '0:[wait]'],
  },
  {
    name: 'quoted operators stay in their word',
    text: `RUN echo "a && b" 'c|d' && ls`,
    commands: ['0:[echo, a && b, c|d] "&&"', '0:[ls]'],
  },
  {
    name: 'sh -c in shell form reads the quoted script',
    text: `RUN sh -c 'apk add curl && rm -rf /tmp/*'`,
    commands: ['0:[sh, -c, apk add curl && rm -rf /tmp/*]', '1:[apk, add, curl] "&&"', '1:[rm, -rf, /tmp/*]'],
  },
  {
    name: 'if/then/fi and for loops: the programs inside',
    text: 'RUN if [ -f x ]; then apk add y; fi && for p in a b; do pip install $p; done',
    commands: ['0:[[, -f, x, ]] ";"', '0:[apk, add, y] ";"', '0:[pip, install, $p] ";"'],
  },
  {
    name: 'sudo and exec wrappers',
    text: 'RUN sudo -E -u root apt-get install -y x && exec node server.js',
    commands: ['0:[apt-get, install, -y, x] "&&"', '0:[node, server.js]'],
  },
  {
    name: 'redirects are not arguments',
    text: 'RUN apt-get install -y curl > /dev/null 2>&1 && cat < in.txt',
    commands: ['0:[apt-get, install, -y, curl] >/dev/null 2>&1 "&&"', '0:[cat] <in.txt'],
  },
  {
    name: 'command substitution stays in one word',
    text: 'RUN echo $(cat a | wc -l) "$(date +%s)" && ls',
    commands: ['0:[echo, $(cat a | wc -l), $(date +%s)] "&&"', '0:[ls]'],
  },
  {
    name: 'a RUN that is only a here-document runs it as the script',
    text: 'RUN <<EOF\napk add curl\npip install flask\nEOF',
    commands: ['0:[] <<EOF "\\n"', '1:[apk, add, curl] "\\n"', '1:[pip, install, flask] "\\n"'],
  },
  {
    name: 'a here-document given to a shell is its script',
    text: 'RUN bash <<-EOF\n\tset -e\n\tapk add git\n\tEOF',
    commands: ['0:[bash] <<-EOF "\\n"', '1:[set, -e] "\\n"', '1:[apk, add, git] "\\n"'],
  },
  {
    name: 'a here-document given to another program is its data',
    text: "RUN cat <<'EOF' > /etc/app.conf && echo done\napk add x\nEOF",
    commands: ['0:[cat] <<EOF >/etc/app.conf "&&"', '0:[echo, done] "\\n"'],
  },
  {
    name: 'a here-document script with a non-shell #! line is not shell',
    text: 'RUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF',
    commands: ['0:[] <<EOF "\\n"'],
  },
  {
    name: 'a here-document script with a shell #! line is shell',
    text: 'RUN <<EOF\n#!/bin/bash\napk add jq\nEOF',
    commands: ['0:[] <<EOF "\\n"', '1:[apk, add, jq] "\\n"'],
  },
  {
    name: 'HEALTHCHECK CMD in shell form',
    text: 'HEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1',
    commands: ['0:[curl, -f, http://localhost/] "||"', '0:[exit, 1]'],
    flags: ['interval=5s'],
  },
  {
    name: 'invalid JSON is shell form, as Docker runs it',
    text: "RUN ['apk', 'add']",
    commands: ['0:[[apk,, add]]'],
  },
];

for (const c of RUNS) {
  test(`shell: ${c.name}`, () => {
    const base = 7;
    const document = `${' '.repeat(base)}${c.text}`;
    const parsed = parseShellInstruction(c.text, base);
    assert.deepEqual(render(parsed.commands), c.commands);
    assert.deepEqual(parsed.flags.map((f) => (f.value === undefined ? f.name : `${f.name}=${f.value}`)), c.flags ?? []);
    for (const f of parsed.flags) assert.equal(document.slice(f.start, f.end), `--${f.name}=${f.value}`);
    assert.equal(parsed.exec, c.exec ?? false);
    assertOffsets(document, parsed.commands);
  });
}

test('shell: word offsets are document offsets across continuations', () => {
  const text = 'FROM alpine\nRUN apk add \\\n    curl \\\n    jq\n';
  const model = buildModel(text);
  const run = model.stages[0].instructions[0];
  const [command] = commandsOf(model, run);
  assert.deepEqual(command.words.map((w) => text.slice(w.start, w.end)), ['apk', 'add', 'curl', 'jq']);
  assert.equal(shellOf(model, run), shellOf(model, run), 'read once per instruction');
});

test('shell: the escape directive changes the continuation character', () => {
  const text = '# escape=`\nFROM alpine\nRUN apk add `\n    curl\n';
  const model = buildModel(text);
  assert.deepEqual(commandsOf(model, model.stages[0].instructions[0]).map((c) => c.words.map((w) => w.value)), [['apk', 'add', 'curl']]);
});

test('shell: escapes and JSON escapes resolve in values', () => {
  assert.deepEqual(parseShell('echo a\\ b "x\\"y" $\'z\'').map((c) => c.words.map((w) => w.value)), [['echo', 'a b', 'x"y', 'z']]);
  const exec = parseShellInstruction('RUN ["echo", "a\\"b", "\\u0041"]');
  assert.deepEqual(exec.commands[0].words.map((w) => w.value), ['echo', 'a"b', 'A']);
});

test('shell: case patterns are not commands', () => {
  assert.deepEqual(render(parseShell('case "$ARCH" in\n  amd64) apk add x ;;\n  *) echo no ;;\nesac')),
    ['0:[apk, add, x] ";;"', '0:[echo, no] ";;"']);
});

const PACKAGES: Array<{ name: string; script: string; changes: string[]; shipped: string[] }> = [
  {
    name: 'apk --virtual group removed by apk del in the same RUN',
    script: 'apk add --no-cache --virtual .build-deps gcc musl-dev && pip install uwsgi && apk del .build-deps && apk add libpq',
    changes: ['apk install gcc musl-dev (group .build-deps)', 'pip install uwsgi', 'apk remove .build-deps', 'apk install libpq'],
    shipped: ['uwsgi', 'libpq'],
  },
  {
    name: 'apk -t is --virtual',
    script: 'apk add -t .deps build-base && make && apk del .deps',
    changes: ['apk install build-base (group .deps)', 'apk remove .deps'],
    shipped: [],
  },
  {
    name: 'apt-get purge --auto-remove',
    script: 'apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 gnupg && curl x | gpg && apt-get purge -y --auto-remove curl',
    changes: ['apt-get install curl=7.88.1-10 gnupg', 'apt-get remove curl (auto-remove)'],
    shipped: ['gnupg'],
  },
  {
    name: 'apt remove and apt-get autoremove',
    script: 'apt install -y wget tar && apt remove -y wget && apt-get autoremove -y',
    changes: ['apt install wget tar', 'apt remove wget', 'apt-get remove (auto-remove)'],
    shipped: ['tar'],
  },
  {
    name: 'pip uninstall, python -m pip, requirement files and local paths',
    script: 'python3 -m pip install --no-cache-dir -r requirements.txt uvicorn "requests[socks]>=2" . && pip3 uninstall -y uvicorn',
    changes: ['pip install uvicorn requests[socks]>=2', 'pip remove uvicorn'],
    shipped: ['requests'],
  },
  {
    name: 'rpm managers share one database, tdnf included',
    script: 'microdnf install -y shadow-utils && tdnf install -y curl && dnf remove -y curl && yum erase -y shadow-utils',
    changes: ['microdnf install shadow-utils', 'tdnf install curl', 'dnf remove curl', 'yum remove shadow-utils'],
    shipped: [],
  },
  {
    name: 'zypper in / rm',
    script: 'zypper --non-interactive in -y git && zypper rm -y git',
    changes: ['zypper install git', 'zypper remove git'],
    shipped: [],
  },
  {
    name: 'a removal by another manager removes nothing of this one',
    script: 'apk add curl && pip uninstall -y curl',
    changes: ['apk install curl', 'pip remove curl'],
    shipped: ['curl'],
  },
  {
    name: 'variables and options with values are not packages; a whole-word variable is a list that ships',
    script: 'apt-get -o Acquire::Retries=3 install -y -t bookworm-backports $PKGS linux-perf',
    changes: ['apt-get install linux-perf'],
    shipped: ['linux-perf', '$PKGS'],
  },
  {
    name: 'a list in a variable removed by the same variable is gone (${X} and $X are one list)',
    script: 'apk add ${buildDeps} "$runDeps" && make && apk del $buildDeps',
    changes: ['apk install', 'apk remove'],
    shipped: ['$runDeps'],
  },
];

for (const c of PACKAGES) {
  test(`packages: ${c.name}`, () => {
    const commands = parseShell(c.script);
    assert.deepEqual(packageChanges(commands).map((p) =>
      `${p.manager} ${p.action}${p.packages.map((w) => ` ${w.value}`).join('')}${p.group ? ` (group ${p.group})` : ''}${p.autoRemove ? ' (auto-remove)' : ''}`), c.changes);
    assert.deepEqual(installedPackages(commands).filter((p) => !p.removedBy).map((p) => p.name), c.shipped);
  });
}

test('packages: names without pins or extras', () => {
  assert.deepEqual(['curl=7.88', 'bash~5', 'requests[socks]>=2', 'Flask==3.0', 'pkg@1'].map((value) => packageName({ value })),
    ['curl', 'bash', 'requests', 'flask', 'pkg']);
});

test('packages: a removal in a later RUN does not count as the same RUN', () => {
  const model = buildModel('FROM alpine\nRUN apk add curl\nRUN apk del curl\n');
  const [add] = model.stages[0].instructions;
  assert.deepEqual(installedPackages(commandsOf(model, add)).map((p) => [p.name, p.removedBy === undefined]), [['curl', true]]);
});
