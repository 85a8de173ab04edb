import { describe, expect, it } from 'vitest';
import { bufferSource } from './byte-source.js';
import { headerBlob } from './fixtures/rpm-header-blob.js';
import { itemsFromRecords } from './rpmdb-blobs.js';
import { adler32, ndbPackageRecords, NdbError, readNdbSlots } from './rpmdb-ndb.js';

/**
 * ndb Packages.db files built by hand to reach damaged shapes. (A database written by rpm itself is
 * read in test/integration/rpmdb-bdb-ndb.test.ts.)
 */

const PAGE = 4096;

function blob(pkgIdx: number, data: Buffer): Buffer {
  const blkCnt = Math.ceil((16 + data.length + 12) / 16);
  const b = Buffer.alloc(blkCnt * 16);
  b.write('BlbS', 0, 'latin1');
  b.writeUInt32LE(pkgIdx, 4);
  b.writeUInt32LE(1_700_000_000, 8);
  b.writeUInt32LE(data.length, 12);
  data.copy(b, 16);
  const tail = b.length - 12;
  b.writeUInt32LE(adler32(b.subarray(0, tail)), tail);
  b.writeUInt32LE(data.length, tail + 4);
  b.write('BlbE', tail + 8, 'latin1');
  return b;
}

interface Pkg {
  pkgIdx: number;
  data: Buffer;
  slot?: number;
}

/** slot pages, then the blobs one after another; returns the file and each package's slot offset. */
function build(pkgs: Pkg[], slotPages = 1): { db: Buffer; slotAt: (i: number) => number; blobAt: (i: number) => number } {
  const blobs = pkgs.map((p) => blob(p.pkgIdx, p.data));
  const size = slotPages * PAGE + blobs.reduce((n, b) => n + b.length, 0);
  const db = Buffer.alloc(size);
  db.write('RpmP', 0, 'latin1');
  db.writeUInt32LE(0, 4);
  db.writeUInt32LE(1, 8);
  db.writeUInt32LE(slotPages, 12);
  db.writeUInt32LE(pkgs.length + 1, 16);
  for (let o = 32; o < slotPages * PAGE; o += 16) db.write('Slot', o, 'latin1');
  let at = slotPages * PAGE;
  const slotOffs: number[] = [];
  const blobOffs: number[] = [];
  pkgs.forEach((p, i) => {
    const s = 32 + 16 * (p.slot ?? i);
    db.writeUInt32LE(p.pkgIdx, s + 4);
    db.writeUInt32LE(at / 16, s + 8);
    db.writeUInt32LE((blobs[i] as Buffer).length / 16, s + 12);
    (blobs[i] as Buffer).copy(db, at);
    slotOffs.push(s);
    blobOffs.push(at);
    at += (blobs[i] as Buffer).length;
  });
  return { db, slotAt: (i) => slotOffs[i] as number, blobAt: (i) => blobOffs[i] as number };
}

const hA = headerBlob({ name: 'a', version: '1', release: '1.suse', arch: 'x86_64' });
const hB = headerBlob({ name: 'b', version: '2', release: '0', epoch: 3 });
const errors = (db: Buffer) => [...ndbPackageRecords(bufferSource(db))].flatMap((r) => ('error' in r ? [r.error] : []));

