/**
 * A small ELF reader for grounded conversion: from the first bytes of a file, whether it
 * is an ELF program or library, its interpreter (PT_INTERP: the dynamic loader, which
 * tells glibc from musl) and the libraries it needs (DT_NEEDED, with DT_RUNPATH/DT_RPATH).
 * Pure: bytes in, facts out (imageEvidence.ts reads the bytes from the built image).
 * Layout from the System V ABI (https://refspecs.linuxfoundation.org/elf/gabi4+/ch5.dynamic.html).
 */

export interface ElfFacts {
  bits: 32 | 64;
  /** e_machine: 62 x86-64, 183 aarch64, 40 arm, 3 i386. */
  machine: number;
  /** PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2 or /lib/ld-musl-x86_64.so.1; undefined for static programs and most libraries. */
  interpreter?: string;
  /** DT_NEEDED sonames, in order. */
  needed: string[];
  /** DT_RUNPATH or DT_RPATH directories ($ORIGIN kept as written). */
  runpath: string[];
  soname?: string;
  /** No loader and no needed libraries: a statically linked program (static-pie has a PT_DYNAMIC, but no PT_INTERP and no DT_NEEDED). */
  isStatic: boolean;
}

/** The result of reading a prefix: facts, not ELF, or how many bytes are needed to finish. */
export type ElfRead = { elf: ElfFacts } | { notElf: true } | { needBytes: number };

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

/** True for a musl loader (Alpine): such programs do not run on glibc distroless images. */
export function isMuslInterpreter(interpreter: string | undefined): boolean {
  return interpreter !== undefined && /ld-musl-/.test(interpreter);
}

/**
 * Reads what it can from `bytes` (a prefix of the file, or all of it). When the dynamic
 * section or its strings lie beyond the prefix, says how many bytes to read in all.
 */
export function readElf(bytes: Uint8Array): ElfRead {
  if (bytes.length < 4) return bytes.length === 0 ? { notElf: true } : { needBytes: 64 };
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return { notElf: true };
  if (bytes.length < 64) return { needBytes: 64 };
  const bits = bytes[4] === 2 ? 64 : 32;
  const little = bytes[5] !== 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, little);
  const u32 = (o: number) => view.getUint32(o, little);
  const word = (o: number) => (bits === 64 ? Number(view.getBigUint64(o, little)) : u32(o));
  const machine = u16(18);
  const phoff = word(bits === 64 ? 32 : 28);
  const phentsize = u16(bits === 64 ? 54 : 42);
  const phnum = u16(bits === 64 ? 56 : 44);
  const phEnd = phoff + phentsize * phnum;
  if (bytes.length < phEnd) return { needBytes: phEnd };

  const loads: Array<{ vaddr: number; offset: number; filesz: number }> = [];
  let interp: { offset: number; size: number } | undefined;
  let dynamic: { offset: number; size: number } | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const type = u32(at);
    const offset = word(at + (bits === 64 ? 8 : 4));
    const vaddr = word(at + (bits === 64 ? 16 : 8));
    const filesz = word(at + (bits === 64 ? 32 : 16));
    if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
    else if (type === PT_INTERP) interp = { offset, size: filesz };
    else if (type === PT_DYNAMIC) dynamic = { offset, size: filesz };
  }
  const need = Math.max(interp ? interp.offset + interp.size : 0, dynamic ? dynamic.offset + dynamic.size : 0);
  if (bytes.length < need) return { needBytes: need };
  const cstring = (offset: number, limit = bytes.length): string => {
    let end = offset;
    while (end < limit && bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(offset, end));
  };
  const interpreter = interp ? cstring(interp.offset, interp.offset + interp.size) : undefined;
  if (!dynamic) return { elf: { bits, machine, interpreter, needed: [], runpath: [], isStatic: true } };

  const entries: Array<[number, number]> = [];
  const entSize = bits === 64 ? 16 : 8;
  for (let at = dynamic.offset; at + entSize <= dynamic.offset + dynamic.size; at += entSize) {
    const tag = word(at);
    if (tag === 0) break;
    entries.push([tag, word(at + entSize / 2)]);
  }
  const strtabAddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
  const strsz = entries.find(([t]) => t === DT_STRSZ)?.[1] ?? 0;
  // DT_STRTAB is a virtual address: the PT_LOAD segment that holds it says where it is in the file.
  const segment = strtabAddr === undefined ? undefined : loads.find((l) => strtabAddr >= l.vaddr && strtabAddr < l.vaddr + l.filesz);
  if (strtabAddr === undefined || !segment) return { elf: { bits, machine, interpreter, needed: [], runpath: [], isStatic: interpreter === undefined } };
  const strtab = segment.offset + (strtabAddr - segment.vaddr);
  if (bytes.length < strtab + strsz) return { needBytes: strtab + strsz };
  const str = (o: number) => cstring(strtab + o, strtab + strsz);
  const needed = entries.filter(([t]) => t === DT_NEEDED).map(([, v]) => str(v));
  const runpath = entries.filter(([t]) => t === DT_RUNPATH || t === DT_RPATH).flatMap(([, v]) => str(v).split(':')).filter((p) => p !== '');
  const sonameEntry = entries.find(([t]) => t === DT_SONAME);
  return { elf: { bits, machine, interpreter, needed, runpath, soname: sonameEntry ? str(sonameEntry[1]) : undefined, isStatic: interpreter === undefined && needed.length === 0 } };
}

/** Where the dynamic loader looks for a soname, in order: RUNPATH/RPATH, then the image's ld.so.conf directories, then the defaults. */
export function librarySearchPath(runpath: string[], origin: string, configured: string[], machine: number): string[] {
  const triplet = machine === 183 ? 'aarch64-linux-gnu' : machine === 40 ? 'arm-linux-gnueabihf' : machine === 3 ? 'i386-linux-gnu' : 'x86_64-linux-gnu';
  const dirs = [
    ...runpath.map((p) => p.replace(/\$(?:ORIGIN|\{ORIGIN\})/g, origin)),
    ...configured,
    `/lib/${triplet}`, `/usr/lib/${triplet}`, '/lib64', '/usr/lib64', '/lib', '/usr/lib', '/usr/local/lib',
  ];
  return dirs.filter((d, i) => dirs.indexOf(d) === i);
}

/** The directories an ld.so.conf file (or a file of ld.so.conf.d) lists; `include` lines are left to the caller. */
export function ldSoConfDirectories(text: string): { dirs: string[]; includes: string[] } {
  const dirs: string[] = [];
  const includes: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    if (line.startsWith('include ')) includes.push(line.slice(8).trim());
    else if (line.startsWith('/')) dirs.push(line.replace(/\/+$/, ''));
  }
  return { dirs, includes };
}
