/**
 * Whether a large document starves other requests in the language server: the latency
 * of a hover on a small Dockerfile while a large one is being checked, against the
 * same hover with nothing else to do (same server, same run). Sizes: 5 MB (above the
 * editor's limit, so it is not checked; docs/cli.md), 200 KB (just below it, checked),
 * and a version change of the 200 KB one arriving while it is checked.
 */
import { performance } from 'perf_hooks';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { startServer, ServerUnderTest } from '../support/lspClient';
import { generatedDockerfile } from './lint';

const SMALL = 'file:///bench/small/Dockerfile';
const HOVERS = 10;

function ofSize(bytes: number): string {
  let text = generatedDockerfile(200);
  while (text.length < bytes) text += text.slice(text.indexOf('\n') + 1);
  return text;
}

async function hoverLatencies(server: ServerUnderTest, count: number, pause = 0): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: SMALL }, position: { line: 0, character: 1 } });
    out.push(performance.now() - start);
    if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return out;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const max = (v: number[]) => Math.max(...v);
const ms = (n: number) => `${n.toFixed(1)} ms`;

export async function benchResponsiveness(): Promise<void> {
  const server = await startServer({ diagnosticsDelay: 0 });
  try {
    const ready = server.nextDiagnostics(SMALL, 1, 60_000);
    server.open(SMALL, 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD ["/app"]\n');
    await ready;
    await hoverLatencies(server, 3);
    const idle = await hoverLatencies(server, HOVERS);
    console.log(`hover, idle server: median ${ms(median(idle))}, max ${ms(max(idle))}`);

    for (const [label, bytes] of [['5 MB', 5 * 1024 * 1024], ['200 KB', 200 * 1024]] as const) {
      const uri = `file:///bench/large-${bytes}/Dockerfile`;
      const text = ofSize(bytes);
      const published = server.nextDiagnostics(uri, 1, 600_000);
      const start = performance.now();
      server.open(uri, text);
      const busy = await hoverLatencies(server, HOVERS, 20);
      await published;
      const checked = performance.now() - start;
      console.log(
        `hover while a ${label} document is opened: median ${ms(median(busy))} (${(median(busy) / median(idle)).toFixed(1)}x idle), ` +
          `max ${ms(max(busy))} (${(max(busy) / median(idle)).toFixed(1)}x); its diagnostics after ${ms(checked)}`,
      );
    }

    // Typing in the large document: versions 2..6 in quick succession; only the last is worth checking.
    const uri = `file:///bench/large-${200 * 1024}/Dockerfile`;
    const text = ofSize(200 * 1024);
    const last = server.nextDiagnostics(uri, 6, 600_000);
    const start = performance.now();
    for (let version = 2; version <= 6; version++) server.change(uri, `${text}# edit ${version}\n`, version);
    await last;
    console.log(`five quick edits to the 200 KB document: diagnostics of the last after ${ms(performance.now() - start)}`);
  } finally {
    await server.close();
  }
}
