/**
 * Files beside a Dockerfile, read from disk for rules that need them (package.json,
 * go.mod, ...). Reads are bounded in size and count so a huge workspace cannot stall
 * the server; anything unreadable is simply absent.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { WorkspaceFiles } from '../engine';

const MAX_FILE_BYTES = 1024 * 1024;
const SKIP_DIRS = new Set(['node_modules', '.git', 'vendor', 'target', 'dist', 'build', '.venv', 'venv', '__pycache__']);

export function diskWorkspace(folder: string): WorkspaceFiles {
  const cache = new Map<string, string | undefined>();
  // Several rules ask for the same files (Go sources, project files): walk once per question.
  const listings = new Map<string, string[]>();
  return {
    readFile(relativePath) {
      const full = path.resolve(folder, relativePath);
      if (!full.startsWith(path.resolve(folder))) return undefined;
      if (cache.has(full)) return cache.get(full);
      let text: string | undefined;
      try {
        const stat = fs.statSync(full);
        text = stat.isFile() && stat.size <= MAX_FILE_BYTES ? fs.readFileSync(full, 'utf8') : undefined;
      } catch {
        text = undefined;
      }
      cache.set(full, text);
      return text;
    },
    findFiles(pattern, limit) {
      const key = `${pattern.source}/${pattern.flags}:${limit}`;
      const known = listings.get(key);
      if (known) return [...known];
      const found: string[] = [];
      const walk = (dir: string, depth: number) => {
        if (found.length >= limit || depth > 6) return;
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          if (found.length >= limit) return;
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) {
            if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(full, depth + 1);
          } else if (entry.isFile() && pattern.test(entry.name)) {
            found.push(path.relative(folder, full));
          }
        }
      };
      walk(folder, 0);
      listings.set(key, found);
      return [...found];
    },
  };
}
