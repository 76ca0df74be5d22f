import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepDebuggeeOnDisconnect, startedByAttachDebugger } from '../../client/src/debugger/keepDebuggee';

describe('keepDebuggeeOnDisconnect: a disconnect never asks the adapter to terminate the target', () => {
  const cases: Array<[string, unknown, boolean, unknown]> = [
    ['Stop: terminateDebuggee true is turned off', { seq: 7, type: 'request', command: 'disconnect', arguments: { restart: false, terminateDebuggee: true } }, true, { seq: 7, type: 'request', command: 'disconnect', arguments: { restart: false, terminateDebuggee: false } }],
    ['Disconnect: already false', { type: 'request', command: 'disconnect', arguments: { terminateDebuggee: false } }, false, { type: 'request', command: 'disconnect', arguments: { terminateDebuggee: false } }],
    ['no arguments', { type: 'request', command: 'disconnect' }, false, { type: 'request', command: 'disconnect' }],
    ['another request', { type: 'request', command: 'terminate', arguments: { restart: false } }, false, { type: 'request', command: 'terminate', arguments: { restart: false } }],
    ['a response named disconnect', { type: 'response', command: 'disconnect', success: true }, false, { type: 'response', command: 'disconnect', success: true }],
    ['not a message', undefined, false, undefined],
  ];
  for (const [name, message, changed, after] of cases) {
    it(name, () => {
      assert.equal(keepDebuggeeOnDisconnect(message), changed);
      assert.deepEqual(message, after);
    });
  }
});

describe('startedByAttachDebugger: our sessions and the child sessions js-debug starts under them', () => {
  const ours = { configuration: { distrolessSession: 'forward-1' } };
  const cases: Array<[string, Parameters<typeof startedByAttachDebugger>[0], boolean]> = [
    ['the session Attach Debugger started', ours, true],
    ['js-debug\'s child session for the target', { configuration: {}, parentSession: ours }, true],
    ['a grandchild (a worker)', { configuration: {}, parentSession: { configuration: {}, parentSession: ours } }, true],
    ['a user\'s own launch session', { configuration: {} }, false],
    ['a child of a user\'s session', { configuration: {}, parentSession: { configuration: {} } }, false],
    ['no session', undefined, false],
  ];
  for (const [name, session, expected] of cases) {
    it(name, () => assert.equal(startedByAttachDebugger(session), expected));
  }
});
