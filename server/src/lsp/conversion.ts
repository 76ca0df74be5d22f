/**
 * The answer to `distroless/convert` (protocol.ts): the engine's conversion of a
 * Dockerfile, with the options the diagnostics of that document are computed with.
 * No connection here: server.ts passes the request and sends what this returns.
 */
import { convert, type LintOptions } from '../engine';
import type { ConvertParams, ConvertResult } from '../protocol';

export interface ConversionHost {
  /** The server's synchronized text of an open document. */
  text(uri: string): string | undefined;
  /** What lint gets for this document: configuration file, settings, files beside it. */
  options(uri: string): Promise<LintOptions>;
}

export async function answerConvert(params: ConvertParams, host: ConversionHost): Promise<ConvertResult> {
  const uri = params?.textDocument?.uri;
  if (typeof uri !== 'string') return { status: 'refused', reason: 'the request names no document' };
  const text = typeof params.text === 'string' ? params.text : host.text(uri);
  if (text === undefined) return { status: 'refused', reason: 'the language server has not been sent this document: open it, or send its text' };
  const { target, distrolessRegistry, workspace, convertTo } = await host.options(uri);
  const result = convert(text, { target, distrolessRegistry, workspace, to: convertTo, grounded: params.grounded });
  if (!result.ok) return { status: 'refused', reason: result.reason };
  if (!result.changed) return { status: 'unchanged', runtimeImage: result.runtimeImage };
  return { status: 'converted', text: result.text, language: result.language, runtimeImage: result.runtimeImage, dropped: result.dropped };
}
