import { withFileSource, type ByteSource } from './byte-source.js';
import { itemsFromRecords, type PackageRecord, type RpmdbFileRead } from './rpmdb-blobs.js';

/**
 * Reader for the Berkeley DB "hash" database rpm keeps as `Packages` (RHEL/CentOS ≤ 8, Amazon
 * Linux 2, older SUSE): keys are 4-byte header instance numbers, values rpm header blobs.
 *
 * On-disk layout (Berkeley DB 4.x/5.x, all integers in the byte order of the machine that wrote
 * the file; the metadata magic tells which):
 * - page 0, hash metadata: magic 0x061561 @12, version @16, page size @20, encryption @24,
 *   page type @25 (8), meta flags @26, last page number @32, max bucket @72, high/low mask @76/80,
 *   spares[32] @96 (bucket b lives on page b + spares[bits(b)]).
 * - every page starts with a 26-byte header: page number @8, prev @12, next @16, entry count @20,
 *   high-free offset @22, type @25 (2/13 hash, 7 overflow).
 * - hash pages: entry offsets (uint16) from byte 26, alternating key and data items; an item's
 *   length is the gap to the previous item (items are packed from the end of the page down).
 *   Item byte 0: 1 = inline bytes follow, 3 = off-page: page number @4, total length @8.
 * - overflow pages: payload of `high-free` bytes from byte 26, chained by the next-page field.
 *
 * Defensive by construction: each page is read at most once (a second visit is a loop and an error),
 * declared lengths are checked against the file and a cap before anything is allocated, and the
 * file is read page by page, never whole.
 */

export class BdbError extends Error {}

const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;

export interface BdbLimits {
  /** Largest value (header blob) accepted; a record declaring more is reported, not read. */
  maxValueBytes: number;
}

export const DEFAULT_BDB_LIMITS: BdbLimits = { maxValueBytes: 64 * 1024 * 1024 };

export interface BdbHashMeta {
  littleEndian: boolean;
  version: number;
  pageSize: number;
  lastPage: number;
  maxBucket: number;
  spares: number[];
}

export type BdbEntry = { key: Buffer; value: Buffer } | { error: string };

type U32 = (b: Buffer, off: number) => number;
type U16 = (b: Buffer, off: number) => number;

function readers(le: boolean): { u32: U32; u16: U16 } {
  return le
    ? { u32: (b, o) => b.readUInt32LE(o), u16: (b, o) => b.readUInt16LE(o) }
    : { u32: (b, o) => b.readUInt32BE(o), u16: (b, o) => b.readUInt16BE(o) };
}

