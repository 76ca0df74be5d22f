import { ruleTable } from '../../support/ruleTable';

const head = 'FROM gcr.io/distroless/static-debian13:nonroot\n';

ruleTable('shell-form-in-shellless-stage', [
  {
    name: 'plain words become exec form',
    dockerfile: `${head}ENTRYPOINT /app --port 8080\n`,
    expect: [{ range: '1:11-1:27', message: '/bin/sh: no such file', fixed: `${head}ENTRYPOINT ["/app", "--port", "8080"]\n` }],
  },
  {
    name: 'CMD too',
    dockerfile: `${head}CMD /app\n`,
    expect: [{ range: '1:4-1:8', fixed: `${head}CMD ["/app"]\n` }],
  },
  {
    name: 'shell syntax: no fix, the message says which',
    dockerfile: `${head}CMD /app > /tmp/log\n`,
    expect: [{ range: '1:4-1:19', message: 'It uses a redirect' }],
  },
  {
    name: 'a variable needs the shell to expand',
    dockerfile: `${head}CMD /app --port $PORT\n`,
    expect: [{ range: '1:4-1:21', message: 'a variable' }],
  },
  {
    name: 'exec form is fine',
    dockerfile: `${head}ENTRYPOINT ["/app"]\n`,
    expect: [],
  },
  {
    name: 'images with a shell are fine',
    dockerfile: 'FROM debian:13\nCMD /app\n',
    expect: [],
  },
  {
    name: 'a stage built on a distroless stage inherits its shell-lessness',
    dockerfile: `${head.trim()} AS rt\nFROM rt\nCMD /app\n`,
    expect: [{ range: '2:4-2:8', fixed: `${head.trim()} AS rt\nFROM rt\nCMD ["/app"]\n` }],
  },
  {
    name: 'scratch through an ARG',
    dockerfile: 'ARG RUNTIME=scratch\nFROM ${RUNTIME}\nCMD /app\n',
    expect: [{ range: '2:4-2:8', fixed: 'ARG RUNTIME=scratch\nFROM ${RUNTIME}\nCMD ["/app"]\n' }],
  },
]);
