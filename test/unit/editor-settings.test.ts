import { resolveEngineCandidates } from '../../server/src/docker';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  effectiveValue,
  engineConnectOptions,
  EXTRA_CAPS_SETTING,
  GO_DEBUGGER_IMAGE_SETTING,
  HOST_SETTING,
  IMAGE_SETTING,
  InspectedValue,
  MODE_SETTING,
  modeFromSetting,
  resolveSidecarSettings,
  sectionUnderTrust,
} from '../../client/src/settings/sidecarSettings';

function inspector(values: Record<string, InspectedValue<unknown>>) {
  return (key: string) => values[key];
}

describe('effective setting value', () => {
  const all = { defaultValue: 'd', globalValue: 'g', workspaceValue: 'w', workspaceFolderValue: 'f' };

  it('takes the most specific value in a trusted workspace', () => {
    assert.deepEqual(effectiveValue(all, true, true), { value: 'f', ignored: false });
    assert.deepEqual(effectiveValue({ ...all, workspaceFolderValue: undefined }, true, true), { value: 'w', ignored: false });
  });

  it('skips workspace values of restricted settings when untrusted, and says so', () => {
    assert.deepEqual(effectiveValue(all, false, true), { value: 'g', ignored: true });
    assert.deepEqual(effectiveValue({ defaultValue: 'd', workspaceValue: 'w' }, false, true), { value: 'd', ignored: true });
    assert.deepEqual(effectiveValue({ defaultValue: 'd', globalValue: 'g' }, false, true), { value: 'g', ignored: false });
  });

  it('keeps workspace values of unrestricted settings when untrusted', () => {
    assert.deepEqual(effectiveValue(all, false, false), { value: 'f', ignored: false });
  });
});

describe('sidecar settings', () => {
  const workspaceChoices = inspector({
    [IMAGE_SETTING]: { defaultValue: 'busybox:latest', globalValue: 'mytools:1', workspaceValue: 'evil/tools:latest' },
    [HOST_SETTING]: { defaultValue: '', workspaceFolderValue: 'tcp://attacker:2375' },
    [EXTRA_CAPS_SETTING]: { defaultValue: [], workspaceValue: ['SYS_ADMIN'] },
    [MODE_SETTING]: { defaultValue: 'match-user', workspaceValue: 'root-ptrace' },
    [GO_DEBUGGER_IMAGE_SETTING]: { defaultValue: '', workspaceValue: 'evil/dlv:latest' },
  });

  it('uses the workspace\'s choices when trusted', () => {
    const s = resolveSidecarSettings(workspaceChoices, true);
    assert.deepEqual(s, { image: 'evil/tools:latest', mode: 'root', extraCapabilities: ['SYS_ADMIN'], dockerHost: 'tcp://attacker:2375', goDebuggerImage: 'evil/dlv:latest', ignoredUntrusted: [] });
  });

  it('ignores the untrusted workspace\'s image, mode (root-ptrace), capabilities, engine and Delve image', () => {
    const s = resolveSidecarSettings(workspaceChoices, false);
    assert.equal(s.image, 'mytools:1');
    assert.equal(s.goDebuggerImage, undefined);
    assert.equal(s.dockerHost, undefined);
    assert.deepEqual(s.extraCapabilities, []);
    assert.equal(s.mode, 'match');
    assert.deepEqual(s.ignoredUntrusted.sort(), [EXTRA_CAPS_SETTING, GO_DEBUGGER_IMAGE_SETTING, HOST_SETTING, IMAGE_SETTING, MODE_SETTING].sort());
  });

  it('keeps the user\'s own root-ptrace mode in an untrusted workspace', () => {
    const s = resolveSidecarSettings(inspector({ [MODE_SETTING]: { defaultValue: 'match-user', globalValue: 'root-ptrace', workspaceValue: 'match-user' } }), false);
    assert.equal(s.mode, 'root');
    assert.deepEqual(s.ignoredUntrusted, [MODE_SETTING]);
  });

  it('falls back to the defaults on missing or ill-typed values', () => {
    const s = resolveSidecarSettings(
      inspector({ [IMAGE_SETTING]: { globalValue: '  ' }, [EXTRA_CAPS_SETTING]: { globalValue: ['NET_RAW', 7, ' ', ' NET_ADMIN '] }, [HOST_SETTING]: { globalValue: 5 } }),
      true,
    );
    assert.deepEqual(s, { image: 'busybox:latest', mode: 'match', extraCapabilities: ['NET_RAW', 'NET_ADMIN'], dockerHost: undefined, goDebuggerImage: undefined, ignoredUntrusted: [] });
  });

  it('maps the mode setting to the engine\'s modes', () => {
    assert.equal(modeFromSetting('match-user'), 'match');
    assert.equal(modeFromSetting('root-ptrace'), 'root');
    assert.equal(modeFromSetting('something else'), 'match');
  });

  it('the host setting wins over DOCKER_HOST and is named as the setting, for the connection and the docker CLI', () => {
    const base = { DOCKER_HOST: 'unix:///a.sock', DOCKER_CONTEXT: 'x', HOME: '/h' };
    const options = engineConnectOptions(base, 'tcp://10.0.0.9:2375');
    assert.deepEqual(options, { env: base, host: { address: 'tcp://10.0.0.9:2375', origin: 'setting distroless.docker.host' } });
    const [endpoint] = resolveEngineCandidates(options);
    assert.equal(endpoint!.description, 'tcp://10.0.0.9:2375 (setting distroless.docker.host)');
    assert.deepEqual(endpoint!.cliArgs, ['--host', 'tcp://10.0.0.9:2375']);
    assert.deepEqual(engineConnectOptions(base, undefined), { env: base });
    assert.equal(resolveEngineCandidates(engineConnectOptions(base, undefined))[0]!.description, 'unix:///a.sock (DOCKER_HOST)');
  });
});

describe('local image reading follows workspace trust', () => {
  it('is off in the section the language server gets while the workspace is untrusted, whatever the user set', () => {
    assert.deepEqual(sectionUnderTrust({ inspectLocalImages: true, target: 'prod' }, false), { inspectLocalImages: false, target: 'prod' });
    assert.deepEqual(sectionUnderTrust({}, false), { inspectLocalImages: false });
  });
  it('is as set once trusted, and anything that is not a section passes through', () => {
    assert.deepEqual(sectionUnderTrust({ inspectLocalImages: true }, true), { inspectLocalImages: true });
    assert.equal(sectionUnderTrust(null, false), null);
  });
});
