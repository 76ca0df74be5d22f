/**
 * The npm package as other editors' users install it: packed (with the dist/ that the
 * test run built) and installed into a temporary prefix, so its bins are the real
 * node_modules/.bin links with their shebangs and modes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './paths';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let installed: string | undefined;

/** The directory holding the installed package's bins (`distroless`, `distroless-language-server`). */
export function installedBinDir(): string {
  if (installed) return installed;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-bin-'));
  const env = { ...process.env, npm_config_cache: path.join(work, 'cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT, env, encoding: 'utf8' })) as Array<{ filename: string }>;
  const prefix = path.join(work, 'prefix');
  fs.mkdirSync(prefix);
  // The package has no dependencies (everything is bundled): nothing to fetch.
  execFileSync(npm, ['install', '--offline', '--ignore-scripts', '--no-save', '--prefix', prefix, path.join(work, packed[0].filename)], { cwd: work, env, stdio: 'pipe' });
  installed = path.join(prefix, 'node_modules', '.bin');
  return installed;
}
