/**
 * The finished report of one `distroless lint` run, which every format renders
 * (report.ts and the formats here): apart from report.ts so a format needs no
 * import of the file that dispatches to it.
 */
import type { Diagnosis } from '../../engine';

export interface FileReport {
  /** Absolute path, or undefined for standard input without --stdin-filename. */
  file?: string;
  /** What the user reads: relative to the working folder, or `<stdin>`. */
  display: string;
  diagnoses: Diagnosis[];
  /** Rule ids of the fixes --fix applied, one per fix. */
  fixed: string[];
  /** The text the diagnoses' ranges refer to (after --fix): fingerprints read it (fingerprint.ts). */
  text?: string;
}

export interface InputProblem {
  display: string;
  message: string;
}

export interface Report {
  version: string;
  cwd: string;
  files: FileReport[];
  errors: InputProblem[];
}
