/**
 * The pieces behind "never lose the user's file, never a stack trace", table by table:
 * the open-tail check, references Docker accepts, engine errors in words, backups,
 * atomic writes and the CLI's last-resort error line.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { openTail } from '../../server/src/engine/testing';
import { analyze, fixAll } from '../../server/src/engine/testing';
import { checkContainerRef, checkImageRef, dockerRunCommand, InvalidReferenceError, toDockerError } from '../../server/src/docker';
import { backupFile, writeFileAtomic } from '../../server/src/host/atomicWrite';
import { reportInternalError } from '../../server/src/cli/internalError';
import type { SidecarPlan } from '../../server/src/docker';

describe('openTail', () => {
  const CASES: Array<{ text: string; line?: number; reason?: RegExp }> = [
    { text: 'FROM a\nRUN <<EOF\nx\nEOF\n' },
    { text: 'FROM a\nRUN <<EOF\nx\nEOF' },
    { text: 'FROM a\r\nRUN <<EOF\r\nx\r\nEOF\r\n' },
    { text: 'FROM a\nRUN <<EOF\nx\n', line: 1, reason: /heredoc <<EOF opened on line 2/ },
    { text: 'FROM a\nRUN <<EOF\nx\nEOF  \n', line: 1, reason: /heredoc <<EOF/ },
    { text: 'FROM a\nRUN <<-EOF\nx\n\tEOF\n' },
    { text: 'FROM a\nCOPY <<A <<B /dst/\na\nA\nb\n', line: 1, reason: /heredoc <<B opened on line 2/ },
    { text: 'FROM a\nRUN echo \\\n', line: 1, reason: /line continuation \(\\ at the end of line 2\)/ },
    { text: 'FROM a\nRUN echo \\   \n\n', line: 1, reason: /line continuation/ },
    { text: 'FROM a\nRUN echo \\\n  hi\n' },
    { text: 'FROM a\nRUN echo hi\n# trailing comment \\\n' },
    { text: '# escape=`\nFROM a\nRUN echo `\n', line: 2, reason: /line continuation \(` at the end of line 3\)/ },
    { text: '# escape=`\nFROM a\nRUN dir c:\\\n' },
    { text: 'FROM a\nCMD echo <<EOF\n' },
    { text: '' },
  ];
  for (const c of CASES) {
    it(JSON.stringify(c.text), () => {
      const tail = openTail(c.text);
      if (c.line === undefined) return assert.equal(tail, undefined);
      assert.ok(tail, 'an open tail');
      assert.equal(tail.start.line, c.line);
      assert.match(tail.reason, c.reason!);
    });
  }

  it('fix-all holds back a fix of the unfinished last instruction, says why, and is stable', () => {
    const text = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD /app --serve \\\n';
    const once = fixAll(analyze(text));
    assert.equal(once.text, text);
    assert.match(once.heldBack ?? '', /line continuation \(\\ at the end of line 3\)/);
    assert.deepEqual(once.applied, []);
  });

  it('fix-all still fixes what lies before an open tail', () => {
    const text = 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD /app --serve\nRUN <<EOF\nx\n';
    const once = fixAll(analyze(text));
    assert.equal(once.text, 'FROM gcr.io/distroless/static-debian13:nonroot\nCMD ["/app", "--serve"]\nRUN <<EOF\nx\n');
    assert.equal(once.heldBack, undefined);
    assert.equal(fixAll(analyze(once.text)).text, once.text);
  });
});

describe('container and image references', () => {
  for (const ok of ['app', 'my_app.1-2', 'a', 'f00dfeed', '/app']) it(`accepts container ${ok}`, () => assert.equal(checkContainerRef(ok), ok.replace(/^\//, '')));
  for (const bad of ['a;b', 'x y', '../x', 'rel-t1/../x', '-x', '--privileged', '', '.hidden', 'a/b', 'é']) {
    it(`refuses container ${JSON.stringify(bad)}`, () => assert.throws(() => checkContainerRef(bad), InvalidReferenceError));
  }
  for (const ok of ['busybox', 'busybox:latest', 'nicolaka/netshoot:v0.13', 'registry.example.com:5000/team/tools:1.2', `busybox@sha256:${'a'.repeat(64)}`, 'localhost/x', `sha256:${'b'.repeat(64)}`, '[::1]:5000/t']) {
    it(`accepts image ${ok}`, () => assert.equal(checkImageRef(ok), ok));
  }
  for (const bad of ['--privileged', '-v', 'a b', 'Busybox', 'x:', 'x;rm -rf /', '../x']) {
    it(`refuses image ${JSON.stringify(bad)}`, () => assert.throws(() => checkImageRef(bad), InvalidReferenceError));
  }

  const plan: SidecarPlan = {
    targetId: 'f'.repeat(64), targetName: 'app', image: 'busybox:latest', command: ['sh'], mode: 'match', user: '1000:1000',
    capAdd: [], capDrop: [], privileged: false, tty: true, stdin: true, labels: {}, joinedAs: '',
  };
  it('a docker run line never carries an option-like value', () => {
    assert.equal(dockerRunCommand(plan), "docker run --rm -it --pid=container:app --network=container:app --user 1000:1000 busybox:latest sh");
    assert.throws(() => dockerRunCommand({ ...plan, image: '--privileged' }), /"--privileged" is not a valid image/);
    assert.throws(() => dockerRunCommand({ ...plan, targetName: '-x' }), /"-x" is not a valid container/);
    assert.throws(() => dockerRunCommand(plan, { engineArgs: ['--host', '--privileged'] }), /not a valid engine option value/);
  });
});

describe('engine errors in words', () => {
  const engineError = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });
  const CASES: Array<[unknown, RegExp]> = [
    [engineError(301, ''), /^The engine redirected the request while debugging x \(HTTP 301\): a name with characters Docker does not allow\. Use the container's name or ID as `docker ps` shows it\.$/],
    [engineError(404, 'No such container: x'), /^The engine has no such object while debugging x \(HTTP 404\) \(the engine said: No such container: x\)\. Check the name with `docker ps -a`/],
    [engineError(409, 'container is paused'), /\(HTTP 409\) \(the engine said: container is paused\)\. The container may be paused, restarting or being removed/],
    [engineError(500, 'boom'), /\(HTTP 500\) \(the engine said: boom\)\. Check the engine's log/],
    [Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }), /^Lost the connection to the Docker engine while debugging x \(ECONNREFUSED\)/],
    [Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }), /^Permission denied on the Docker engine's socket/],
  ];
  for (const [error, expected] of CASES) it(String((error as Error).message), () => assert.match(toDockerError(error, 'debugging x').message, expected));
});

describe('files on disk', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-write-'));

  it('backups take the first free name and never replace a file', () => {
    const d = dir();
    const file = path.join(d, 'Dockerfile');
    fs.writeFileSync(file, 'one');
    assert.equal(backupFile(file), `${file}.bak`);
    fs.writeFileSync(file, 'two');
    assert.equal(backupFile(file), `${file}.bak.1`);
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), 'one');
    assert.equal(fs.readFileSync(`${file}.bak.1`, 'utf8'), 'two');
    assert.deepEqual(fs.readdirSync(d).sort(), ['Dockerfile', 'Dockerfile.bak', 'Dockerfile.bak.1']);
  });

  it('an atomic write keeps the mode and refuses what is not a regular file, leaving nothing behind', () => {
    const d = dir();
    const file = path.join(d, 'Dockerfile');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o600);
    writeFileAtomic(file, 'new');
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.equal(fs.statSync(file).mode & 0o7777, 0o600);
    assert.throws(() => writeFileAtomic(d, 'x', 'the folder'), /the folder: cannot write it: it is not a regular file\. Nothing was written\./);
    assert.deepEqual(fs.readdirSync(d), ['Dockerfile']);
  });

  it('a write into a missing folder names the cause and leaves nothing', () => {
    const d = dir();
    assert.throws(() => writeFileAtomic(path.join(d, 'nope', 'Dockerfile'), 'x', 'nope/Dockerfile'), /^Error: nope\/Dockerfile: cannot write the file: no such file or folder\. Check the path\. The original is unchanged\.$|no such file or folder/);
  });
});

describe('the CLI\'s last-resort error line', () => {
  it('is one line with a pointer to a log file holding the stack, and exit 3', () => {
    let out = '';
    const stderr = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } });
    const code = reportInternalError(new TypeError('cannot read properties of undefined'), { stderr, env: {} });
    assert.equal(code, 3);
    const match = /^distroless: internal error \(a bug, please report it\): TypeError: cannot read properties of undefined; the details are in (.+\.log)\.\n$/.exec(out);
    assert.ok(match, out);
    const log = fs.readFileSync(match[1], 'utf8');
    assert.match(log, /\n\s+at /, 'the stack is in the log');
    fs.unlinkSync(match[1]);
  });
});
