import { inflateRawSync } from 'node:zlib';

/** Random access to a file's bytes (a Buffer in tests, an fd on the host). */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Buffer;
}

export function bufferSource(buf: Buffer): ByteSource {
  return { size: buf.length, read: (o, l) => buf.subarray(o, Math.min(buf.length, o + l)) };
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
const MAX_CENTRAL_DIR = 8 * 1024 * 1024;

/**
 * The uncompressed bytes of one entry of a ZIP archive (jar, xlsx), or null when absent, damaged,
 * encrypted, compressed with something other than stored/deflate, or larger than `maxBytes`.
 * Reads only the end record, the central directory and that entry.
 */
export function readZipEntry(src: ByteSource, entryName: string, maxBytes = 1024 * 1024): Buffer | null {
  const tailLen = Math.min(src.size, 22 + 0xffff);
  const tail = src.read(src.size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdSize > MAX_CENTRAL_DIR || cdOffset + cdSize > src.size) return null;
  const cd = src.read(cdOffset, cdSize);
  for (let p = 0; p + 46 <= cd.length; ) {
    if (cd.readUInt32LE(p) !== CEN_SIG) return null;
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const compSize = cd.readUInt32LE(p + 20);
    const size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const localOffset = cd.readUInt32LE(p + 42);
    const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (name !== entryName) continue;
    if ((flags & 1) !== 0 || size > maxBytes || compSize > src.size) return null;
    const loc = src.read(localOffset, 30);
    if (loc.length < 30 || loc.readUInt32LE(0) !== LOC_SIG) return null;
    const dataStart = localOffset + 30 + loc.readUInt16LE(26) + loc.readUInt16LE(28);
    const data = src.read(dataStart, compSize);
    if (method === 0) return Buffer.from(data);
    if (method !== 8) return null;
    try {
      return inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch {
      return null;
    }
  }
  return null;
}
