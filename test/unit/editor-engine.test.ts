import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { DockerService } from '../../server/src/docker';
import { EngineManager, EngineState, isConnectionFailure } from '../../server/src/docker/engineManager';
import { parseEventLine, watchEngineEvents } from '../../server/src/docker/engineEvents';
import { LISTING_HELPER_LABEL } from '../../server/src/docker/containers';
import { sessionLabelFor, SIDECAR_SESSION_LABEL } from '../../server/src/docker/sidecarIdentity';

const fakeService = (description: string) => ({ endpoint: { description } }) as unknown as DockerService;

describe('engine manager', () => {
  it('connects once for concurrent callers and reports the states', async () => {
    let connects = 0;
    const manager = new EngineManager(async () => {
      connects++;
      return fakeService('unix:///x.sock (default)');
    });
    const states: EngineState[] = [];
    manager.onDidChangeStatus((s) => states.push(s.state));
    assert.equal(manager.engineStatus.state, 'unknown');
    const [a, b] = await Promise.all([manager.get(), manager.get()]);
    assert.equal(a, b);
    assert.equal(connects, 1);
    assert.deepEqual(states, ['connecting', 'reachable']);
    assert.equal(manager.engineStatus.endpoint, 'unix:///x.sock (default)');
  });

  it('forgets a failed connection so the next call tries again', async () => {
    let fail = true;
    const manager = new EngineManager(async () => {
      if (fail) throw new Error('no engine');
      return fakeService('ok');
    });
    await assert.rejects(manager.get(), /no engine/);
    assert.equal(manager.engineStatus.state, 'unreachable');
    assert.equal(manager.engineStatus.error?.message, 'no engine');
    fail = false;
    await manager.get();
    assert.equal(manager.engineStatus.state, 'reachable');
  });

  it('ignores the outcome of a connection made stale by invalidate()', async () => {
    let release!: () => void;
    const manager = new EngineManager(() => new Promise((resolve) => (release = () => resolve(fakeService('old')))));
    const old = manager.get();
    manager.invalidate();
    release();
    await old;
    assert.equal(manager.engineStatus.state, 'connecting', 'the stale success is not reported as the current state');
  });

  it('tells socket failures from request failures', () => {
    assert.equal(isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isConnectionFailure(Object.assign(new Error('no such container'), { statusCode: 404 })), false);
    assert.equal(isConnectionFailure(new Error('plain')), false);
  });
});

describe('engine events', () => {
  it('parses Docker and Podman event lines, container events only', () => {
    assert.deepEqual(parseEventLine('{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web"}}}'), { action: 'start', id: 'abc', name: 'web' });
    assert.deepEqual(parseEventLine('{"status":"die","id":"abc"}'), { action: 'die', id: 'abc', name: undefined });
    assert.deepEqual(parseEventLine('{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"abc"}}'), { action: 'health_status', id: 'abc', name: undefined });
    assert.equal(parseEventLine('{"Type":"network","Action":"connect","Actor":{"ID":"n"}}'), undefined);
    assert.equal(parseEventLine('not json'), undefined);
  });

  it("drops the events of this tool's own listing helpers (each expanded directory makes one), not a look-alike's", () => {
    process.env.DISTROLESS_STATE_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'engine-events-key-'));
    const name = 'web-list-1';
    const event = (labels: Record<string, string>) => JSON.stringify({ Type: 'container', Action: 'destroy', Actor: { ID: 'h', Attributes: { name, ...labels } } });
    assert.equal(parseEventLine(event({ [LISTING_HELPER_LABEL]: 'ls', [SIDECAR_SESSION_LABEL]: sessionLabelFor(name) })), undefined);
    // A label alone proves nothing: anyone's container can carry it, and the view must still follow it.
    assert.deepEqual(parseEventLine(event({ [LISTING_HELPER_LABEL]: 'ls', [SIDECAR_SESSION_LABEL]: 'feed.0123456789abcdef0123456789abcdef' })), { action: 'destroy', id: 'h', name });
    // A debug sidecar's events still refresh the view (its row and sessions change).
    assert.deepEqual(parseEventLine(event({ [SIDECAR_SESSION_LABEL]: sessionLabelFor(name) })), { action: 'destroy', id: 'h', name });
  });

  it('backs off exponentially while the engine is unreachable, and stops on dispose', async () => {
    const attempts: number[] = [];
    const errors: string[] = [];
    const start = Date.now();
    const watcher = watchEngineEvents({
      docker: async () => {
        attempts.push(Date.now() - start);
        throw new Error('engine down');
      },
      onEvent: () => assert.fail('no events without an engine'),
      onDisconnected: (e) => errors.push(e.message),
      initialDelayMs: 20,
      maxDelayMs: 80,
    });
    await new Promise((r) => setTimeout(r, 400));
    watcher.dispose();
    const count = attempts.length;
    // 0, 20, 60, 140, 220, 300, 380: a busy loop would make hundreds.
    assert.ok(count >= 4 && count <= 8, `attempts at ${attempts.join(', ')} ms`);
    for (let i = 2; i < attempts.length; i++) assert.ok(attempts[i]! - attempts[i - 1]! >= 15, `gap before attempt ${i}`);
    assert.ok(errors.every((m) => m === 'engine down'));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(attempts.length, count, 'no attempts after dispose');
  });

  it('resubscribes after the stream ends and reports each connection', async () => {
    const { PassThrough } = await import('node:stream');
    const streams: InstanceType<typeof PassThrough>[] = [];
    const fakeDocker = {
      getEvents: async () => {
        const s = new PassThrough();
        streams.push(s);
        return s;
      },
    } as unknown as Docker;
    const events: string[] = [];
    let connections = 0;
    const watcher = watchEngineEvents({ docker: async () => fakeDocker, onEvent: (e) => events.push(`${e.action}:${e.id}`), onConnected: () => connections++, initialDelayMs: 10 });
    await watcher.connected;
    // A line split across chunks is put back together.
    streams[0]!.write('{"Type":"container","Action":"st');
    streams[0]!.write('art","Actor":{"ID":"a"}}\n{"Type":"container","Action":"die","Actor":{"ID":"a"}}\n');
    await new Promise((r) => setTimeout(r, 10));
    streams[0]!.end();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(streams.length, 2, 'reconnected once');
    streams[1]!.write('{"Type":"container","Action":"destroy","Actor":{"ID":"a"}}\n');
    await new Promise((r) => setTimeout(r, 10));
    watcher.dispose();
    assert.deepEqual(events, ['start:a', 'die:a', 'destroy:a']);
    assert.equal(connections, 2);
  });
});
