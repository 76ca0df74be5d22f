/**
 * Why a converted container did not start or answer, read from what the engine and the
 * process said (the start error, the container's last output): one line naming the
 * cause and the fix. The causes are the ones a move to a distroless image brings: a
 * shared library or an interpreter the runtime image lacks, a CA bundle, a file the
 * non-root user cannot write, a binary for another CPU, time zones and cultures.
 */

export interface Diagnosis {
  /** A short name for the cause (tests and JSON). */
  cause: 'missing-library' | 'missing-program' | 'untrusted-certificate' | 'permission-denied' | 'exec-format' | 'missing-interpreter' | 'unknown-time-zone' | 'unknown-culture';
  /** One line: what happened, then the fix. */
  line: string;
}

interface Rule {
  cause: Diagnosis['cause'];
  match: RegExp;
  line(m: RegExpMatchArray): string;
}

const RULES: Rule[] = [
  {
    cause: 'missing-library',
    // ld.so: "error while loading shared libraries: libx.so.6: cannot open shared object file"; Python/Node: "ImportError: libpq.so.5: cannot open shared object file".
    match: /(?:error while loading shared libraries: |ImportError: |Error: )?(lib[\w+.-]*\.so[\w.]*): cannot open shared object file/,
    line: (m) => `a shared library is missing: ${m[1]} is not in the runtime image; copy it (and the libraries it links) from the build stage into the same directory, or run distroless convert --build, which finds and copies them`,
  },
  {
    cause: 'missing-interpreter',
    // The program's ELF interpreter (glibc's or musl's loader) or a script's #! interpreter is absent: execve says ENOENT for a file that is there.
    match: /exec (\S+): no such file or directory|exec: "([^"]+)": (?:stat [^:]+: )?no such file or directory|\/usr\/bin\/env: '?([\w.-]+)'?: No such file or directory|exec: "(sh|bash|\/bin\/sh)": executable file not found/,
    line: (m) => {
      const what = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (m[3] || m[4]) return `an interpreter is missing: the start command needs ${what}, which the runtime image does not have (no shell, no ${what}); start the program directly in exec form`;
      return `the program's interpreter is missing: ${what} exists but its loader (glibc's ld-linux or musl's ld-musl) or its #! interpreter is not in the runtime image; build it statically (CGO_ENABLED=0, -static, a musl target on static) or ship it on base/cc, and start scripts with their program, not a shell`;
    },
  },
  {
    cause: 'missing-program',
    // A tool the app runs by name, which the runtime stage had installed with apt: Go's os/exec, Node.js's child_process, Python's subprocess.
    // Python says the same for open('config') as for a missing program: only the traceback through subprocess's _execute_child tells them apart.
    match: /exec: "([\w.+-]+)": executable file not found in \$PATH|spawn(?:Sync)? ([\w.+-]+) ENOENT|in _execute_child\n(?:.*\n){0,3}?FileNotFoundError: \[Errno 2\] No such file or directory: '([\w.+-]+)'/,
    line: (m) => `a program the app runs is missing: ${m[1] ?? m[2] ?? m[3]} is not in the runtime image, which has no package manager to install it; keep the stage that installs its package on a Debian image, or change the app so it does not run ${m[1] ?? m[2] ?? m[3]}`,
  },
  {
    cause: 'exec-format',
    match: /exec format error/,
    line: () => 'exec format error: the program was built for another CPU architecture than the engine runs (or is a script without a #! line); build with --platform for the engine\'s architecture (TARGETARCH for go build, -r linux-<arch> for dotnet)',
  },
  {
    cause: 'untrusted-certificate',
    match: /x509: certificate signed by unknown authority|certificate verify failed|CERTIFICATE_VERIFY_FAILED|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|unable to get local issuer certificate|SELF_SIGNED_CERT_IN_CHAIN|PKIX path building failed|x509: certificate is not trusted/,
    line: (m) => `${m[0]}: the runtime image trusts only Debian's CA bundle, not the private CA the original image added; copy the bundle from the build stage (COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/) or point SSL_CERT_FILE at your CA file`,
  },
  {
    cause: 'permission-denied',
    // Go: "open /data/x: permission denied"; Python: "PermissionError: [Errno 13] Permission denied: '/data'"; Node: "EACCES: permission denied, open '/data'".
    match: /(?:(?:open|mkdir|create|stat|chdir) ([^\s:]+): permission denied|Permission denied: '([^']+)'|EACCES: permission denied, \w+ '([^']+)'|permission denied)/i,
    line: (m) => {
      const path = m[1] ?? m[2] ?? m[3];
      const where = path ? `${path} is not writable or readable by the image's non-root user (65532)` : 'the image\'s non-root user (65532) may not open a file or port the app needs';
      return `permission denied: ${where}; copy that directory from the build stage with --chown=65532:65532 (or mount a volume there), keep WORKDIR out of /root, and use ports from 1024 up`;
    },
  },
  {
    cause: 'unknown-time-zone',
    match: /unknown time zone ([\w/+-]+)|ZoneInfoNotFoundError: '?(?:No time zone found with key )?([\w/+-]+)|Unknown time-zone ID: ([\w/+-]+)|TimeZoneNotFoundException|The time zone ID '([^']+)' was not found/,
    line: (m) => `unknown time zone${m[1] ?? m[2] ?? m[3] ?? m[4] ? ` ${m[1] ?? m[2] ?? m[3] ?? m[4]}` : ''}: the runtime image has no time zone database for it; on .NET use the -chiseled-extra image (it adds tzdata), elsewhere copy /usr/share/zoneinfo from the build stage or embed it (Go: import _ "time/tzdata")`,
  },
  {
    cause: 'unknown-culture',
    match: /CultureNotFoundException|Only the invariant culture is supported in globalization-invariant mode|Couldn't find a valid ICU package/,
    line: (m) => `${m[0]}: the runtime image has no ICU; use the -chiseled-extra image, which adds ICU and tzdata, or set InvariantGlobalization in the project if the app needs no cultures`,
  },
];

/** The first cause the text shows, most specific first (a missing library before the generic ENOENT of its loader). */
export function diagnose(output: string | undefined): Diagnosis | undefined {
  if (!output) return undefined;
  for (const rule of RULES) {
    const m = rule.match.exec(output);
    if (m) return { cause: rule.cause, line: rule.line(m) };
  }
  return undefined;
}
