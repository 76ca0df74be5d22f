import { ruleTable } from '../../support/ruleTable';

ruleTable('invalid-suppression', [
  {
    name: 'an unknown id is reported on the id',
    dockerfile: 'FROM debian:13\n# distroless-ignore runs-as-rot\nUSER root\n',
    expect: [{ range: '1:20-1:31', message: 'Unknown rule id "runs-as-rot"' }],
  },
  {
    name: 'a suppression that names no rule',
    dockerfile: 'FROM debian:13\n# distroless-ignore-file\n',
    expect: [{ range: '1:2-1:24', message: '"# distroless-ignore-file runs-as-root"' }],
  },
  {
    name: 'a suppression not directly above an instruction',
    dockerfile: 'FROM debian:13\nUSER root\n# distroless-ignore runs-as-root\n',
    expect: [{ range: '2:2-2:32', message: 'not directly above an instruction' }],
  },
  {
    name: 'known ids, itself included, are fine',
    dockerfile: '# distroless-ignore-file invalid-suppression, go-binary-not-stripped\nFROM debian:13\n# distroless-ignore runs-as-root\nUSER root\n',
    expect: [],
  },
  {
    name: 'it can silence itself like any rule',
    dockerfile: '# distroless-ignore-file invalid-suppression\nFROM debian:13\n# distroless-ignore nope\nUSER root\n',
    expect: [],
  },
]);
