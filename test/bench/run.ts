/**
 * `npm run bench`: every benchmark prints ratios against a baseline measured in the
 * same run, never absolute pass/fail thresholds.
 */
import { benchSidecar } from './sidecar';

const BENCHMARKS: Array<[string, () => Promise<void>]> = [
  ['debug sidecar: request to first shell byte vs bare docker run', benchSidecar],
];

async function main(): Promise<void> {
  const only = process.argv[2];
  for (const [name, bench] of BENCHMARKS) {
    if (only && !name.includes(only)) continue;
    console.log(`\n## ${name}`);
    await bench();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
