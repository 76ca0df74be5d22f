import { ruleTable } from '../../support/ruleTable';

ruleTable('invalid-suppression', [
  {
    name: 'an unknown id is reported on the id, with the closest known id as a quick fix (a guess: never in fix-all)',
    dockerfile: 'FROM debian:13\n# distroless-ignore runs-as-rot\nUSER root\n',
    expect: [{ range: '1:20-1:31', message: 'Unknown rule id "runs-as-rot": did you mean "runs-as-root"?', fixed: 'FROM debian:13\n# distroless-ignore runs-as-root\nUSER root\n', fixAll: false }],
  },
  {
    name: 'an unknown id like no known one',
    dockerfile: 'FROM debian:13\n# distroless-ignore zzzzzzzz\nUSER root\n',
    expect: [{ range: '1:20-1:28', message: 'Unknown rule id "zzzzzzzz" in this suppression: it silences nothing' }],
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