/** Validates and decodes the hash metadata page; every later bound derives from it. */
export function readBdbHashMeta(src: ByteSource): BdbHashMeta {
  if (src.size < 512) throw new BdbError(`file of ${src.size} bytes is shorter than a Berkeley DB metadata page`);
  const m = src.read(0, 512);
  let le: boolean;
  if (m.readUInt32LE(12) === HASH_MAGIC) le = true;
  else if (m.readUInt32BE(12) === HASH_MAGIC) le = false;
  else if (m.readUInt32LE(12) === BTREE_MAGIC || m.readUInt32BE(12) === BTREE_MAGIC) throw new BdbError('a Berkeley DB btree database, not the hash database rpm uses for Packages');
  else throw new BdbError(`not a Berkeley DB hash database (magic 0x${m.readUInt32LE(12).toString(16)})`);
  const { u32 } = readers(le);
  const version = u32(m, 16);
  if (version < 8 || version > 10) throw new BdbError(`unsupported Berkeley DB hash version ${version}`);
  const pageSize = u32(m, 20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new BdbError(`implausible page size ${pageSize}`);
  if (m[24] !== 0) throw new BdbError('encrypted Berkeley DB database');
  if (m[25] !== P_HASHMETA) throw new BdbError(`page 0 has type ${m[25]}, not hash metadata`);
  if (((m[26] as number) & 0x01) !== 0) throw new BdbError('Berkeley DB database with page checksums (not used by rpm) is not supported');
  const lastPage = u32(m, 32);
  if (lastPage < 1) throw new BdbError('database has no data pages');
  const pages = Math.floor(src.size / pageSize);
  if (lastPage >= pages) throw new BdbError(`truncated: metadata names page ${lastPage}, the file holds ${pages} page(s) of ${pageSize} bytes`);
  const maxBucket = u32(m, 72);
  if (maxBucket >= lastPage) throw new BdbError(`implausible bucket count ${maxBucket + 1} for ${lastPage} data page(s)`);
  const spares: number[] = [];
  for (let i = 0; i < 32; i++) spares.push(u32(m, 96 + 4 * i));
  return { littleEndian: le, version, pageSize, lastPage, maxBucket, spares };
}

/** Page of bucket `b`: b + spares[number of bits in b]. */
function bucketPage(meta: BdbHashMeta, b: number): number {
  const bits = b === 0 ? 0 : 32 - Math.clz32(b);
  return b + (meta.spares[bits] as number);
}

/**
 * Every key/value pair of a Berkeley DB hash database, bucket by bucket. Damage confined to one
 * item is yielded as `{ error }`; damage to the page structure (a loop, a page of the wrong kind)
 * throws BdbError.
 */
export function* bdbHashEntries(src: ByteSource, limits: BdbLimits = DEFAULT_BDB_LIMITS): Generator<BdbEntry> {
  const meta = readBdbHashMeta(src);
  const { pageSize, lastPage } = meta;
  const { u32, u16 } = readers(meta.littleEndian);
  const seen = new Set<number>();

  const page = (pgno: number, what: string): Buffer => {
    if (pgno < 1 || pgno > lastPage) throw new BdbError(`${what}: page number ${pgno} outside 1…${lastPage}`);
    if (seen.has(pgno)) throw new BdbError(`${what}: page ${pgno} reached twice (page loop)`);
    seen.add(pgno);
    const p = src.read(pgno * pageSize, pageSize);
    if (u32(p, 8) !== pgno) throw new BdbError(`${what}: page ${pgno} says it is page ${u32(p, 8)}`);
    return p;
  };

  const overflow = (first: number, total: number): Buffer => {
    if (total === 0) throw new BdbError('off-page item of length 0');
    if (total > limits.maxValueBytes) throw new BdbError(`off-page item declares ${total} bytes (limit ${limits.maxValueBytes})`);
    if (total > src.size) throw new BdbError(`off-page item declares ${total} bytes, more than the file holds`);
    const out = Buffer.allocUnsafe(total);
    let filled = 0;
    let pgno = first;
    while (filled < total) {
      if (pgno === 0) throw new BdbError(`overflow chain ends after ${filled} of ${total} bytes`);
      const p = page(pgno, 'overflow chain');
      if (p[25] !== P_OVERFLOW) throw new BdbError(`overflow chain: page ${pgno} has type ${p[25]}`);
      const len = u16(p, 22);
      if (len < 1 || PAGE_HEADER + len > pageSize || len > total - filled) throw new BdbError(`overflow page ${pgno}: implausible length ${len}`);
      p.copy(out, filled, PAGE_HEADER, PAGE_HEADER + len);
      filled += len;
      pgno = u32(p, 16);
    }
    return out;
  };

  const item = (p: Buffer, off: number, len: number): Buffer => {
    const type = p[off];
    if (type === H_KEYDATA) return Buffer.from(p.subarray(off + 1, off + len));
    if (type === H_OFFPAGE) {
      if (len !== 12) throw new BdbError(`off-page item of ${len} bytes (expected 12)`);
      return overflow(u32(p, off + 4), u32(p, off + 8));
    }
    if (type === H_DUPLICATE || type === H_OFFDUP) throw new BdbError('duplicate data items (not used by rpm) are not supported');
    throw new BdbError(`unknown item type ${type}`);
  };

  for (let bucket = 0; bucket <= meta.maxBucket; bucket++) {
    let pgno = bucketPage(meta, bucket);
    while (pgno !== 0) {
      const p = page(pgno, `bucket ${bucket}`);
      if (p[25] !== P_HASH && p[25] !== P_HASH_UNSORTED) throw new BdbError(`bucket ${bucket}: page ${pgno} has type ${p[25]}, not a hash page`);
      const n = u16(p, 20);
      const indexEnd = PAGE_HEADER + 2 * n;
      if (indexEnd > pageSize) throw new BdbError(`page ${pgno}: ${n} entries do not fit`);
      const offs: number[] = [];
      for (let i = 0; i < n; i++) offs.push(u16(p, PAGE_HEADER + 2 * i));
      for (let i = 0; i + 1 < n; i += 2) {
        const koff = offs[i] as number;
        const voff = offs[i + 1] as number;
        const kend = i === 0 ? pageSize : (offs[i - 1] as number);
        if (koff < indexEnd || voff < indexEnd || kend > pageSize || kend <= koff || koff <= voff) {
          yield { error: `page ${pgno}: entry ${i / 2} has offsets outside the page` };
          continue;
        }
        try {
          yield { key: item(p, koff, kend - koff), value: item(p, voff, koff - voff) };
        } catch (err) {
          // Damage inside one item (its overflow chain included) loses only that item.
          yield { error: `page ${pgno}: entry ${i / 2}: ${err instanceof Error ? err.message : String(err)}` };
        }
      }
      pgno = u32(p, 16);
    }
  }
}

/** The records of an rpm Packages (Berkeley DB) file: key = instance number, 0 = rpm's own counter. */
export function* bdbPackageRecords(src: ByteSource, limits?: BdbLimits): Generator<PackageRecord> {
  const meta = readBdbHashMeta(src);
  for (const e of bdbHashEntries(src, limits)) {
    if ('error' in e) {
      yield e;
      continue;
    }
    if (e.key.length !== 4) {
      yield { error: `key of ${e.key.length} bytes (expected a 4-byte instance number)` };
      continue;
    }
    const instance = meta.littleEndian ? e.key.readUInt32LE(0) : e.key.readUInt32BE(0);
    if (instance === 0) continue;
    yield { instance, blob: e.value };
  }
}

/** Reads every package of a BerkeleyDB `Packages` file (read-only; rpm may hold it open). */
export function readRpmdbBdb(file: string, limits?: BdbLimits): RpmdbFileRead {
  return withFileSource(file, (src) => itemsFromRecords(bdbPackageRecords(src, limits)));
}
