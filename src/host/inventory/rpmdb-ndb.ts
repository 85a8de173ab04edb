import { withFileSource, type ByteSource } from './byte-source.js';
import { itemsFromRecords, type PackageRecord, type RpmdbFileRead } from './rpmdb-blobs.js';

/**
 * Reader for rpm's own "ndb" package store, `Packages.db` (SUSE, rpm ≥ 4.16 with the ndb backend).
 * All integers are little-endian whatever the machine.
 *
 * - Bytes 0…31 (the first two slots): header — magic "RpmP" @0, version 0 @4, generation @8,
 *   number of slot pages @12, next package index @16.
 * - Slot pages (4096 bytes each, the first `slot pages` pages of the file): 16-byte slots —
 *   magic "Slot", package index, block offset, block count (blocks are 16 bytes); offset 0 = free.
 * - Each package is one blob at `block offset × 16`: head "BlbS", package index, timestamp,
 *   length; the header blob; zero padding to the block count; tail adler32 (of head, blob and
 *   padding), length, "BlbE".
 *
 * Every slot and blob is checked against the file size, the blob cap and its neighbours (blobs may
 * not overlap) before anything is allocated, so a hostile file costs at most one pass over itself.
 */

export class NdbError extends Error {}

const fourcc = (s: string) => (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0;
const PKGDB_MAGIC = fourcc('RpmP');
const SLOT_MAGIC = fourcc('Slot');
const BLOBHEAD_MAGIC = fourcc('BlbS');
const BLOBTAIL_MAGIC = fourcc('BlbE');
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const HEADER_SIZE = 32;
const BLOBHEAD_SIZE = 16;
const BLOBTAIL_SIZE = 12;

export interface NdbLimits {
  /** Largest header blob accepted; a blob declaring more is reported, not read. */
  maxBlobBytes: number;
}

export const DEFAULT_NDB_LIMITS: NdbLimits = { maxBlobBytes: 64 * 1024 * 1024 };

export interface NdbSlot {
  slot: number;
  pkgIdx: number;
  blkOff: number;
  blkCnt: number;
}

/** adler32 as RFC 1950 defines it (zlib's, which node does not expose). */
export function adler32(buf: Buffer, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (let i = 0; i < buf.length; ) {
    const end = Math.min(buf.length, i + 5552);
    for (; i < end; i++) {
      a += buf[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Header and slot table; a damaged header or slot page makes the whole file unreadable. */
export function readNdbSlots(src: ByteSource): NdbSlot[] {
  if (src.size < PAGE_SIZE) throw new NdbError(`file of ${src.size} bytes is shorter than one ndb slot page`);
  const head = src.read(0, HEADER_SIZE);
  if (head.readUInt32LE(0) !== PKGDB_MAGIC) throw new NdbError(`not an rpm ndb Packages.db (magic 0x${head.readUInt32LE(0).toString(16)})`);
  const version = head.readUInt32LE(4);
  if (version !== 0) throw new NdbError(`unsupported ndb version ${version}`);
  const slotPages = head.readUInt32LE(12);
  if (slotPages < 1) throw new NdbError('ndb header names no slot pages');
  if (slotPages > Math.floor(src.size / PAGE_SIZE)) throw new NdbError(`truncated: header names ${slotPages} slot page(s), the file holds ${Math.floor(src.size / PAGE_SIZE)} page(s)`);
  const minBlk = (slotPages * PAGE_SIZE) / BLK_SIZE;
  const slots: NdbSlot[] = [];
  for (let pg = 0; pg < slotPages; pg++) {
    const p = src.read(pg * PAGE_SIZE, PAGE_SIZE);
    for (let o = pg === 0 ? HEADER_SIZE : 0; o < PAGE_SIZE; o += SLOT_SIZE) {
      const slot = (pg * PAGE_SIZE + o) / SLOT_SIZE;
      if (p.readUInt32LE(o) !== SLOT_MAGIC) throw new NdbError(`slot ${slot}: bad magic`);
      const blkOff = p.readUInt32LE(o + 8);
      if (blkOff === 0) continue;
      const s = { slot, pkgIdx: p.readUInt32LE(o + 4), blkOff, blkCnt: p.readUInt32LE(o + 12) };
      if (s.pkgIdx === 0 || s.blkCnt === 0 || s.blkOff < minBlk) throw new NdbError(`slot ${slot}: invalid entry (package ${s.pkgIdx}, block ${s.blkOff}+${s.blkCnt})`);
      slots.push(s);
    }
  }
  return slots;
}

/** The header blobs of an ndb Packages.db, one record per used slot. */
export function* ndbPackageRecords(src: ByteSource, limits: NdbLimits = DEFAULT_NDB_LIMITS): Generator<PackageRecord> {
  const slots = readNdbSlots(src).sort((a, b) => a.blkOff - b.blkOff);
  const fileBlks = Math.floor(src.size / BLK_SIZE);
  const maxBlks = Math.ceil((BLOBHEAD_SIZE + limits.maxBlobBytes + BLOBTAIL_SIZE) / BLK_SIZE);
  const seenIdx = new Set<number>();
  let prevEnd = 0;
  for (const s of slots) {
    const where = `package ${s.pkgIdx} (slot ${s.slot})`;
    if (s.blkOff < prevEnd) {
      yield { error: `${where}: blob overlaps the previous one` };
      continue;
    }
    if (s.blkCnt > maxBlks) {
      yield { error: `${where}: blob of ${s.blkCnt * BLK_SIZE} bytes is over the limit` };
      continue;
    }
    if (s.blkOff + s.blkCnt > fileBlks) {
      yield { error: `${where}: blob runs past the end of the file (truncated)` };
      continue;
    }
    prevEnd = s.blkOff + s.blkCnt;
    if (seenIdx.has(s.pkgIdx)) {
      yield { error: `${where}: package index used twice` };
      continue;
    }
    seenIdx.add(s.pkgIdx);
    const raw = src.read(s.blkOff * BLK_SIZE, s.blkCnt * BLK_SIZE);
    if (raw.length < BLOBHEAD_SIZE + BLOBTAIL_SIZE) {
      yield { error: `${where}: blob too small` };
      continue;
    }
    const len = raw.readUInt32LE(12);
    const tail = raw.length - BLOBTAIL_SIZE;
    if (raw.readUInt32LE(0) !== BLOBHEAD_MAGIC || raw.readUInt32LE(4) !== s.pkgIdx) {
      yield { error: `${where}: bad blob head` };
    } else if (Math.ceil((BLOBHEAD_SIZE + len + BLOBTAIL_SIZE) / BLK_SIZE) !== s.blkCnt) {
      yield { error: `${where}: blob length ${len} does not match its ${s.blkCnt} blocks` };
    } else if (raw.readUInt32LE(tail + 8) !== BLOBTAIL_MAGIC || raw.readUInt32LE(tail + 4) !== len) {
      yield { error: `${where}: bad blob tail` };
    } else if (raw.readUInt32LE(tail) !== adler32(raw.subarray(0, tail))) {
      yield { error: `${where}: checksum mismatch` };
    } else {
      yield { instance: s.pkgIdx, blob: raw.subarray(BLOBHEAD_SIZE, BLOBHEAD_SIZE + len) };
    }
  }
}

/** Reads every package of an ndb `Packages.db` (read-only; rpm may hold it open). */
export function readRpmdbNdb(file: string, limits?: NdbLimits): RpmdbFileRead {
  return withFileSource(file, (src) => itemsFromRecords(ndbPackageRecords(src, limits)));
}
