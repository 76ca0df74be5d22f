/**
 * The language server: wires LSP requests to dockerfile-language-service (editing
 * features and syntax checks) and to the distroless engine (rules and fixes).
 */
import {
  CodeAction, CodeActionKind, createConnection, DidChangeConfigurationNotification, LSPErrorCodes, MessageType, ProposedFeatures, ResponseError,
  ShowMessageNotification, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileLanguageServiceFactory, CommandIds } from 'dockerfile-language-service';
import { DockerfileParser } from 'dockerfile-ast';
import { URI } from './uri';
import { mergeSettings, normalizeSettings, ServerSettings, settingsFromInitializationOptions, unknownRuleIdWarnings } from './settings';
import { codeActions } from './codeActions';
import { CONVERT_REQUEST, FIX_ALL_KIND, SHIPPED_STAGE_REQUEST, SOURCE, type ConvertParams, type ConvertResult, type ShippedStage, type ShippedStageParams } from '../protocol';
import { answerConvert } from './conversion';
import { LocalImageFacts } from '../host/imageFacts';
import { imageHover, mergeHovers } from './imageHover';
import { DocumentChecker, MAX_CHECKED_BYTES } from './documentChecker';
import { SHOW_RULE_DOCUMENTATION_SERVER } from './ruleActions';
import { showRuleDocumentation } from './ruleDocumentation';
import { suppressionCompletion } from './suppressionCompletion';
import { shippedStageOf } from './shippedStage';
import { semanticTokens } from './semanticTokens';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = DockerfileLanguageServiceFactory.createLanguageService();
service.setLogger({ log: (message) => connection.console.log(message) });

let pullConfiguration = false;
/** Commands the client runs itself (VS Code: Convert's diff, the docs in Markdown preview). */
let clientCommands: ReadonlySet<string> = new Set();
const settingsCache = new Map<string, Promise<ServerSettings>>();

/**
 * Settings an editor gives without workspace/configuration: initializationOptions at
 * start, then the `distroless` section of workspace/didChangeConfiguration. Pulled
 * settings, where the client has them, win key by key.
 */
let pushedSettings: unknown;

function settingsFor(uri: string): Promise<ServerSettings> {
  let pending = settingsCache.get(uri);
  if (!pending) {
    const pulled = pullConfiguration ? connection.workspace.getConfiguration({ scopeUri: uri, section: 'distroless' }).then((raw: unknown) => raw, () => undefined) : Promise.resolve(undefined);
    pending = pulled.then((raw) => {
      const merged = mergeSettings(pushedSettings, raw);
      warnOnce(unknownRuleIdWarnings(merged));
      return normalizeSettings(merged);
    });
    settingsCache.set(uri, pending);
  }
  return pending;
}

/**
 * One reader of image facts per engine setting and source choice; none while both
 * `distroless.inspectLocalImages` and `distroless.imageFacts.registryLookups` are off.
 */
let localImages: { key: string; facts: LocalImageFacts } | undefined;
function imagesFor(settings: ServerSettings): LocalImageFacts | undefined {
  if (!settings.inspectLocalImages && !settings.registryLookups) return undefined;
  const key = JSON.stringify([settings.dockerHost, settings.inspectLocalImages, settings.registryLookups, settings.registryRedirectHosts]);
  if (localImages?.key !== key) {
    localImages = {
      key,
      facts: new LocalImageFacts({
        dockerHost: settings.dockerHost || undefined,
        localEngine: settings.inspectLocalImages,
        registryLookups: settings.registryLookups,
        registryRedirectHosts: settings.registryRedirectHosts,
        log: (m) => connection.console.log(m),
      }),
    };
  }
  return localImages.facts;
}

const warned = new Set<string>();
function warnOnce(messages: string[]): void {
  for (const message of messages) {
    if (warned.has(message)) continue;
    warned.add(message);
    // A notification: window/showMessageRequest would wait on (and reject without) an answer.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  }
}

const checker = new DocumentChecker({
  settingsFor,
  images: imagesFor,
  workspaceFolderFor: (uri) => URI.folderOf(uri),
  filePathFor: (uri) => URI.pathOf(uri),
  publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
  log: (message) => connection.console.error(message),
});

connection.onInitialize((params) => {
  const capabilities = params.capabilities;
  pullConfiguration = capabilities.workspace?.configuration === true;
  const init = (params.initializationOptions ?? {}) as { clientCommands?: unknown };
  pushedSettings = settingsFromInitializationOptions(params.initializationOptions);
  clientCommands = new Set(Array.isArray(init.clientCommands) ? init.clientCommands.filter((c): c is string => typeof c === 'string') : []);
  service.setCapabilities({
    completion: capabilities.textDocument?.completion,
    hover: capabilities.textDocument?.hover,
    foldingRange: capabilities.textDocument?.foldingRange,
  });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['=', ' ', '$', '-', ','], resolveProvider: true },
      hoverProvider: true,
      signatureHelpProvider: { triggerCharacters: ['-', '[', ',', ' ', '='] },
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      documentOnTypeFormattingProvider: { firstTriggerCharacter: '\\', moreTriggerCharacter: ['`'] },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentHighlightProvider: true,
      documentLinkProvider: { resolveProvider: true },
      definitionProvider: true,
      renameProvider: { prepareProvider: true },
      semanticTokensProvider: {
        full: true,
        legend: {
          tokenTypes: ['keyword', 'comment', 'parameter', 'property', 'namespace', 'class', 'macro', 'string', 'variable', 'operator', 'modifier'],
          tokenModifiers: ['declaration', 'definition', 'deprecated'],
        },
      },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      executeCommandProvider: { commands: [...Object.values(CommandIds), SHOW_RULE_DOCUMENTATION_SERVER] },
    },
    serverInfo: { name: 'distroless-language-server' },
  };
});

