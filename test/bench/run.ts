/**
 * `npm run bench`: every benchmark prints ratios against a baseline measured in the
 * same run, never absolute pass/fail thresholds.
 */
import { benchSidecar } from './sidecar';
import { benchLint } from './lint';
import { benchCli } from './cli';
import { benchResponsiveness } from './responsiveness';
import { benchImageFacts } from './imageFacts';
import { benchSemanticTokens } from './semanticTokens';

const BENCHMARKS: Array<[string, () => Promise<void>]> = [
  ['diagnostics: lint + syntax checks vs dockerfile-utils validate alone', benchLint],
  ['CLI: the whole corpus in one process vs node -e 0', benchCli],
  ['debug sidecar: request to first shell byte vs bare docker run', benchSidecar],
  ['language server: hover latency while a large document is checked vs idle', benchResponsiveness],
  ['local image facts: keystroke with a warm cache vs without; first read vs the bare export', benchImageFacts],
  ['semantic tokens: time per KB up to 5 MB vs 64 KB (linear = 1.0x)', benchSemanticTokens],
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
