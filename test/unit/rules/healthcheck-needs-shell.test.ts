import { ruleTable } from '../../support/ruleTable';

const head = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\n';

ruleTable('healthcheck-needs-shell', [
  {
    name: 'plain words become exec form, options kept',
    dockerfile: `${head}HEALTHCHECK --interval=5s CMD /app health\n`,
    expect: [{ range: '2:30-2:41', message: 'every probe fails', fixed: `${head}HEALTHCHECK --interval=5s CMD ["/app", "health"]\n` }],
  },
  {
    name: 'shell syntax has no safe rewrite',
    dockerfile: `${head}HEALTHCHECK CMD /app health || exit 1\n`,
    expect: [{ range: '2:16-2:37', message: 'It uses ||' }],
  },
  {
    name: 'curl is missing even in exec form: no fix, both ways out named',
    dockerfile: `${head}HEALTHCHECK CMD curl -f http://localhost:8080/\n`,
    expect: [{ range: '2:16-2:46', message: 'health sub-command' }],
  },
  {
    name: 'a continued HEALTHCHECK is rewritten whole',
    dockerfile: `${head}HEALTHCHECK --interval=30s \\\n  CMD /app health\n`,
    expect: [{ range: '3:6-3:17', fixed: `${head}HEALTHCHECK --interval=30s \\\n  CMD ["/app", "health"]\n` }],
  },
  {
    name: 'exec form is fine',
    dockerfile: `${head}HEALTHCHECK CMD ["/app", "health"]\n`,
    expect: [],
  },
  {
    name: 'HEALTHCHECK NONE is fine',
    dockerfile: `${head}HEALTHCHECK NONE\n`,
    expect: [],
  },
  {
    name: 'an image with a shell runs shell form',
    dockerfile: 'FROM debian:13\nHEALTHCHECK CMD /app health\n',
    expect: [],
  },
  {
    name: 'an inherited HEALTHCHECK is checked in the stage that ships',
    dockerfile: 'FROM gcr.io/distroless/static-debian13:nonroot AS base\nHEALTHCHECK CMD /app health\nFROM base\n',
    expect: [{ range: '1:16-1:27', fixed: 'FROM gcr.io/distroless/static-debian13:nonroot AS base\nHEALTHCHECK CMD ["/app", "health"]\nFROM base\n' }],
  },
]);
