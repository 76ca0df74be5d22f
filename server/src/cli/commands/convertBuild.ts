/**
 * `distroless convert --build`: the original built on the local engine first, and the
 * conversion grounded in what the image holds (server/src/docker/imageEvidence.ts):
 * the build output streams to stderr, and the image and container it made are removed.
 */
import * as path from 'path';
import { connectEngine } from '../../docker/connection';
import { DockerError, OperationCancelledError } from '../../docker/errors';
import { BuildFailedError, evidenceFromBuild, type ImageEvidence } from '../../docker/imageEvidence';
import { ExitCode, type CliIo } from './types';

export interface BuildEvidenceRequest {
  file: string;
  shown: string;
  buildArgs: Record<string, string>;
  target?: string;
  platform?: string;
}

/** The evidence, or the exit code after saying why there is none. */
export async function buildEvidence(request: BuildEvidenceRequest, io: CliIo): Promise<ImageEvidence | number> {
  let connection;
  try {
    connection = await connectEngine({ env: io.env, homedir: io.env.HOME || undefined });
  } catch (error) {
    if (!(error instanceof DockerError)) throw error;
    io.stderr.write(`${request.shown}: cannot build the original: ${error.message}\n`);
    return ExitCode.engineFailure;
  }
  const abort = new AbortController();
  const onSignal = () => {
    io.stderr.write('Cancelling: removing the image and container the build created...\n');
    abort.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    io.stderr.write(`Building on ${connection.endpoint.description}\n`);
    return await evidenceFromBuild(connection.docker, {
      contextDir: path.dirname(request.file),
      dockerfile: path.basename(request.file),
      buildArgs: request.buildArgs,
      target: request.target,
      platform: request.platform,
      signal: abort.signal,
      cli: { args: connection.endpoint.cliArgs, env: io.env },
      onOutput: (line) => io.stderr.write(`${line}\n`),
    });
  } catch (error) {
    if (error instanceof OperationCancelledError || abort.signal.aborted) return ExitCode.cancelled;
    if (error instanceof BuildFailedError) {
      io.stderr.write(`${request.shown}: the original does not build, so there is nothing to read: ${error.message}\n`);
      return ExitCode.engineFailure;
    }
    if (error instanceof DockerError || (error as { statusCode?: number }).statusCode !== undefined) {
      io.stderr.write(`${request.shown}: the engine failed: ${(error as Error).message}\n`);
      return ExitCode.engineFailure;
    }
    throw error;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}
