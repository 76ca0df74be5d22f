/**
 * Debounced checking of open documents, and the Analysis per document version so that
 * code actions, fix-all, hover, the status item and Convert reuse what diagnostics
 * computed instead of parsing again.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, fixAll, validateSyntax, type Analysis, type AnalysisOptions, type FixAllResult, type WorkspaceFiles } from '../engine';
import type { ServerSettings } from './settings';
import { toDiagnostic } from './diagnostics';
import { diskWorkspace } from '../host/workspaceFiles';
import { analysisOptions, ConfigCache, ConfigError, type DistrolessConfig } from '../host/config';
import { SOURCE } from '../protocol';
import { baseImageReferences, type ObservedImages } from '../engine';
import { buildTargetFor, type BuildTargetAnswer } from '../host/buildTargets';

/** The code of the diagnostic that reports a broken .distroless configuration file. */
export const INVALID_CONFIGURATION = 'invalid-configuration';

/**
 * Documents above this size are not checked in the editor: linting and syntax checks
 * run on the server's only thread and grow faster than the size (1 MB: about 9 s,
 * 5 MB: minutes), holding every other request (a hover on another file) meanwhile.
 * 256 KB takes about a second; the largest of 330 real Dockerfiles in the test corpus
 * is 12 KB. The CLI checks any size.
 */
export const MAX_CHECKED_BYTES = 256 * 1024;

function sizeInWords(chars: number): string {
  return chars >= 1024 * 1024 ? `${(chars / (1024 * 1024)).toFixed(1)} MB` : `${Math.round(chars / 1024)} KB`;
}

/** Lets requests that arrived meanwhile (hover, completion, a newer version) run first. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface CheckerHost {
  settingsFor(uri: string): Promise<ServerSettings>;
  workspaceFolderFor(uri: string): string | undefined;
  /** The Dockerfile's path on disk, when it has one (for the build files that name its target). */
  filePathFor?(uri: string): string | undefined;
  publish(uri: string, version: number, diagnostics: Diagnostic[]): void;
  log(message: string): void;
  /** Facts read from local images; lint never waits for them (see refreshImages). */
  images?(settings: ServerSettings): ImageFactsSource | undefined;
}

/** What the checker needs of host/imageFacts' LocalImageFacts. */
export interface ImageFactsSource {
  snapshot(): ObservedImages;
  wants(keys: readonly string[]): boolean;
  load(keys: readonly string[]): Promise<string[]>;
}

interface Cached {
  version: number;
  analysis: Analysis;
}

export class DocumentChecker {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly cache = new Map<string, Cached>();
  private readonly configs = new ConfigCache();
  /**
   * Files beside each Dockerfile folder, read once and kept until the client reports a
   * change to a watched file: rules and the converter read package.json, go.mod and Go
   * sources, which would otherwise be read from disk again on every keystroke.
   */
  private readonly workspaces = new Map<string, WorkspaceFiles>();

  constructor(private readonly host: CheckerHost) {}

  schedule(document: TextDocument, delay?: number): void {
    const uri = document.uri;
    clearTimeout(this.timers.get(uri));
    void this.host.settingsFor(uri).then((settings) => {
      clearTimeout(this.timers.get(uri));
      this.timers.set(uri, setTimeout(() => {
        this.timers.delete(uri);
        void this.check(document);
      }, delay ?? settings.diagnosticsDelay));
    });
  }

  /** Drops cached results so the next check reads configuration files again. */
  forgetResults(): void {
    this.cache.clear();
    this.workspaces.clear();
  }

  forget(uri: string): void {
    this.latest.delete(uri);
    this.trees.delete(uri);
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.cache.delete(uri);
  }

  /** True for documents too large to check in the editor (MAX_CHECKED_BYTES). */
  tooLarge(document: TextDocument): boolean {
    // UTF-16 length is a lower bound of the UTF-8 size and needs no encoding pass.
    return document.getText().length > MAX_CHECKED_BYTES;
  }

  /**
   * The document's Analysis for its current version: diagnostics, code actions, fix-all,
   * hover, the status item and `distroless/convert` all read this one. When only the
   * options changed (image facts arrived, settings), the text is not parsed again.
   */
  async analysisOf(document: TextDocument): Promise<Analysis> {
    const cached = this.cache.get(document.uri);
    if (cached && cached.version === document.version) return cached.analysis;
    const text = document.getText();
    const tree = this.trees.get(document.uri);
    const analysis = analyze(text, await this.options(document.uri), tree?.text === text ? tree.dockerfile : undefined);
    this.trees.set(document.uri, { text, dockerfile: analysis.model.dockerfile });
    this.cache.set(document.uri, { version: document.version, analysis });
    return analysis;
  }

  /**
   * The Analysis of `text` for the document at `uri`: the cached one when `text` is the
   * open document's (or undefined), a new one with the same options otherwise.
   */
  async analysisOfText(uri: string, document: TextDocument | undefined, text: string | undefined): Promise<Analysis | undefined> {
    if (document && (text === undefined || text === document.getText())) return this.analysisOf(document);
    if (text === undefined) return undefined;
    return analyze(text, await this.options(uri));
  }

  /** The last tree parsed per document, kept across option changes (the tree depends on the text alone). */
  private readonly trees = new Map<string, { text: string; dockerfile: Analysis['model']['dockerfile'] }>();

  /**
   * Looks up the document's base images on the local engine when their facts are
   * missing or due, after diagnostics went out with what was known; when what is
   * known changes, the document is checked and published again. Resolves true then.
   */
  async refreshImages(document: TextDocument, analysis: Analysis): Promise<boolean> {
    const images = this.host.images?.(await this.host.settingsFor(document.uri));
    const keys = baseImageReferences(analysis.model);
    if (!images || keys.length === 0 || !images.wants(keys)) return false;
    const changed = await images.load(keys);
    // Closed meanwhile (forget() drops the cached result): nothing to republish.
    if (changed.length === 0 || !this.cache.has(document.uri)) return false;
    this.cache.delete(document.uri);
    this.schedule(document, 0);
    return true;
  }

