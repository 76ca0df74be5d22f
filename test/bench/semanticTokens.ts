/**
 * Semantic tokens through the language server over stdio, the way an editor asks for
 * them when a file opens: time per KB at 64 KB, 256 KB, 1 MB and 5 MB as ratios to the
 * time per KB at 64 KB (1.0x everywhere = linear). For contrast, the language
 * service's own whole-document tokens in-process at 8, 16, 32 and 64 KB, as the same ratio
 * to 8 KB (it grows with the size: worse than linear).
 */
import { performance } from 'perf_hooks';
import { SemanticTokensRequest } from 'vscode-languageserver-protocol/node';
import { DockerfileLanguageServiceFactory } from 'dockerfile-language-service';
import { startServer } from '../support/lspClient';
import { generatedDockerfile } from './lint';

function ofSize(bytes: number): string {
  let text = generatedDockerfile(200);
  const body = text.slice(text.indexOf('\n') + 1);
  while (text.length < bytes) text += body;
  return text.slice(0, text.lastIndexOf('\n', bytes) + 1);
}

const perKb = (ms: number, bytes: number) => ms / (bytes / 1024);

export async function benchSemanticTokens(): Promise<void> {
  const server = await startServer({ diagnosticsDelay: 0 });
  try {
    let base: number | undefined;
    // The first answer pays for the JIT: a 64 KB round before the measured ones.
    for (const [label, bytes] of [['warm-up', 64 * 1024], ['64 KB', 64 * 1024], ['256 KB', 256 * 1024], ['1 MB', 1024 * 1024], ['5 MB', 5 * 1024 * 1024]] as const) {
      const uri = `file:///bench/tokens-${label}-${bytes}/Dockerfile`;
      const text = ofSize(bytes);
      const opened = server.nextDiagnostics(uri, 1, 600_000);
      server.open(uri, text);
      await opened;
      const start = performance.now();
      const tokens = await server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
      const ms = performance.now() - start;
      if (label === 'warm-up') continue;
      base ??= perKb(ms, bytes);
      console.log(`language server, ${label}: ${ms.toFixed(0)} ms, ${(tokens?.data.length ?? 0) / 5} tokens; per KB ${(perKb(ms, bytes) / base).toFixed(2)}x the 64 KB cost`);
    }
  } finally {
    await server.close();
  }
  const service = DockerfileLanguageServiceFactory.createLanguageService();
  let base: number | undefined;
  service.computeSemanticTokens(ofSize(8 * 1024)); // warm-up
  for (const kb of [8, 16, 32, 64]) {
    const text = ofSize(kb * 1024);
    const start = performance.now();
    service.computeSemanticTokens(text);
    const ms = performance.now() - start;
    base ??= perKb(ms, kb * 1024);
    console.log(`the service alone on the whole document, ${kb} KB: ${ms.toFixed(0)} ms; per KB ${(perKb(ms, kb * 1024) / base).toFixed(2)}x the 8 KB cost`);
  }
}
