/**
 * The data path of Convert to Distroless, apart from its UI: the language server
 * converts (with the configuration file, target and registry mirror its diagnostics
 * use) and answers with the text, "nothing to convert", or the reason it refuses.
 * The command (commands/convertToDistroless.ts) decides how to show and apply it.
 */
import type { LanguageClient } from 'vscode-languageclient/node';
import { CONVERT_REQUEST, type ConvertParams, type ConvertResult } from '../../server/src/protocol';

export type { ConvertResult } from '../../server/src/protocol';

/**
 * The conversion of `text`, the content of the document at `uri` at the version the
 * caller holds. Rejects when the server cannot be reached or fails.
 */
export function requestConversion(client: LanguageClient, uri: string, text: string, grounded?: ConvertParams['grounded']): Promise<ConvertResult> {
  const params: ConvertParams = { textDocument: { uri }, text, ...(grounded ? { grounded } : {}) };
  return client.sendRequest<ConvertResult>(CONVERT_REQUEST, params);
}