describe('ndb Packages.db reader', () => {
  it('adler32 is zlib’s', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
    expect(adler32(Buffer.alloc(100_000, 0xff))).toBe(0x149a302c); // python3 zlib.adler32(b"\xff" * 100000)
  });

  it('reads every used slot’s blob, free slots skipped, in package-index order', () => {
    const { db } = build([
      { pkgIdx: 7, data: hB, slot: 5 },
      { pkgIdx: 2, data: hA, slot: 0 },
    ]);
    expect(readNdbSlots(bufferSource(db)).map((s) => s.pkgIdx)).toEqual([2, 7]);
    const recs = [...ndbPackageRecords(bufferSource(db))];
    expect(recs).toEqual([
      { instance: 7, blob: hB },
      { instance: 2, blob: hA },
    ]);
    expect(itemsFromRecords(recs).items.map((i) => `${i.name} ${i.version}`)).toEqual(['a 1-1.suse', 'b 3:2-0']);
  });

  it('reads slots on a second slot page', () => {
    const { db } = build([{ pkgIdx: 300, data: hA, slot: 256 + 3 }], 2);
    expect(readNdbSlots(bufferSource(db))).toEqual([{ slot: 2 + 256 + 3, pkgIdx: 300, blkOff: 2 * PAGE / 16, blkCnt: expect.any(Number) }]);
    expect(errors(db)).toEqual([]);
  });

  it('a damaged header or slot table makes the file unreadable, with the reason', () => {
    const { db } = build([{ pkgIdx: 1, data: hA }]);
    const err = (f: (b: Buffer) => void, src = db) => {
      const b = Buffer.from(src);
      f(b);
      try {
        readNdbSlots(bufferSource(b));
        return 'no error';
      } catch (e) {
        expect(e).toBeInstanceOf(NdbError);
        return (e as Error).message;
      }
    };
    expect(err((b) => b.write('XXXX', 0, 'latin1'))).toMatch(/not an rpm ndb Packages\.db/);
    expect(err((b) => b.writeUInt32LE(1, 4))).toMatch(/unsupported ndb version 1/);
    expect(err((b) => b.writeUInt32LE(0, 12))).toMatch(/names no slot pages/);
    expect(err((b) => b.writeUInt32LE(5000, 12))).toMatch(/truncated: header names 5000 slot page\(s\), the file holds 1 page/);
    expect(err((b) => b.writeUInt32LE(0, 48))).toMatch(/slot 3: bad magic/);
    expect(err((b) => b.writeUInt32LE(0, 32 + 4))).toMatch(/slot 2: invalid entry \(package 0/);
    expect(err((b) => b.writeUInt32LE(3, 32 + 8))).toMatch(/slot 2: invalid entry/); // blob inside the slot pages
    expect(() => readNdbSlots(bufferSource(db.subarray(0, 100)))).toThrow(/shorter than one ndb slot page/);
  });

  it('a damaged blob loses that package only, with the reason', () => {
    const mk = () => build([
      { pkgIdx: 1, data: hA },
      { pkgIdx: 2, data: hB },
    ]);
    const hit = (f: (b: Buffer, m: ReturnType<typeof mk>) => void) => {
      const m = mk();
      f(m.db, m);
      return errors(m.db);
    };
    expect(hit((b, m) => b.writeUInt8((b[m.blobAt(0) + 20] as number) ^ 1, m.blobAt(0) + 20))).toEqual(['package 1 (slot 2): checksum mismatch']);
    expect(hit((b, m) => b.writeUInt32LE(9, m.blobAt(0) + 4))).toEqual(['package 1 (slot 2): bad blob head']);
    expect(hit((b, m) => b.writeUInt32LE(3, m.blobAt(0) + 12))).toEqual([expect.stringMatching(/blob length 3 does not match/)]);
    expect(hit((b, m) => b.write('XXXX', m.blobAt(1) - 4, 'latin1'))).toEqual(['package 1 (slot 2): bad blob tail']);
    expect(hit((b, m) => b.writeUInt32LE(1, m.slotAt(1) + 4))).toEqual(['package 1 (slot 3): package index used twice']);
    expect(hit((b, m) => b.writeUInt32LE(b.readUInt32LE(m.slotAt(0) + 8), m.slotAt(1) + 8))).toEqual([expect.stringMatching(/overlaps the previous one/)]);
    expect(hit((b, m) => b.writeUInt32LE(0x0fffffff, m.slotAt(1) + 12))).toEqual([expect.stringMatching(/package 2 \(slot 3\): blob of \d+ bytes is over the limit/)]);
    expect(hit((b, m) => b.writeUInt32LE(1000, m.slotAt(1) + 12))).toEqual(['package 2 (slot 3): blob runs past the end of the file (truncated)']);
    const cut = mk().db;
    expect(errors(cut.subarray(0, cut.length - 16))).toEqual(['package 2 (slot 3): blob runs past the end of the file (truncated)']);
  });

  it('respects a lower blob cap', () => {
    const { db } = build([{ pkgIdx: 1, data: headerBlob({ name: 'big', version: '1', release: '1', pad: 5000 }) }]);
    expect([...ndbPackageRecords(bufferSource(db), { maxBlobBytes: 1000 })]).toEqual([{ error: expect.stringMatching(/over the limit/) }]);
    expect([...ndbPackageRecords(bufferSource(db))]).toHaveLength(1);
  });
});
