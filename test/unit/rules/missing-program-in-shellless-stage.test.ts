import { ruleTable } from '../../support/ruleTable';

const node = 'FROM gcr.io/distroless/nodejs22-debian13:nonroot\nWORKDIR /app\n';
const startScript = (start: string) => JSON.stringify({ name: 'app', scripts: { start } });

ruleTable('missing-program-in-shellless-stage', [
  {
    name: 'npm start resolves through package.json to the script node runs',
    dockerfile: `${node}CMD ["npm", "start"]\n`,
    files: { 'package.json': startScript('node server.js') },
    expect: [{ range: '2:4-2:20', message: 'package.json\'s start script is "node server.js"', fixed: `${node}CMD ["server.js"]\n` }],
  },
  {
    name: 'npm run start and arguments are kept',
    dockerfile: `${node}CMD ["npm", "run", "start"]\n`,
    files: { 'package.json': startScript('node ./dist/main.js --port 8080') },
    expect: [{ range: '2:4-2:27', fixed: `${node}CMD ["./dist/main.js", "--port", "8080"]\n` }],
  },
  {
    name: 'as ENTRYPOINT the fix names the image\'s node',
    dockerfile: `${node}ENTRYPOINT ["yarn", "start"]\n`,
    files: { 'package.json': startScript('node server.js') },
    expect: [{ range: '2:11-2:28', fixed: `${node}ENTRYPOINT ["/nodejs/bin/node", "server.js"]\n` }],
  },
  {
    name: 'without package.json beside the Dockerfile: diagnostic, no fix',
    dockerfile: `${node}CMD ["npm", "start"]\n`,
    expect: [{ range: '2:4-2:20', message: 'package.json was not found' }],
  },
  {
    name: 'a start script that is not plain node: no fix',
    dockerfile: `${node}CMD ["npm", "start"]\n`,
    files: { 'package.json': startScript('nodemon server.js') },
    expect: [{ range: '2:4-2:20', message: '"nodemon server.js"' }],
  },
  {
    name: 'a start script with shell syntax: no fix',
    dockerfile: `${node}CMD ["npm", "start"]\n`,
    files: { 'package.json': startScript('NODE_ENV=production node server.js') },
    expect: [{ range: '2:4-2:20' }],
  },
  {
    name: 'a curl health check names both ways out',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nHEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '1:12-1:51', message: 'static curl binary' }],
  },
  {
    name: 'a shell as ENTRYPOINT',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nENTRYPOINT ["/bin/sh", "-c", "/app"]\n',
    expect: [{ range: '1:11-1:36', message: 'starts /bin/sh' }],
  },
  {
    name: 'CMD under an exec-form ENTRYPOINT is arguments, not a program',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nENTRYPOINT ["/app"]\nCMD ["sh"]\n',
    expect: [],
  },
  {
    name: 'a copied static curl is there',
    dockerfile: 'FROM curlimages/curl:8.10.1 AS curl\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=curl /usr/bin/curl /usr/bin/curl\nHEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\n',
    expect: [],
  },
  {
    name: 'debug images have a shell',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:debug\nENTRYPOINT ["sh"]\n',
    expect: [],
  },
  {
    name: 'an image with a shell and npm is fine',
    dockerfile: 'FROM node:22\nCMD ["npm", "start"]\n',
    expect: [],
  },
]);
