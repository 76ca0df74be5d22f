import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { after, afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { SIDECAR_LABEL } from '../../../server/src/docker';
import { ensureShelllessImage, ensureToolsImage, removeTestContainersNamed, startTarget, TOOLS_IMAGE } from '../../docker/fixtures';
import { containerPrefix, engineOrSkip, EVENT_TIMEOUT_MS, extensionApi, nextEvent, VSCODE_TEST_LABEL, watchEngine } from './helpers';

const PREFIX = containerPrefix('sidecar');
/** A sidecar's start includes creating the container and attaching to it; give a cold engine room. */
const SIDECAR_TIMEOUT_MS = 30_000;

describe('Attach Debug Shell (real Docker engine)', () => {
  let docker: Docker | undefined;
  const terminals: vscode.Terminal[] = [];

  before(async function () {
    docker = await engineOrSkip(this);
    await removeTestContainersNamed(docker, PREFIX, VSCODE_TEST_LABEL);
    await ensureShelllessImage(docker);
    await ensureToolsImage(docker);
  });

  afterEach(() => {
    // A failed test must not leave its sidecar running behind an open terminal.
    for (const t of terminals.splice(0)) t.dispose();
  });

  after(async () => {
    if (docker) await removeTestContainersNamed(docker, PREFIX, VSCODE_TEST_LABEL);
  });

  it('opens a terminal in a sidecar labelled with its target, and removes the sidecar when the terminal closes', async function () {
    const engine = docker ?? (await engineOrSkip(this));
    await extensionApi();
    const name = `${PREFIX}-web`;
    const target = await startTarget(engine, { name, label: VSCODE_TEST_LABEL });
    const label = `${SIDECAR_LABEL}=${target.id}`;

    const events = await watchEngine(engine, { type: ['container'], label: [label] });
    try {
      const opened = nextEvent(vscode.window.onDidOpenTerminal, (t) => t.name === `Debug: ${name}`, EVENT_TIMEOUT_MS, `a terminal named "Debug: ${name}"`);
      // The argument is what our view's row passes to the command.
      await vscode.commands.executeCommand('distroless.attachDebugShell', target.id);
      const terminal = await opened;
      terminals.push(terminal);

      const started = await events.next((e) => e.Action === 'start', SIDECAR_TIMEOUT_MS, `a container labelled ${label} starting`);
      const sidecars = await engine.listContainers({ filters: { label: [label] } });
      assert.deepEqual(sidecars.map((c) => c.Id), [started.Actor.ID], 'exactly one sidecar for the target, running');
      const sidecar = await engine.getContainer(started.Actor.ID).inspect();
      assert.equal(sidecar.Config.Image, TOOLS_IMAGE);
      assert.equal(sidecar.HostConfig.PidMode, `container:${target.id}`, 'it shares the target\'s processes');
      assert.equal(sidecar.State.Running, true);

      const closed = nextEvent(vscode.window.onDidCloseTerminal, (t) => t === terminal, EVENT_TIMEOUT_MS, 'the debug terminal to close');
      terminal.dispose();
      await closed;
      await events.next((e) => e.Action === 'destroy' && e.Actor.ID === started.Actor.ID, SIDECAR_TIMEOUT_MS, 'the sidecar being removed');
      assert.deepEqual(await engine.listContainers({ all: true, filters: { label: [label] } }), [], 'no sidecar left, running or stopped');
      assert.equal((await engine.getContainer(target.id).inspect()).State.Running, true, 'the target keeps running');
    } finally {
      events.dispose();
    }
  });
});
