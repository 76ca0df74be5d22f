import * as vscode from 'vscode';
import type { CommandDefinition } from './types';

/**
 * A Dockerfile as many start: one stage on a full OS image, a package install, root.
 * The walkthrough's first step opens it; its next steps act on it: Fix All strips the
 * Go binary (go-binary-not-stripped, a fix that is safe in fix-all), Convert moves it
 * onto static-debian13.
 */
export const SAMPLE_DOCKERFILE = [
  'FROM golang:1.24',
  'WORKDIR /src',
  'COPY go.mod main.go ./',
  'RUN go build -o /usr/local/bin/server .',
  'RUN apt-get update && apt-get install -y curl',
  'EXPOSE 8080',
  'CMD ["server"]',
  '',
].join('\n');

/** Opens the sample in an untitled editor, so the problems show without touching the user's files. */
export const openSampleDockerfileCommand: CommandDefinition = {
  id: 'distroless.openSampleDockerfile',
  async run() {
    const document = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: SAMPLE_DOCKERFILE });
    await vscode.window.showTextDocument(document);
  },
};
