/**
 * The contract between rules and everything that runs them (server, CLI, tests).
 * Positions are LSP positions (0-based line and UTF-16 character).
 */
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel } from './model';
import type { DeclaredImage, ObservedImages } from './observedImage';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'off';

/** Files beside the Dockerfile (package.json, go.mod, ...); paths are relative to the Dockerfile's folder. */
export interface WorkspaceFiles {
  readFile(relativePath: string): string | undefined;
  /** Relative paths of files under the folder whose name matches, bounded in count. */
  findFiles?(pattern: RegExp, limit: number): string[];
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Marks the fix the editor should prefer (shown first, used by fix-all). */
  preferred?: boolean;
  /**
   * False keeps the fix out of fix-all (and so out of fix-on-save): for rewrites too
   * large to apply without the user reading them, such as the whole-file conversion.
   */
  fixAll?: boolean;
}

export interface Finding {
  range: Range;
  message: string;
  fixes?: Fix[];
  /**
   * A severity for this finding below the rule's default, where what it rests on is
   * weaker (a fact the product does not know, a case that is information only).
   * A severity the user configured for the rule still wins.
   */
  severity?: Severity;
}

export interface RuleContext {
  model: DockerfileModel;
  /** The date end-of-life checks compare against. */
  today: Date;
  workspace?: WorkspaceFiles;
  /** Mirror of gcr.io/distroless/ that suggestions and fixes should name (configuration `registry`). */
  distrolessRegistry?: string;
  /** The image family conversions ship on (configuration `convertTo`); distroless when absent. */
  convertTo?: 'distroless' | 'chainguard' | 'dhi';
  /** The ids of every registered rule (whichever rules this run checks). */
  ruleIds: readonly string[];
}

export interface Rule {
  /** Stable kebab-case id, used in Diagnostic.code, settings and suppressions. */
  id: string;
  defaultSeverity: Severity;
  /** One line: what the rule catches. */
  summary: string;
  check(context: RuleContext): Finding[];
}

export interface Diagnosis extends Finding {
  ruleId: string;
  severity: Severity;
  fixes: Fix[];
}

/** Everything an analysis depends on besides the text. The host builds it in one place (host/config analysisOptions). */
export interface AnalysisOptions {
  /** Per-rule severity overrides; 'off' disables a rule. */
  severities?: Record<string, SeveritySetting>;
  /** The build target (stage name) that ships. */
  target?: string;
  /** End-of-life checks compare against this date; defaults to now. */
  today?: Date;
  workspace?: WorkspaceFiles;
  /** Mirror of gcr.io/distroless/ to suggest, and to recognise as distroless. */
  distrolessRegistry?: string;
  /** Facts read from local images, by resolved reference; the built-in table fills the rest. */
  images?: ObservedImages;
  /** Build args that override global ARG defaults, as `docker build --build-arg`. */
  buildArgs?: Readonly<Record<string, string>>;
  /** The platform the build runs on and for (`linux/amd64`): fills $TARGETARCH and the other automatic ARGs. */
  platform?: string;
  /** The image family conversions (and final-stage-full-os's fix) ship on: configuration `convertTo`. */
  convertTo?: 'distroless' | 'chainguard' | 'dhi';
  /** Facts the configuration file declares for images it names (`images:`); what a local image shows wins. */
  declaredImages?: Readonly<Record<string, DeclaredImage>>;
  /** Rules to run; defaults to the whole registry (tests pass one). */
  rules?: readonly Rule[];
}

/** A rule that threw: reported, never fatal, so one bug cannot hide the others. */
export interface RuleFailure {
  ruleId: string;
  error: unknown;
}
