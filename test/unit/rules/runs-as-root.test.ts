import { ruleTable } from '../../support/ruleTable';

ruleTable('runs-as-root', [
  {
    name: 'distroless latest tag switches to nonroot',
    dockerfile: 'FROM gcr.io/distroless/static-debian13\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '0:5-0:38', message: 'runs as root', fixed: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nENTRYPOINT ["/app"]\n', fixAll: false }],
  },
  {
    name: 'a quoted image is not rewritten (a quoted name:tag is an invalid reference to dockerfile-utils; a rewrite could leave a quote open): USER instead',
    dockerfile: "FROM 'gcr.io/distroless/static-debian13:debug'\nCOPY app /app\nENTRYPOINT [\"/app\"]\n",
    expect: [{ range: '0:5-0:46', message: 'add USER 65532:65532', fixed: "FROM 'gcr.io/distroless/static-debian13:debug'\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT [\"/app\"]\n", fixAll: false }],
  },
  {
    name: 'debug tag switches to debug-nonroot, keeping the architecture',
    dockerfile: 'FROM gcr.io/distroless/base-debian13:debug-amd64\n',
    expect: [{ range: '0:5-0:48', fixed: 'FROM gcr.io/distroless/base-debian13:debug-nonroot-amd64\n' }],
  },
  {
    name: 'image from a global ARG default is fixed in the ARG',
    dockerfile: 'ARG BASE=gcr.io/distroless/static-debian13:latest\nFROM ${BASE}\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '1:5-1:12', fixed: 'ARG BASE=gcr.io/distroless/static-debian13:nonroot\nFROM ${BASE}\nENTRYPOINT ["/app"]\n' }],
  },
  {
    name: 'general-purpose image gets USER before CMD, as a quick fix only',
    dockerfile: 'FROM debian:13\nRUN apt-get update\nCMD ["/app"]\n',
    expect: [{ range: '0:5-0:14', message: 'Add USER 65532:65532, after checking', fixed: 'FROM debian:13\nRUN apt-get update\nUSER 65532:65532\nCMD ["/app"]\n', fixAll: false }],
  },
  {
    name: 'a RUN after CMD keeps USER at the end, so the RUN still has root',
    dockerfile: 'FROM debian:13\nCMD ["/app"]\nRUN apt-get update\n',
    expect: [{ range: '0:5-0:14', fixed: 'FROM debian:13\nCMD ["/app"]\nRUN apt-get update\nUSER 65532:65532\n', fixAll: false }],
  },
  {
    name: "the image's own non-root user is offered first (node)",
    dockerfile: 'FROM node:22\nCOPY . /app\nCMD ["node", "/app/server.js"]\n',
    expect: [{ range: '0:5-0:12', message: "Add USER node (the image's own non-root user)", fixed: 'FROM node:22\nCOPY . /app\nUSER node\nCMD ["node", "/app/server.js"]\n', fixAll: false }],
  },
  {
    name: "the image's own non-root user is offered first (.NET app)",
    dockerfile: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY out /app\nENTRYPOINT ["dotnet", "/app/app.dll"]\n',
    expect: [{ range: '0:5-0:40', message: 'Add USER app', fixed: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY out /app\nUSER app\nENTRYPOINT ["dotnet", "/app/app.dll"]\n', fixAll: false }],
  },
  {
    name: 'a runtime scratch image defaults to root',
    dockerfile: 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]',
    expect: [{ range: '0:5-0:12', fixed: 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]', fixAll: false }],
  },
  {
    name: 'an explicit USER root the author wrote: flagged on that line, the fix is a quick fix only',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nUSER 0:0\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '1:0-1:8', message: 'switches to root', fixed: 'FROM gcr.io/distroless/static-debian13:nonroot\nUSER 0:0\nUSER 65532:65532\nENTRYPOINT ["/app"]\n', fixAll: false }],
  },
  {
    name: 'USER root before CMD: the fix goes after it, still before nothing that needs root',
    dockerfile: 'FROM debian:13\nUSER root\nRUN apt-get update\nCMD ["/app"]\n',
    expect: [{ range: '1:0-1:9', message: 'switches to root', fixed: 'FROM debian:13\nUSER root\nRUN apt-get update\nUSER 65532:65532\nCMD ["/app"]\n', fixAll: false }],
  },
  {
    name: 'an entrypoint script beside the Dockerfile that steps down with gosu: information, no fix',
    dockerfile: 'FROM debian:13\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["postgres"]\n',
    files: { 'docker-entrypoint.sh': '#!/bin/sh\nset -e\nif [ "$(id -u)" = 0 ]; then exec gosu postgres "$0" "$@"; fi\nexec "$@"\n' },
    expect: [{ range: '0:5-0:14', severity: 'information', message: 'gosu (in docker-entrypoint.sh) steps down' }],
  },
  {
    name: 'su-exec in ENTRYPOINT itself: information, no fix',
    dockerfile: 'FROM alpine:3.20\nENTRYPOINT ["su-exec", "app", "/app"]\n',
    expect: [{ range: '0:5-0:16', severity: 'information', message: 'su-exec (in ENTRYPOINT)' }],
  },
  {
    name: 'setpriv, chroot --userspec and supervisord are step-downs too',
    dockerfile: 'FROM debian:13\nCMD setpriv --reuid=1000 --regid=1000 --init-groups /app\n',
    expect: [{ range: '0:5-0:14', severity: 'information', message: 'setpriv' }],
  },
  {
    name: 'chroot --userspec',
    dockerfile: 'FROM debian:13\nCMD ["chroot", "--userspec=1000:1000", "/", "/app"]\n',
    expect: [{ range: '0:5-0:14', severity: 'information', message: 'chroot --userspec' }],
  },
  {
    name: 'supervisord',
    dockerfile: 'FROM debian:13\nCMD ["/usr/bin/supervisord", "-c", "/etc/supervisord.conf"]\n',
    expect: [{ range: '0:5-0:14', severity: 'information', message: 'supervisord' }],
  },
  {
    name: "an official image whose own entrypoint steps down (postgres): information",
    dockerfile: 'FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n',
    expect: [{ range: '0:5-0:16', severity: 'information', message: 'documented for the base image' }],
  },
  {
    name: 'the same image with its entrypoint replaced is a plain root process again',
    dockerfile: 'FROM postgres:16\nENTRYPOINT ["/my-app"]\n',
    expect: [{ range: '0:5-0:16', fixed: 'FROM postgres:16\nUSER 65532:65532\nENTRYPOINT ["/my-app"]\n', fixAll: false }],
  },
  {
    name: 'ports below 1024: the Kubernetes caveat is said, the fix stays a quick fix',
    dockerfile: 'FROM python:3.12-slim\nCOPY app.py /app.py\nEXPOSE 80\nCMD ["python", "/app.py"]\n',
    expect: [{ range: '0:5-0:21', message: 'fails on Kubernetes by default', fixed: 'FROM python:3.12-slim\nCOPY app.py /app.py\nEXPOSE 80\nUSER 65532:65532\nCMD ["python", "/app.py"]\n', fixAll: false }],
  },
  {
    name: 'Windows images: no numeric USER, no finding',
    dockerfile: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY app.exe C:/app/\nCMD ["C:/app/app.exe"]\n',
    expect: [],
  },
  {
    name: 'an export stage (scratch, files only, for docker build --output) is not a runtime',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /out/app\nFROM scratch AS binaries\nCOPY --from=build /out/app /app\n',
    expect: [],
  },
  {
    name: 'a squash stage (a whole OS root copied onto scratch) is not flagged as a scratch runtime',
    dockerfile: 'FROM debian:13 AS rootfs\nRUN apt-get update\nFROM scratch\nCOPY --from=rootfs / /\nCMD ["bash"]\n',
    expect: [],
  },
  {
    name: 'nginx: the master process is root by design and workers run as nginx; information, no USER fix that would stop it',
    dockerfile: 'FROM nginx:1.27\nCOPY dist /usr/share/nginx/html\n',
    expect: [{ range: '0:5-0:15', severity: 'information', message: 'Nginx keeps its master process as root and serves as nginx: that is by design\n' }],
  },
  {
    name: 'nginx started by its own CMD is the same',
    dockerfile: 'FROM nginx:1.27-alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\nCMD ["nginx", "-g", "daemon off;"]\n',
    expect: [{ range: '0:5-0:22', severity: 'information', message: 'serve requests run as nginx' }],
  },
  {
    name: "httpd restating its image's own CMD (httpd-foreground) is the same",
    dockerfile: 'FROM httpd:2.4\nCOPY site/ /usr/local/apache2/htdocs/\nCMD ["httpd-foreground"]\n',
    expect: [{ range: '0:5-0:14', severity: 'information', message: 'run as daemon' }],
  },
  {
    name: 'nginx-debug is nginx',
    dockerfile: 'FROM nginx:1.27\nCMD ["nginx-debug", "-g", "daemon off;"]\n',
    expect: [{ range: '0:5-0:15', severity: 'information', message: 'serve requests run as nginx' }],
  },
  {
    name: 'nginx through a Docker Hub mirror is named by its own name',
    dockerfile: 'FROM mirror.gcr.io/library/nginx:stable\n',
    expect: [{ range: '0:5-0:39', severity: 'information', message: 'Nginx keeps its master process as root' }],
  },
  {
    name: 'httpd: children run as daemon',
    dockerfile: 'FROM httpd:2.4\nCOPY site/ /usr/local/apache2/htdocs/\n',
    expect: [{ range: '0:5-0:14', severity: 'information', message: 'run as daemon' }],
  },
  {
    name: 'an nginx image that runs another program is judged as usual',
    dockerfile: 'FROM nginx:1.27\nCOPY app /app\nCMD ["/app"]\n',
    expect: [{ range: '0:5-0:15', message: 'Runs as root (no USER', fixed: 'FROM nginx:1.27\nCOPY app /app\nUSER 65532:65532\nCMD ["/app"]\n', fixAll: false }],
  },
  {
    name: 'a WebAssembly module on scratch runs in a Wasm runtime, where a Linux uid means nothing',
    dockerfile: 'FROM rust:1.64 AS build\nRUN cargo build --target wasm32-wasi --release\nFROM scratch\nENTRYPOINT [ "order_demo_service.wasm" ]\nCOPY --link --from=build /src/order_demo_service.wasm /order_demo_service.wasm\n',
    expect: [],
  },
  {
    name: 'an image the table does not know: its user is unknown, so quiet',
    dockerfile: 'FROM myorg/base:1.0\nCMD ["/app"]\n',
    expect: [],
  },
  {
    name: 'nonroot tag is fine',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nENTRYPOINT ["/app"]\n',
    expect: [],
  },
  {
    name: 'Chainguard defaults to nonroot',
    dockerfile: 'FROM cgr.dev/chainguard/static:latest\nENTRYPOINT ["/app"]\n',
    expect: [],
  },
  {
    name: 'USER nonroot after root steps is fine',
    dockerfile: 'FROM debian:13\nRUN useradd app\nUSER nonroot:nonroot\n',
    expect: [],
  },
  {
    name: 'only the shipped stage counts; a builder may run as root',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n',
    expect: [],
  },
  {
    name: 'a stage built on an earlier stage inherits its user',
    dockerfile: 'FROM debian:13 AS base\nUSER 1000\nFROM base\nCMD ["/app"]\n',
    expect: [],
  },
  {
    name: 'a user from an ARG without default is unknown, so not flagged',
    dockerfile: 'FROM debian:13\nARG UID\nUSER ${UID}\n',
    expect: [],
  },
  {
    name: 'a digest-pinned distroless latest gets USER, not a tag change',
    dockerfile: 'FROM gcr.io/distroless/static-debian13@sha256:abc\nENTRYPOINT ["/app"]\n',
    expect: [{ range: '0:5-0:49', fixed: 'FROM gcr.io/distroless/static-debian13@sha256:abc\nUSER 65532:65532\nENTRYPOINT ["/app"]\n' }],
  },
  {
    name: 'the --target stage ships',
    dockerfile: 'FROM debian:13 AS dev\nFROM gcr.io/distroless/static-debian13:nonroot AS prod\n',
    options: { target: 'dev' },
    expect: [{ range: '0:5-0:14', fixed: 'FROM debian:13 AS dev\nUSER 65532:65532\nFROM gcr.io/distroless/static-debian13:nonroot AS prod\n' }],
  },
  {
    name: "php:*-apache runs apache2-foreground: Apache's parent stays root by design, children run as www-data; information, no USER fix",
    dockerfile: 'FROM php:8.3-apache\nCOPY . /var/www/html/\n',
    expect: [{ range: '0:5-0:19', severity: 'information', message: 'apache2 keeps its master process as root and serves as www-data' }],
  },
  {
    name: 'php:*-apache restating CMD ["apache2-foreground"] is the same',
    dockerfile: 'FROM php:8.2-apache-bookworm\nCOPY . /var/www/html/\nEXPOSE 80\nCMD ["apache2-foreground"]\n',
    expect: [{ range: '0:5-0:28', severity: 'information', message: 'run as www-data' }],
  },
  {
    name: 'php-fpm and php CLI images are judged as usual',
    dockerfile: 'FROM php:8.3-fpm\nCOPY . /var/www/html/\n',
    expect: [{ range: '0:5-0:16', message: 'Runs as root (no USER', fixed: 'FROM php:8.3-fpm\nCOPY . /var/www/html/\nUSER 65532:65532\n', fixAll: false }],
  },
  {
    name: 'nginx started by an entrypoint script beside the Dockerfile that ends in exec nginx: information, no USER fix',
    dockerfile: 'FROM nginx:1.27-alpine\nCOPY docker/start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n',
    files: { 'docker/start.sh': '#!/bin/sh\nset -e\nenvsubst < /etc/nginx/tpl > /etc/nginx/conf.d/default.conf\n\nexec nginx -g "daemon off;"\n# end\n' },
    expect: [{ range: '0:5-0:22', severity: 'information', message: 'serve requests run as nginx' }],
  },
  {
    name: 'an entrypoint script that ends by running something else is judged as usual',
    dockerfile: 'FROM nginx:1.27-alpine\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n',
    files: { 'start.sh': '#!/bin/sh\nnginx\nexec /app\n' },
    expect: [{ range: '0:5-0:22', message: 'Runs as root (no USER', fixed: 'FROM nginx:1.27-alpine\nCOPY start.sh /start.sh\nUSER 65532:65532\nENTRYPOINT ["/start.sh"]\n', fixAll: false }],
  },
  {
    name: 'an export stage whose ENTRYPOINT names a data file is not a runtime',
    dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /out/app\nFROM scratch AS export\nCOPY --from=build /out/app /app\nCOPY report.json /report.json\nENTRYPOINT ["/report.json"]\n',
    expect: [],
  },
]);
