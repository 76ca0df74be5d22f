/**
 * Where the built-in table and a local image disagree: what `npm run facts:check`
 * prints, so the table can be kept current against real images.
 */
import { classifyImage, imageFactsFor, type ImageInfo, type ImageObservation } from '../../engine';

export interface Disagreement {
  fact: 'shell' | 'user' | 'entrypoint' | 'runtime' | 'runtime version' | 'libc' | 'CA bundle';
  table: string;
  image: string;
  /** The publisher's documentation the table row cites. */
  source?: string;
}

function userText(info: ImageInfo): string {
  const u = info.defaultUser;
  if (!u) return 'unknown';
  return u.uid === undefined ? u.name : `${u.uid}${u.name !== String(u.uid) ? ` (${u.name})` : ''}`;
}

/**
 * Compares the table's facts for `reference` with what `observation` (a local image)
 * says; only facts the table claims are compared.
 */
export function compareWithTable(reference: string, observation: ImageObservation, registry?: string): Disagreement[] {
  const table = classifyImage(reference, registry);
  if (observation.state !== 'observed' || table.family === 'unknown') return [];
  const local = imageFactsFor(reference, { images: { [reference]: observation }, distrolessRegistry: registry });
  const out: Disagreement[] = [];
  if (table.shell !== 'unknown' && table.shell !== local.shell) {
    out.push({ fact: 'shell', table: table.shell === 'yes' ? 'has /bin/sh' : 'no /bin/sh', image: local.shell === 'yes' ? 'has /bin/sh' : `no /bin/sh${observation.image.shells.length ? ` (has ${observation.image.shells.join(', ')})` : ''}`, source: table.sources.shell });
  }
  if (table.defaultUser && (table.defaultUser.uid !== local.defaultUser?.uid || (table.defaultUser.uid === undefined && table.defaultUser.name !== local.defaultUser?.name))) {
    out.push({ fact: 'user', table: userText(table), image: observation.image.user ? `${userText(local)} (USER ${observation.image.user})` : userText(local), source: table.sources.user });
  }
  if (table.entrypoint !== undefined && JSON.stringify(table.entrypoint) !== JSON.stringify(local.entrypoint ?? [])) {
    out.push({ fact: 'entrypoint', table: JSON.stringify(table.entrypoint), image: JSON.stringify(local.entrypoint ?? []) });
  }
  if (table.runtime !== 'none' && table.runtime !== local.runtime) out.push({ fact: 'runtime', table: table.runtime, image: local.runtime });
  if (table.runtimeVersion && local.runtimeVersion && table.runtimeVersion !== local.runtimeVersion) {
    out.push({ fact: 'runtime version', table: table.runtimeVersion, image: local.runtimeVersion });
  }
  if (table.libc !== 'unknown' && table.libc !== local.libc) out.push({ fact: 'libc', table: table.libc, image: local.libc });
  if (table.caBundle !== undefined && table.caBundle !== local.caBundle) {
    out.push({ fact: 'CA bundle', table: table.caBundle ? 'present' : 'absent', image: local.caBundle ? 'present' : 'absent' });
  }
  return out;
}
