import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attachTemplate, offerState, TEMPLATE_MARKER } from '../../client/src/containerTools/attachTemplate';

/** Container Tools' substitution: each ${token} replaced by its value, the result typed into a shell. */
function substitute(template: string, tokens: Record<string, string>): string {
  return template.replace(/\$\{(\w+)\}/g, (m, k: string) => tokens[k] ?? m);
}

/** The template is typed into the user's terminal: every POSIX shell here must read it the same way (zsh and bash with interactive settings too). */
const SHELLS = ['/bin/sh', '/bin/bash', '/bin/zsh', '/usr/bin/zsh', '/bin/dash'].filter((s, i, all) => fs.existsSync(s) && all.findIndex((o) => fs.existsSync(o) && fs.realpathSync(o) === fs.realpathSync(s)) === i);

describe("Container Tools' attach template", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attach-template-'));
    // A docker that has a shell only in container "withshell", and an "editor" that records how the sidecar was asked for.
    fs.writeFileSync(
      path.join(dir, 'docker'),
      `#!/bin/sh\necho "docker $*" >> "${dir}/log"\n[ "$2" = withshell ] || [ "$3" = withshell ] && exit 0\necho 'OCI runtime exec failed: exec: "sh": executable file not found in $PATH' >&2\nexit 126\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, "my editor"), `#!/bin/sh\necho "editor ELECTRON_RUN_AS_NODE=$ELECTRON_RUN_AS_NODE $*" >> "${dir}/log"\n`, { mode: 0o755 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (container: string, image?: string) => {
    fs.rmSync(path.join(dir, 'log'), { force: true });
    // Every shell writes the same lines; one run's worth is checked.
    const template = attachTemplate({ execPath: path.join(dir, 'my editor'), cliPath: "/ext/it's/dist/cli.js", image });
    const line = substitute(template, { containerCommand: path.join(dir, 'docker'), containerId: container, shellCommand: 'sh' });
    for (const shell of SHELLS) execFileSync(shell, ['-c', line], { stdio: 'ignore' });
    const lines = fs.readFileSync(path.join(dir, 'log'), 'utf8').replaceAll(dir + '/', '').split('\n').filter(Boolean);
    const per = lines.length / SHELLS.length;
    for (let i = 1; i < SHELLS.length; i++) assert.deepEqual(lines.slice(i * per, (i + 1) * per), lines.slice(0, per), SHELLS[i]);
    return lines.slice(0, per).join('\n') + '\n';
  };

  it('a container with a shell gets docker exec -it, as before', () => {
    assert.equal(run('withshell'), 'docker exec withshell sh -c :\ndocker exec -it withshell sh\n');
  });

  it('a shell-less container gets the sidecar through the bundled CLI, quoting paths', () => {
    assert.equal(run('distroless'), "docker exec distroless sh -c :\neditor ELECTRON_RUN_AS_NODE=1 /ext/it's/dist/cli.js debug distroless\n");
    assert.equal(run('distroless', 'reg.example/tools:1'), "docker exec distroless sh -c :\neditor ELECTRON_RUN_AS_NODE=1 /ext/it's/dist/cli.js debug --image reg.example/tools:1 distroless\n");
  });

  it('offers only over the default, refreshes its own stale paths, leaves the user\'s own value alone', () => {
    const desired = attachTemplate({ execPath: '/a', cliPath: '/b' });
    assert.ok(desired.startsWith(TEMPLATE_MARKER + ' if '));
    assert.equal(offerState(undefined, desired), 'offer');
    assert.equal(offerState(desired, desired), 'ours-current');
    assert.equal(offerState(attachTemplate({ execPath: '/a', cliPath: '/old/b' }), desired), 'ours-stale');
    assert.equal(offerState('${containerCommand} exec -it ${containerId} bash', desired), 'user-set');
    assert.equal(offerState([{ template: 'x', match: 'y' }], desired), 'user-set');
  });
});
