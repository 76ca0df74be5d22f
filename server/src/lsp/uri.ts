import * as path from 'path';
import { fileURLToPath } from 'url';

export const URI = {
  /** The folder holding a file: URI's file; undefined for untitled and remote documents. */
  folderOf(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return path.dirname(fileURLToPath(uri));
    } catch {
      return undefined;
    }
  },
  /** The file of a file: URI; undefined for untitled and remote documents. */
  pathOf(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  },
};
