import { ruleTable } from '../../support/ruleTable';

ruleTable('attack-tools-in-final-stage', [
  {
    name: 'curl and bash installed in the shipped image',
    dockerfile: 'FROM debian:13\nRUN apt-get install -y curl bash\n',
    expect: [{ range: '1:23-1:27', message: 'curl, bash are installed', severity: 'information' }],
  },
  {
    name: 'a version pin still names the tool, and the sidecar is suggested',
    dockerfile: 'FROM alpine:3.20\nRUN apk add --no-cache wget=1.24.5-r0\n',
    expect: [{ range: '1:23-1:37', message: 'debug sidecar' }],
  },
  {
    name: 'netcat and ssh variants',
    dockerfile: 'FROM debian:13\nRUN apt-get install -y netcat-openbsd openssh-client sudo\n',
    expect: [{ range: '1:23-1:37', message: 'netcat-openbsd, openssh-client, sudo' }],
  },
  {
    name: 'libraries with a tool in their name are not the tool',
    dockerfile: 'FROM debian:13\nRUN apt-get install -y libcurl4 bash-completion\n',
    expect: [],
  },
  {
    name: 'tools in a build stage do not ship',
    dockerfile: 'FROM debian:13 AS fetch\nRUN apt-get install -y curl\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=fetch /x /x\n',
    expect: [],
  },
  {
    name: 'a tool installed in a virtual group and removed with it in the same RUN does not ship',
    dockerfile: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .fetch curl && curl -fsSLo /app https://example.com/app && apk del .fetch\n',
    expect: [],
  },
  {
    name: 'apt-get purge --auto-remove of the tool in the same RUN',
    dockerfile: 'FROM debian:13\nRUN apt-get update && apt-get install -y curl ca-certificates && curl -o /x https://example.com/x && apt-get purge -y --auto-remove curl\n',
    expect: [],
  },
  {
    name: 'only what is not removed is reported',
    dockerfile: 'FROM debian:13\nRUN apt-get install -y curl wget && apt-get purge -y curl\n',
    expect: [{ range: '1:28-1:32', message: 'Wget is installed' }],
  },
  {
    name: 'a removal in a later RUN does not shrink the earlier layer: still reported',
    dockerfile: 'FROM debian:13\nRUN apt-get install -y curl\nRUN apt-get purge -y curl\n',
    expect: [{ range: '1:23-1:27', message: 'Curl is installed' }],
  },
  {
    name: "the Official Images idiom: apt-mark auto '.*', then apt-get purge --auto-remove, removes what the RUN installed",
    dockerfile: 'FROM debian:13\nRUN set -eux; savedAptMark="$(apt-mark showmanual)"; apt-get update; apt-get install -y --no-install-recommends ca-certificates wget; wget -O /usr/local/bin/gosu https://example.com/gosu; apt-mark auto \'.*\' > /dev/null; [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false\n',
    expect: [],
  },
]);
