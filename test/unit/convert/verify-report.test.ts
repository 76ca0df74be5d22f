/**
 * The parts of `convert --verify` that need no engine: the verdict, the failing build
 * step read from classic and BuildKit output, and the report in both formats. The
 * engine half is test/docker/convert-verify.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { failedStep, formatVerifyReport, judge, pullFailure, verdict, verifyReportJson, type ImageReport, type VerifyReport } from '../../../server/src/docker/verify';

const ORIGINAL: ImageReport = {
  image: 'distroless-verify-abc:original', built: true, sizeBytes: 613_416_960, layers: 5, hasShell: true, shellPath: '/bin/sh',
  user: '0:0', userSource: 'process', started: true, stayedUp: true, ports: [{ port: 8080, protocol: 'tcp', answering: true }],
};
const CONVERTED: ImageReport = {
  image: 'distroless-verify-abc:converted', built: true, sizeBytes: 6_291_456, layers: 2, hasShell: false,
  user: '65532:65532', userSource: 'process', started: true, stayedUp: true, ports: [{ port: 8080, protocol: 'tcp', answering: true }],
};

test('verify verdict: one reason per difference that matters', () => {
  assert.deepEqual(judge(ORIGINAL, CONVERTED), []);
  assert.deepEqual(judge(ORIGINAL, { ...CONVERTED, hasShell: true, shellPath: '/busybox/sh' }), ['the converted image still has a shell (/busybox/sh)']);
  assert.deepEqual(judge(ORIGINAL, { ...CONVERTED, stayedUp: false, exitCode: 1 }), ['the converted container ended within the observation time (exit code 1) while the original stayed up']);
  // A job that ends with 0 like the original did is fine; ending with an error is not.
  assert.deepEqual(judge({ ...ORIGINAL, stayedUp: false, exitCode: 0 }, { ...CONVERTED, stayedUp: false, exitCode: 0 }), []);
  assert.deepEqual(judge({ ...ORIGINAL, stayedUp: false, exitCode: 0 }, { ...CONVERTED, stayedUp: false, exitCode: 2 }), ['the converted container ended within the observation time (exit code 2)']);
  assert.deepEqual(judge(ORIGINAL, { ...CONVERTED, ports: [{ port: 8080, protocol: 'tcp', answering: false }] }), ['port 8080/tcp answers on the original but not on the converted image']);
  assert.deepEqual(judge(ORIGINAL, { ...CONVERTED, started: false }), ['the converted image did not start']);
  assert.deepEqual(judge(ORIGINAL, { image: 'x', built: false, failedStep: 'COPY --from=build /out/app /app', started: false, stayedUp: false, ports: [] }), ['the converted Dockerfile does not build: COPY --from=build /out/app /app']);
  assert.deepEqual(judge({ image: 'x', built: false, failedStep: 'RUN make', started: false, stayedUp: false, ports: [] }, CONVERTED), ['the original Dockerfile does not build (RUN make), so there is nothing to compare with']);
});

test('verify: the failing step from classic and BuildKit build output', () => {
  const classic = 'Step 1/4 : FROM golang:1.22\n ---> abc\nStep 2/4 : RUN go build -o /out/app .\n ---> Running in 123\nmain.go:3:1: syntax error\nThe command \'/bin/sh -c go build -o /out/app .\' returned a non-zero code: 1\n';
  assert.equal(failedStep(classic), 'RUN go build -o /out/app .');
  const kit = '#5 [build 2/3] RUN go build -o /out/app .\n#5 0.412 main.go:3:1: syntax error\n#5 ERROR: process "/bin/sh -c go build -o /out/app ." did not complete successfully: exit code: 1\n------\nERROR: failed to solve: process "/bin/sh -c go build -o /out/app ." did not complete successfully: exit code: 1\n';
  assert.equal(failedStep(kit), 'RUN go build -o /out/app .');
  const kitCopy = '#7 [stage-1 2/2] COPY --from=build /src/missing /app\n#7 ERROR: failed to calculate checksum of ref: "/src/missing": not found\n';
  assert.equal(failedStep(kitCopy), '[stage-1 2/2] COPY --from=build /src/missing /app');
  assert.equal(failedStep('unrelated output\n'), undefined);
});

test('verify report: text side by side, and the JSON fields the issue names', () => {
  const report: VerifyReport = { original: ORIGINAL, converted: CONVERTED, verified: true, problems: [], observedSeconds: 5 };
  assert.equal(formatVerifyReport(report), [
    'Verified: the converted image builds, starts, keeps running and answers like the original, without a shell.',
    '',
    '                   original   converted',
    'built              yes        yes',
    'image size         585.0 MiB  6.0 MiB',
    'layers             5          2',
    'shell              /bin/sh    none',
    'main process user  0:0        65532:65532',
    'started            yes        yes',
    'up after 5 s       yes        yes',
    'port 8080/tcp      answers    answers',
    '',
    'The converted image is 6.0 MiB, 99% smaller than the original.',
    '',
  ].join('\n'));
  const json = JSON.parse(verifyReportJson(report)) as Record<string, Record<string, unknown>>;
  for (const side of ['original', 'converted']) {
    for (const key of ['image', 'sizeBytes', 'hasShell', 'user', 'started', 'ports']) assert.ok(key in json[side], `${side}.${key}`);
  }
  assert.equal(json.converted.user, '65532:65532');
  assert.equal(json.verified as unknown, true);

  const failed: VerifyReport = {
    original: ORIGINAL,
    converted: { image: 'c', built: false, failedStep: 'COPY --from=build /src/missing /app', buildOutput: '#7 ERROR: "/src/missing": not found', started: false, stayedUp: false, ports: [] },
    verified: false, problems: ['the converted Dockerfile does not build: COPY --from=build /src/missing /app'], observedSeconds: 5,
  };
  const text = formatVerifyReport(failed);
  assert.match(text, /^built +yes +NO: COPY --from=build \/src\/missing \/app$/m);
  assert.equal(text.split('\n')[0], 'NOT verified: the converted Dockerfile does not build: COPY --from=build /src/missing /app.', 'the cause is the first line');
  assert.match(text, /^The converted build failed at: COPY --from=build \/src\/missing \/app\n {2}\| #7 ERROR: "\/src\/missing": not found$/m);
  const failedJson = JSON.parse(verifyReportJson(failed)) as { converted: Record<string, unknown> };
  assert.equal(failedJson.converted.built, false);
  assert.equal(failedJson.converted.failedStep, 'COPY --from=build /src/missing /app');
  assert.equal(failedJson.converted.sizeBytes, null);
});

test('verify: an original whose base image cannot be pulled says so first, and that the converted image passed alone', () => {
  const classic = { image: 'o', built: false, failedStep: 'FROM golang:1.22', buildOutput: 'Step 1/4 : FROM golang:1.22\nGet "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host', started: false, stayedUp: false, ports: [] };
  assert.deepEqual(pullFailure(classic), { image: 'golang:1.22', cause: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' });
  const kit = { ...classic, failedStep: '[internal] load metadata for docker.io/library/golang:1.22', buildOutput: '#3 [internal] load metadata for docker.io/library/golang:1.22\n#3 ERROR: failed to do request: Head "https://registry-1.docker.io/v2/library/golang/manifests/1.22": dial tcp: i/o timeout\n------\nERROR: failed to solve: golang:1.22: failed to resolve source metadata for docker.io/library/golang:1.22: failed to do request: Head "https://registry-1.docker.io/v2/library/golang/manifests/1.22": dial tcp: i/o timeout' };
  assert.deepEqual(pullFailure(kit), { image: 'docker.io/library/golang:1.22', cause: 'golang:1.22: failed to resolve source metadata for docker.io/library/golang:1.22: failed to do request: Head "https://registry-1.docker.io/v2/library/golang/manifests/1.22": dial tcp: i/o timeout' });
  assert.equal(pullFailure({ ...classic, failedStep: 'RUN make', buildOutput: 'Step 2/4 : RUN make\nmake: *** No targets.' }), undefined, 'a failing RUN is no pull failure');

  const problems = judge(classic, CONVERTED);
  assert.deepEqual(problems, ['the original\'s base image golang:1.22 could not be pulled (Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host), so there is nothing to compare with']);
  const report: VerifyReport = { original: classic, converted: CONVERTED, verified: false, problems, observedSeconds: 5 };
  assert.equal(verdict(report), `NOT verified: ${problems[0]}. The converted image passed on its own: it built, started, kept running and has no shell.`);
  assert.equal(formatVerifyReport(report).split('\n')[0], verdict(report), 'the verdict and its cause are the first line');
  // When the converted image failed too, nothing is said to have passed.
  const both: VerifyReport = { ...report, converted: { ...CONVERTED, hasShell: true, shellPath: '/bin/sh' }, problems: judge(classic, { ...CONVERTED, hasShell: true, shellPath: '/bin/sh' }) };
  assert.doesNotMatch(verdict(both), /passed/);
});

test('verify: a build that failed on the engine\'s side says the engine\'s words in the verdict', () => {
  const original = { image: 'o', built: false, failedStep: 'RUN go build -o server .', buildOutput: 'Step 4/7 : RUN go build -o server .\n ---> Running in 9b597cbd6fac\nfailed to create endpoint gifted_cannon on network bridge: adding interface veth1 to bridge docker0 failed: exchange full', started: false, stayedUp: false, ports: [] };
  assert.deepEqual(judge(original, CONVERTED), ['the original Dockerfile does not build (RUN go build -o server .: the engine said failed to create endpoint gifted_cannon on network bridge: adding interface veth1 to bridge docker0 failed: exchange full), so there is nothing to compare with']);
  const failing = { ...original, buildOutput: 'Step 4/7 : RUN go build -o server .\nmain.go:3:1: syntax error\nThe command \'/bin/sh -c go build -o server .\' returned a non-zero code: 1' };
  assert.deepEqual(judge(failing, CONVERTED), ['the original Dockerfile does not build (RUN go build -o server .), so there is nothing to compare with']);
});