  async fixAllNow(document: TextDocument): Promise<FixAllResult> {
    if (this.tooLarge(document)) return { text: document.getText(), applied: [], remaining: [] };
    return fixAll(await this.analysisOf(document));
  }

  /**
   * The configuration file found from the document's folder, overridden by the VS Code
   * settings the user set. VS Code fills defaults (`{}`, `''`) for unset settings, so
   * those count as unset and leave the file's values in force. Built by the function
   * the CLI uses too (host/config analysisOptions).
   */
  async options(uri: string): Promise<AnalysisOptions> {
    const settings = await this.host.settingsFor(uri);
    const folder = this.host.workspaceFolderFor(uri);
    const { config } = this.configFor(folder);
    return analysisOptions(config, { rules: settings.rules, target: settings.target, convertTo: settings.convertTo || undefined }, {
      buildTarget: this.shippedTarget(uri, settings, config)?.target,
      workspace: folder ? this.workspaceFor(folder) : undefined,
      images: this.host.images?.(settings)?.snapshot(),
    });
  }

  /**
   * The stage the project's build files ship (Compose, bake, skaffold, GitHub
   * workflows), and where that was read; undefined when the setting or the
   * configuration file names the target (they win) or no build file names one.
   */
  shippedTarget(uri: string, settings: ServerSettings, config?: DistrolessConfig): BuildTargetAnswer | undefined {
    if (settings.target) return undefined;
    if ((config ?? this.configFor(this.host.workspaceFolderFor(uri)).config).target) return undefined;
    const file = this.host.filePathFor?.(uri);
    return file ? buildTargetFor(file) : undefined;
  }

  /** Where the target in force for the document comes from, in words (hover, status item). */
  targetSource(uri: string, settings: ServerSettings): string | undefined {
    if (settings.target) return `the distroless.target setting ("${settings.target}")`;
    const folder = this.host.workspaceFolderFor(uri);
    if (folder) {
      try {
        const { file, config } = this.configs.load(folder);
        if (config.target && file) return `target "${config.target}" in ${file.split(/[\\/]/).pop()}`;
      } catch {
        return undefined;
      }
    }
    return this.shippedTarget(uri, settings)?.source;
  }

  /** A broken file is reported (see check) and ignored, so the rules keep running on defaults. */
  private workspaceFor(folder: string): WorkspaceFiles {
    let files = this.workspaces.get(folder);
    if (!files) {
      files = diskWorkspace(folder);
      this.workspaces.set(folder, files);
    }
    return files;
  }

  private configFor(folder: string | undefined): { config: DistrolessConfig; error?: ConfigError } {
    if (!folder) return { config: {} };
    try {
      return { config: this.configs.load(folder).config };
    } catch (error) {
      if (error instanceof ConfigError) return { config: {}, error };
      throw error;
    }
  }

  /** The newest version scheduled per document: work on an older one stops at its next step. */
  private readonly latest = new Map<string, number>();

  private async check(document: TextDocument): Promise<void> {
    const version = document.version;
    this.latest.set(document.uri, version);
    const stale = () => this.latest.get(document.uri) !== version;
    try {
      const settings = await this.host.settingsFor(document.uri);
      if (this.tooLarge(document)) {
        this.host.publish(document.uri, version, [{
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Information,
          source: SOURCE,
          message: `This file is ${sizeInWords(document.getText().length)}, so it is not checked in the editor (the limit is ${sizeInWords(MAX_CHECKED_BYTES)}; real Dockerfiles are rarely above 20 KB). Check it with the command line: distroless lint <file>.`,
        }]);
        return;
      }
      await yieldToEventLoop();
      if (stale()) return;
      const analysis = await this.analysisOf(document);
      await yieldToEventLoop();
      if (stale()) return;
      for (const failure of analysis.failures) this.host.log(`rule ${failure.ruleId} failed on ${document.uri}: ${String(failure.error)}`);
      const diagnostics = analysis.diagnoses.map(toDiagnostic);
      if (settings.syntaxChecks) {
        try {
          diagnostics.unshift(...validateSyntax(analysis.text, analysis.model.dockerfile));
        } catch (error) {
          // The rules' findings still count; the missing syntax check is said, not hidden.
          this.host.log(`the syntax check of ${document.uri} failed: ${error instanceof Error ? error.stack : String(error)}`);
          diagnostics.unshift(checkFailed('The syntax check failed on this file (a bug, please report it; the details are in the log).'));
        }
      }
      // The file's problem is shown on every Dockerfile it governs: a log line would go
      // unseen while the user wonders why their severities are not applied.
      const { error } = this.configFor(this.host.workspaceFolderFor(document.uri));
      if (error) {
        this.host.log(error.message);
        diagnostics.unshift({
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Error,
          source: SOURCE,
          code: INVALID_CONFIGURATION,
          message: `The distroless configuration is ignored until it is fixed: ${error.message}`,
        });
      }
      this.host.publish(document.uri, version, diagnostics);
      void this.refreshImages(document, analysis);
    } catch (error) {
      // A bug must cost the user diagnostics for this keystroke, never the server, and
      // never silently: an empty list would say the file is fine.
      this.host.log(`checking ${document.uri} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!stale()) this.host.publish(document.uri, version, [checkFailed('This file could not be checked (a bug, please report it; the details are in the log).')]);
    }
  }
}

function checkFailed(message: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: SOURCE, message };
}
