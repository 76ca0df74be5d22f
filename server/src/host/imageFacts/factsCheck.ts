/**
 * `npm run facts:check [-- <image>[=<reference>]...]`: compares the built-in image
 * facts table with the images on the local engine and prints where they disagree.
 * Without arguments every tagged local image the table knows is compared; `local=ref`
 * compares a local image with the table's row for another reference (a mirror, a
 * rebuilt copy). Exit 0: no disagreement; 1: some; 2: no engine or bad usage.
 */
import { connectEngine } from '../../docker/connection';
import { classifyImage, shortImageId } from '../../engine';
import { compareWithTable } from './compare';
import { LocalImageFacts } from './provider';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('Usage: npm run facts:check [-- <image>[=<reference to compare with>]...]\n');
    return 0;
  }
  let docker;
  try {
    ({ docker } = await connectEngine({ pingTimeoutMs: 3000 }));
  } catch (error) {
    process.stderr.write(`facts:check: ${(error as Error).message}\n`);
    return 2;
  }
  let pairs: Array<{ local: string; reference: string }>;
  if (argv.length > 0) {
    pairs = argv.map((a) => {
      const [local, reference] = a.split('=', 2);
      return { local, reference: reference || local };
    });
  } else {
    const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    pairs = [...new Set(tags)].sort().filter((t) => classifyImage(t).family !== 'unknown').map((t) => ({ local: t, reference: t }));
  }
  const facts = new LocalImageFacts({ refreshAfterMs: Number.POSITIVE_INFINITY, retryAfterMs: Number.POSITIVE_INFINITY });
  let disagreements = 0;
  let compared = 0;
  for (const { local, reference } of pairs) {
    await facts.load([local]);
    const observation = facts.peek(local);
    if (observation?.state !== 'observed') {
      process.stdout.write(`${local}: not compared (${observation?.state === 'absent' ? observation.reason : 'unknown'}${observation?.state === 'absent' && observation.detail ? `: ${observation.detail}` : ''})\n`);
      continue;
    }
    if (classifyImage(reference).family === 'unknown') {
      process.stdout.write(`${local}: not compared (the table has no row for ${reference})\n`);
      continue;
    }
    compared++;
    const found = compareWithTable(reference, observation);
    const name = local === reference ? local : `${local} (as ${reference})`;
    if (found.length === 0) {
      process.stdout.write(`${name} ${shortImageId(observation.image.id)}: agrees\n`);
      continue;
    }
    disagreements += found.length;
    process.stdout.write(`${name} ${shortImageId(observation.image.id)}:\n`);
    for (const d of found) process.stdout.write(`  ${d.fact}: table says ${d.table}, the image says ${d.image}${d.source ? `\n    table source: ${d.source}` : ''}\n`);
  }
  process.stdout.write(`${compared} image(s) compared, ${disagreements} disagreement(s).\n`);
  return disagreements > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`facts:check: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
