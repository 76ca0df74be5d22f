/**
 * The answer to `distroless/convert` (protocol.ts): the conversion of the document's
 * Analysis, the one its diagnostics come from (configuration file, settings, build
 * args, image facts, files beside it). No connection here: server.ts passes the
 * request and sends what this returns.
 */
import type { Analysis } from '../engine';
import type { ConvertParams, ConvertResult } from '../protocol';

export interface ConversionHost {
  /**
   * The Analysis of `text` (the text the client sent), or of the server's synchronized
   * copy of an open document when `text` is undefined; undefined when there is neither.
   */
  analysis(uri: string, text: string | undefined): Promise<Analysis | undefined>;
}

export async function answerConvert(params: ConvertParams, host: ConversionHost): Promise<ConvertResult> {
  const uri = params?.textDocument?.uri;
  if (typeof uri !== 'string') return { status: 'refused', reason: 'the request names no document' };
  const analysis = await host.analysis(uri, typeof params.text === 'string' ? params.text : undefined);
  if (!analysis) return { status: 'refused', reason: 'the language server has not been sent this document: open it, or send its text' };
  const result = analysis.convert(params.grounded);
  if (!result.ok) return { status: 'refused', reason: result.reason };
  if (!result.changed) return { status: 'unchanged', runtimeImage: result.runtimeImage };
  return { status: 'converted', text: result.text, language: result.language, runtimeImage: result.runtimeImage, dropped: result.dropped };
}
