import { ruleTable } from '../../support/ruleTable';

ruleTable('runtime-entrypoint-duplicated', [
  {
    name: 'node on distroless nodejs',
    dockerfile: 'FROM gcr.io/distroless/nodejs22-debian13:nonroot\nCMD ["node", "server.js"]\n',
    expect: [{ range: '1:4-1:25', message: 'node node server.js', fixed: 'FROM gcr.io/distroless/nodejs22-debian13:nonroot\nCMD ["server.js"]\n' }],
  },
  {
    name: 'python3 on distroless python3',
    dockerfile: 'FROM gcr.io/distroless/python3-debian13\nCMD ["python3", "-m", "app"]\n',
    expect: [{ range: '1:4-1:28', fixed: 'FROM gcr.io/distroless/python3-debian13\nCMD ["-m", "app"]\n' }],
  },
  {
    name: 'java -jar on distroless java',
    dockerfile: 'FROM gcr.io/distroless/java21-debian13:nonroot\nCMD ["java", "-jar", "/app/app.jar"]\n',
    expect: [{ range: '1:4-1:36', fixed: 'FROM gcr.io/distroless/java21-debian13:nonroot\nCMD ["/app/app.jar"]\n' }],
  },
  {
    name: 'java with JVM options cannot be mapped onto java -jar: no fix',
    dockerfile: 'FROM gcr.io/distroless/java21-debian13:nonroot\nCMD ["java", "-Xmx512m", "-jar", "/app.jar"]\n',
    expect: [{ range: '1:4-1:44', message: 'set ENTRYPOINT to the full java command' }],
  },
  {
    name: 'a bare interpreter: no fix',
    dockerfile: 'FROM gcr.io/distroless/nodejs22-debian13\nCMD ["node"]\n',
    expect: [{ range: '1:4-1:12' }],
  },
  {
    name: 'an ENTRYPOINT of the Dockerfile replaces the image\'s',
    dockerfile: 'FROM gcr.io/distroless/nodejs22-debian13\nENTRYPOINT ["/nodejs/bin/node"]\nCMD ["node_modules/.bin/next", "start"]\n',
    expect: [],
  },
  {
    name: 'a script CMD is right',
    dockerfile: 'FROM gcr.io/distroless/nodejs22-debian13\nCMD ["server.js"]\n',
    expect: [],
  },
  {
    name: 'node images other than distroless run CMD as the program',
    dockerfile: 'FROM node:22\nCMD ["node", "server.js"]\n',
    expect: [],
  },
]);