connection.onInitialized(() => {
  if (pullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'distroless' });
});

connection.onDidChangeConfiguration((params) => {
  const pushed = (params.settings as { distroless?: unknown } | null | undefined)?.distroless;
  if (pushed && typeof pushed === 'object') pushedSettings = pushed;
  settingsCache.clear();
  checker.forgetResults();
  for (const document of documents.all()) checker.schedule(document, 0);
});

connection.onDidChangeWatchedFiles(() => {
  checker.forgetResults();
  for (const document of documents.all()) checker.schedule(document, 0);
});

documents.onDidOpen((e) => checker.schedule(e.document, 0));
documents.onDidChangeContent((e) => checker.schedule(e.document));
documents.onDidClose((e) => {
  checker.forget(e.document.uri);
  settingsCache.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

function text(uri: string): string | undefined {
  return documents.get(uri)?.getText();
}

/**
 * The text for dockerfile-language-service's features, which parse the whole document
 * on every request (a 2 MB file takes the parser 40 s): none above the size the editor
 * checks, so such a document gets empty answers instead of a server that answers nothing.
 */
function serviceText(uri: string): string | undefined {
  const content = text(uri);
  return content !== undefined && content.length <= MAX_CHECKED_BYTES ? content : undefined;
}

connection.onCompletion(async (params) => {
  const content = serviceText(params.textDocument.uri);
  if (content === undefined) return [];
  const suppression = suppressionCompletion(content, params.position);
  if (suppression) return suppression;
  const settings = await settingsFor(params.textDocument.uri);
  // The service asks Docker Hub for tags when the cursor is on a FROM image's tag;
  // the server makes no network calls unless the user turned that on.
  if (!settings.imageTagCompletion && isInFromImageTag(content, params.position)) return [];
  return service.computeCompletionItems(content, params.position);
});
connection.onCompletionResolve((item) => service.resolveCompletionItem(item));
connection.onHover(async (params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return null;
  const content = serviceText(document.uri);
  if (content === undefined) return null;
  const theirs = service.computeHover(content, params.position);
  // Ours is only for a FROM line, and never lints a document too large to check.
  const line = document.getText({ start: { line: params.position.line, character: 0 }, end: { line: params.position.line + 1, character: 0 } });
  if (!/^\s*from\s/i.test(line) || document.getText().length > MAX_CHECKED_BYTES) return theirs ?? null;
  const settings = await settingsFor(document.uri);
  let result = await checker.analysisOf(document);
  const images = imagesFor(settings);
  const peek = images ? (key: string) => images.peek(key) : undefined;
  const targetSource = checker.targetSource(document.uri, settings);
  let ours = imageHover(result, params.position, peek, targetSource);
  if (ours && images) {
    // A hover is worth a short wait for facts not read yet; never longer than that.
    const read = await Promise.race([checker.refreshImages(document, result), new Promise<false>((r) => setTimeout(() => r(false), 2000))]);
    if (read) result = await checker.analysisOf(document);
    ours = imageHover(result, params.position, peek, targetSource);
  }
  return mergeHovers(ours, theirs);
});
connection.onSignatureHelp((params) => {
  const content = serviceText(params.textDocument.uri);
  return content === undefined ? null : service.computeSignatureHelp(content, params.position);
});
connection.onDocumentFormatting(async (params) => {
  const content = serviceText(params.textDocument.uri);
  if (content === undefined) return [];
  const settings = await settingsFor(params.textDocument.uri);
  return service.format(content, { ...params.options, ...settings.formatter });
});
connection.onDocumentRangeFormatting(async (params) => {
  const content = serviceText(params.textDocument.uri);
  if (content === undefined) return [];
  const settings = await settingsFor(params.textDocument.uri);
  return service.formatRange(content, params.range, { ...params.options, ...settings.formatter });
});
connection.onDocumentOnTypeFormatting(async (params) => {
  const content = serviceText(params.textDocument.uri);
  if (content === undefined) return [];
  const settings = await settingsFor(params.textDocument.uri);
  return service.formatOnType(content, params.position, params.ch, { ...params.options, ...settings.formatter });
});
connection.onDocumentSymbol((params) => {
  const content = serviceText(params.textDocument.uri);
  return content === undefined ? [] : service.computeSymbols(params.textDocument, content);
});
connection.onFoldingRanges((params) => {
  const content = serviceText(params.textDocument.uri);
  return content === undefined ? [] : service.computeFoldingRanges(content);
});
connection.onDocumentHighlight((params) => {
  const content = serviceText(params.textDocument.uri);
  return content === undefined ? [] : service.computeHighlightRanges(content, params.position);
});
connection.onDocumentLinks((params) => {
  const content = serviceText(params.textDocument.uri);
  return content === undefined ? [] : service.computeLinks(content);
});
connection.onDocumentLinkResolve((link) => service.resolveLink(link));
connection.onDefinition((params) => {
  const content = serviceText(params.textDocument.uri);
  return content === undefined ? null : service.computeDefinition(params.textDocument, content, params.position);
});
connection.onPrepareRename((params) => {
  const content = serviceText(params.textDocument.uri);
  return content === undefined ? null : service.prepareRename(content, params.position);
});
connection.onRenameRequest((params) => {
  const content = serviceText(params.textDocument.uri);
  if (content === undefined) return null;
  return { changes: { [params.textDocument.uri]: service.computeRename(params.textDocument, content, params.position, params.newName) } };
});
connection.languages.semanticTokens.on(async (params, token) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return { data: [] };
  const version = document.version;
  const tokens = await semanticTokens(document.getText(), {
    compute: (piece) => service.computeSemanticTokens(piece),
    stopped: () => token.isCancellationRequested || documents.get(document.uri)?.version !== version,
  });
  if (tokens) return tokens;
  // The editor asks again for the new text when told the content changed.
  throw token.isCancellationRequested ? new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled') : new ResponseError(LSPErrorCodes.ContentModified, 'the document changed');
});

connection.onCodeAction(async (params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  return codeActions(document, params, checker, {
    clientCommands,
    syntaxActions: () => {
      // The service rewrites `code` of the diagnostics it is given (parseInt), so it gets
      // copies of the syntax diagnostics only, never ours.
      const syntaxDiagnostics = params.context.diagnostics.filter((d) => d.source !== SOURCE).map((d) => ({ ...d }));
      return service.computeCodeActions(params.textDocument, params.range, { ...params.context, diagnostics: syntaxDiagnostics })
        .map((command): CodeAction => ({ title: command.title, kind: CodeActionKind.QuickFix, command }));
    },
  });
});

connection.onRequest(SHIPPED_STAGE_REQUEST, async (params: ShippedStageParams): Promise<ShippedStage | null> => {
  const document = documents.get(params.uri);
  if (!document) return null;
  const settings = await settingsFor(document.uri);
  return shippedStageOf(await checker.analysisOf(document), checker.targetSource(document.uri, settings));
});
connection.onRequest(CONVERT_REQUEST, (params: ConvertParams): Promise<ConvertResult> =>
  answerConvert(params, { analysis: (uri, sent) => checker.analysisOfText(uri, documents.get(uri), sent) }));

connection.onExecuteCommand(async (params) => {
  if (params.command === SHOW_RULE_DOCUMENTATION_SERVER) {
    await showRuleDocumentation(connection, String(params.arguments?.[0] ?? ''));
    return;
  }
  const uri = params.arguments?.[0];
  const content = typeof uri === 'string' ? serviceText(uri) : undefined;
  if (typeof uri !== 'string' || content === undefined) return;
  const edits = service.computeCommandEdits(content, params.command, params.arguments ?? []);
  if (edits.length > 0) await connection.workspace.applyEdit({ changes: { [uri]: edits } });
});

function isInFromImageTag(content: string, position: { line: number; character: number }): boolean {
  const dockerfile = DockerfileParser.parse(content);
  const inside = (r: { start: typeof position; end: typeof position } | null) =>
    r !== null &&
    (r.start.line < position.line || (r.start.line === position.line && r.start.character <= position.character)) &&
    (r.end.line > position.line || (r.end.line === position.line && r.end.character >= position.character));
  return dockerfile.getFROMs().some((from) => inside(from.getImageTagRange()) || (inside(from.getImageRange()) && (from.getImage() ?? '').includes(':')));
}

// A bug must cost one answer, never the server: the details go to the log
// (Output > Distroless Dockerfiles), and the user keeps diagnostics for other files.
process.on('uncaughtException', (error) => connection.console.error(`unexpected error (a bug, please report it): ${error.stack ?? String(error)}`));
process.on('unhandledRejection', (error) => connection.console.error(`unexpected error (a bug, please report it): ${error instanceof Error ? error.stack : String(error)}`));

documents.listen(connection);
connection.listen();
