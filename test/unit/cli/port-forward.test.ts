import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePortSpec } from '../../../server/src/docker';
import { runCli } from '../../support/cli';
import * as os from 'node:os';

describe('port specs', () => {
  const good: Array<[string, { localPort: number; remotePort: number }]> = [
    ['8080', { localPort: 8080, remotePort: 8080 }],
    ['18080:8080', { localPort: 18080, remotePort: 8080 }],
    [':8080', { localPort: 0, remotePort: 8080 }],
    ['0:8080', { localPort: 0, remotePort: 8080 }],
    [' 1:65535 ', { localPort: 1, remotePort: 65535 }],
  ];
  for (const [spec, expected] of good) it(`accepts "${spec}"`, () => assert.deepEqual(parsePortSpec(spec), expected));

  for (const spec of ['http', '80a', '0', '65536', '8080:', '1:2:3', '-1', '70000:80', '']) {
    it(`refuses "${spec}" with the accepted forms`, () =>
      assert.throws(() => parsePortSpec(spec), {
        message: `"${spec}" is not a port: give <port> or <local>:<port>, numbers from 1 to 65535 (e.g. 8080 or 18080:8080)`,
      }));
  }
});

describe('distroless port-forward usage errors (exit 2, one line, no engine contacted)', () => {
  const cases: Array<[string[], string]> = [
    [[], 'distroless port-forward: missing <container> (see distroless port-forward --help)\n'],
    [['web'], 'distroless port-forward: missing the port to forward, e.g. 8080 or 18080:8080 (see distroless port-forward --help)\n'],
    [['web', 'http'], 'distroless port-forward: "http" is not a port: give <port> or <local>:<port>, numbers from 1 to 65535 (e.g. 8080 or 18080:8080) (see distroless port-forward --help)\n'],
    [['web', '8080', '18080:8080', '8080:9090'], 'distroless port-forward: local port 8080 is given twice (see distroless port-forward --help)\n'],
    [['--bogus', 'web', '8080'], 'distroless port-forward: unknown option --bogus (see distroless port-forward --help)\n'],
    [['web', '8080', '--address'], 'distroless port-forward: --address needs a value: <ip> (see distroless port-forward --help)\n'],
  ];
  for (const [argv, stderr] of cases) {
    it(`port-forward ${argv.join(' ')}`, async () => {
      // DOCKER_HOST points nowhere: a usage error must be reported before any connection attempt.
      const run = await runCli(['port-forward', ...argv], { cwd: os.tmpdir() });
      assert.equal(run.stderr, stderr);
      assert.equal(run.stdout, '');
      assert.equal(run.code, 2);
    });
  }
});
