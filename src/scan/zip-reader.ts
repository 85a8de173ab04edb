/**
 * Minimal streaming-free ZIP reader for OSV bulk archives (`all.zip` of osv.dev): lists the
 * central directory (ZIP64 aware) and inflates one entry at a time through positioned reads, so
 * memory is bounded by the central directory and the largest entry, never the archive.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
const MAX_CENTRAL_DIR = 256 * 1024 * 1024;

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

export class ZipReader {
  private readonly fd: number;
  readonly size: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(offset: number, length: number): Buffer {
    const buf = Buffer.alloc(Math.max(0, Math.min(length, this.size - offset)));
    let done = 0;
    while (done < buf.length) {
      const n = readSync(this.fd, buf, done, buf.length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  }

  entries(): ZipEntry[] {
    const tailLen = Math.min(this.size, 22 + 0xffff);
    const tailStart = this.size - tailLen;
    const tail = this.read(tailStart, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError('not a ZIP archive (no end of central directory)');
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdSize === 0xffffffff || cdOffset === 0xffffffff || tail.readUInt16LE(eocd + 10) === 0xffff) {
      const locAt = tailStart + eocd - 20;
      const loc = this.read(locAt, 20);
      if (loc.length === 20 && loc.readUInt32LE(0) === ZIP64_LOCATOR_SIG) {
        const rec = this.read(Number(loc.readBigUInt64LE(8)), 56);
        if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new ZipFormatError('damaged ZIP64 end record');
        cdSize = Number(rec.readBigUInt64LE(40));
        cdOffset = Number(rec.readBigUInt64LE(48));
      }
    }
    if (cdSize > MAX_CENTRAL_DIR || cdOffset + cdSize > this.size) throw new ZipFormatError('central directory too large or out of bounds');
    const cd = this.read(cdOffset, cdSize);
    const out: ZipEntry[] = [];
    for (let p = 0; p + 46 <= cd.length; ) {
      if (cd.readUInt32LE(p) !== CEN_SIG) throw new ZipFormatError(`bad central directory entry at ${cdOffset + p}`);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        name: cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
        flags: cd.readUInt16LE(p + 8),
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
      };
      applyZip64Extra(entry, cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
      out.push(entry);
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  }

  /** Uncompressed bytes of an entry; throws when encrypted, of an unknown method or above maxBytes. */
  extract(e: ZipEntry, maxBytes: number): Buffer {
    if ((e.flags & 1) !== 0) throw new ZipFormatError(`${e.name}: encrypted`);
    if (e.size > maxBytes) throw new ZipFormatError(`${e.name}: larger than ${maxBytes} bytes`);
    const loc = this.read(e.localOffset, 30);
    if (loc.length < 30 || loc.readUInt32LE(0) !== LOC_SIG) throw new ZipFormatError(`${e.name}: bad local header`);
    const data = this.read(e.localOffset + 30 + loc.readUInt16LE(26) + loc.readUInt16LE(28), e.compressedSize);
    if (e.method === 0) return data;
    if (e.method !== 8) throw new ZipFormatError(`${e.name}: compression method ${e.method} not supported`);
    return inflateRawSync(data, { maxOutputLength: maxBytes });
  }
}

/** ZIP64 extended information (header 0x0001): 64-bit values for the fields set to 0xFFFFFFFF. */
function applyZip64Extra(e: ZipEntry, extra: Buffer): void {
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(q);
    const len = extra.readUInt16LE(q + 2);
    if (id === 0x0001) {
      let r = q + 4;
      const next = (): number | undefined => {
        if (r + 8 > q + 4 + len) return undefined;
        const v = Number(extra.readBigUInt64LE(r));
        r += 8;
        return v;
      };
      if (e.size === 0xffffffff) e.size = next() ?? e.size;
      if (e.compressedSize === 0xffffffff) e.compressedSize = next() ?? e.compressedSize;
      if (e.localOffset === 0xffffffff) e.localOffset = next() ?? e.localOffset;
      return;
    }
    q += 4 + len;
  }
}
