/**
 * Minimal in-memory reader for .tar.gz archives of advisory files (ustar, pax and GNU long names).
 * Only regular files are returned; links, devices and directories are skipped, so nothing in an
 * archive can point outside it. Bounded: the uncompressed size and the number of entries.
 */
import { gunzipSync } from 'node:zlib';

export const TAR_LIMITS = { maxUncompressedBytes: 1024 * 1024 * 1024, maxEntries: 500_000 } as const;

export interface TarEntry {
  name: string;
  data: Buffer;
}

function cstr(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

function octal(buf: Buffer, start: number, len: number): number {
  const s = cstr(buf, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new Error('tar: bad numeric field');
  return parseInt(s, 8);
}

function paxPath(data: Buffer): string | undefined {
  // Records: "<len> key=value\n".
  let off = 0;
  let path: string | undefined;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    if (sp < 0) break;
    const len = Number(data.subarray(off, sp).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) break;
    const rec = data.subarray(sp + 1, off + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0 && rec.slice(0, eq) === 'path') path = rec.slice(eq + 1);
    off += len;
  }
  return path;
}

export function readTarGz(gz: Buffer, keep: (name: string) => boolean): TarEntry[] {
  const tar = gunzipSync(gz, { maxOutputLength: TAR_LIMITS.maxUncompressedBytes });
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  let entries = 0;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    if (++entries > TAR_LIMITS.maxEntries) throw new Error('tar: too many entries');
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] ?? 0);
    const prefix = cstr(h, 345, 155);
    const base = cstr(h, 0, 100);
    const dataStart = off + 512;
    if (dataStart + size > tar.length) throw new Error('tar: truncated archive');
    const data = tar.subarray(dataStart, dataStart + size);
    off = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = paxPath(data);
      continue;
    }
    if (type === 'L') {
      longName = cstr(data, 0, data.length);
      continue;
    }
    if (type === 'g') continue; // pax global header (git archive's commit id)
    const name = longName ?? (prefix ? `${prefix}/${base}` : base);
    longName = undefined;
    if ((type === '0' || type === '\0') && keep(name)) out.push({ name, data: Buffer.from(data) });
  }
  return out;
}
