/**
 * Where the built forwarders (server/forwarder/bin, copied to dist/forwarder by
 * esbuild.mjs) are, and the one-file tar the engine's archive API takes to put one
 * into a sidecar.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Where the forwarder is put in the sidecar (its root: every image has one). */
export const FORWARDER_PATH = '/distroless-forwarder';

/** Docker's name for an architecture ('amd64', 'arm64'), from Docker's, Podman's or uname's. */
export function dockerArch(arch: string): string {
  const a = arch.trim().toLowerCase();
  return a === 'x86_64' || a === 'x86-64' ? 'amd64' : a === 'aarch64' || a === 'arm64/v8' ? 'arm64' : a;
}

/** The forwarder built for `arch`, or undefined when none ships for it. */
export function forwarderBinary(arch: string, searchFrom: string = __dirname): Buffer | undefined {
  const name = `forwarder-${dockerArch(arch)}`;
  // dist/forwarder next to the bundles (dist/client.js, dist/cli/*.js); server/forwarder/bin from compiled tests.
  const candidates = [path.join(searchFrom, 'forwarder', name), path.join(searchFrom, '..', 'forwarder', name)];
  for (let dir = searchFrom, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, 'server', 'forwarder', 'bin', name));
  for (const file of candidates) {
    try {
      return fs.readFileSync(file);
    } catch {
      // next
    }
  }
  return undefined;
}

/** A ustar archive of one regular file (owner root, the given mode). */
export function singleFileTar(name: string, data: Buffer, mode = 0o755): Buffer {
  if (Buffer.byteLength(name) > 99) throw new Error(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(512);
  const field = (offset: number, width: number, text: string) => header.write(text, offset, width, 'utf8');
  const octal = (offset: number, width: number, n: number) => field(offset, width, n.toString(8).padStart(width - 1, '0') + '\0');
  field(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, data.length);
  octal(136, 12, Math.floor(Date.now() / 1000));
  header.fill(' ', 148, 156);
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]);
}
