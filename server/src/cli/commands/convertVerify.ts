/**
 * `distroless convert --verify`: the conversion proven on the local engine (the same
 * discovery as `distroless debug`), reported side by side. The Docker work lives in
 * server/src/docker/verify.ts, shared with the editor's Convert and Verify.
 */
import { connectEngine } from '../../docker/connection';
import { DockerError, OperationCancelledError } from '../../docker/errors';
import { formatVerifyReport, verifyConversion, verifyReportJson } from '../../docker/verify';
import { ExitCode } from './types';
import type { CliIo } from './types';

export interface VerifyRequest {
  /** The Dockerfile on disk (absolute). */
  file: string;
  /** How the file is named in messages. */
  shown: string;
  contextDir: string;
  convertedText: string;
  target?: string;
  format: 'text' | 'json';
  observeSeconds?: number;
}

export async function runConvertVerify(request: VerifyRequest, io: CliIo): Promise<number> {
  let connection;
  try {
    connection = await connectEngine({ env: io.env, homedir: io.env.HOME || undefined });
  } catch (error) {
    if (!(error instanceof DockerError)) throw error;
    // No engine: say so, and still hand over the conversion (not verified).
    io.stderr.write(`${request.shown}: cannot verify the conversion: ${error.message}\n${request.shown}: the converted Dockerfile follows, NOT verified\n`);
    io.stdout.write(request.convertedText);
    return ExitCode.engineFailure;
  }
  const abort = new AbortController();
  const onSignal = () => {
    io.stderr.write('Cancelling: removing the images and containers verify created...\n');
    abort.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    io.stderr.write(`Verifying on ${connection.endpoint.description}\n`);
    const report = await verifyConversion({
      docker: connection.docker,
      endpoint: connection.endpoint,
      contextDir: request.contextDir,
      dockerfile: request.file,
      convertedText: request.convertedText,
      target: request.target,
      observeSeconds: request.observeSeconds,
      env: io.env,
      signal: abort.signal,
      onProgress: (message) => {
        // Build steps and the phases; the full build output is kept for a failure report.
        if (/^(?:Building|Running)\b/.test(message) || /: (?:Step \d+\/\d+ :|#\d+ \[)/.test(message)) io.stderr.write(`${message}\n`);
      },
    });
    io.stdout.write(request.format === 'json' ? verifyReportJson(report) : formatVerifyReport(report));
    return report.verified ? ExitCode.ok : ExitCode.negative;
  } catch (error) {
    if (error instanceof OperationCancelledError) {
      io.stderr.write('Verify cancelled; what it created is removed.\n');
      return ExitCode.cancelled;
    }
    if (error instanceof DockerError) {
      io.stderr.write(`${request.shown}: verify failed: ${error.message}\n`);
      return ExitCode.engineFailure;
    }
    throw error;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}
