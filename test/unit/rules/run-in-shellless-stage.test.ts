import { ruleTable } from '../../support/ruleTable';

const builder = 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n';

ruleTable('run-in-shellless-stage', [
  {
    name: 'any shell RUN in distroless fails the build',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nRUN echo hi\n',
    expect: [{ range: '1:0-1:11', message: 'has no shell' }],
  },
  {
    name: 'mkdir and chown move to the builder and become COPY --chown',
    dockerfile: `${builder}FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nRUN mkdir -p /data && chown 65532:65532 /data\nENTRYPOINT ["/app"]\n`,
    expect: [{
      range: '4:0-4:45',
      message: 'only prepares directories',
      fixed: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nRUN mkdir -p /distroless-dirs/data\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nCOPY --from=build --chown=65532:65532 /distroless-dirs/data /data\nENTRYPOINT ["/app"]\n',
    }],
  },
  {
    name: 'several directories, no owner change',
    dockerfile: `${builder}FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nRUN mkdir -p /data /cache/\n`,
    expect: [{
      range: '4:0-4:26',
      fixed: 'FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nRUN mkdir -p /distroless-dirs/data /distroless-dirs/cache\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nCOPY --from=build /distroless-dirs/data /data\nCOPY --from=build /distroless-dirs/cache /cache\n',
    }],
  },
  {
    name: 'a chown to a user name needs /etc/passwd semantics: no fix',
    dockerfile: `${builder}FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nRUN mkdir -p /data && chown nonroot /data\n`,
    expect: [{ range: '4:0-4:41' }],
  },
  {
    name: 'without a build stage to copy from there is no fix',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nRUN mkdir -p /data\n',
    expect: [{ range: '1:0-1:18' }],
  },
  {
    name: 'chmod is not carried: no fix',
    dockerfile: `${builder}FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nRUN mkdir -p /data && chmod 700 /data\n`,
    expect: [{ range: '4:0-4:37' }],
  },
  {
    name: 'exec-form RUN of a copied program needs no shell',
    dockerfile: `${builder}FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nRUN ["/app", "migrate"]\n`,
    expect: [],
  },
  {
    name: 'exec-form RUN of a shell still fails',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nRUN ["sh", "-c", "true"]\n',
    expect: [{ range: '1:0-1:24', message: 'RUN needs sh' }],
  },
  {
    name: 'debug images have busybox',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:debug-nonroot\nRUN mkdir /data\n',
    expect: [],
  },
  {
    name: 'a SHELL instruction brings its own shell',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=busybox:1.36 /bin/busybox /busybox\nSHELL ["/busybox", "sh", "-c"]\nRUN /busybox mkdir /data\n',
    expect: [],
  },
  {
    name: 'a stage built on a shell-less stage is shell-less too, and every such stage builds',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot AS rt\nFROM rt\nRUN ls\n',
    expect: [{ range: '2:0-2:6' }],
  },
  {
    name: 'scratch has no shell',
    dockerfile: 'FROM scratch\nRUN true\n',
    expect: [{ range: '1:0-1:8' }],
  },
]);
