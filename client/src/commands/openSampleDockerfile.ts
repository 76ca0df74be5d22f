import * as vscode from 'vscode';
import type { CommandDefinition } from './types';

/** A Dockerfile as many start: a full OS image, a package install, root. The walkthrough's first step opens it. */
export const SAMPLE_DOCKERFILE = [
  'FROM node:22',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci --omit=dev',
  'RUN apt-get update && apt-get install -y curl',
  'COPY server.js .',
  'EXPOSE 8080',
  'CMD ["node", "server.js"]',
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
