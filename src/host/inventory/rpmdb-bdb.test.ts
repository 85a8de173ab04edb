import { describe, expect, it } from 'vitest';
import { bufferSource } from './byte-source.js';
import { headerBlob } from './fixtures/rpm-header-blob.js';
import { BdbError, bdbHashEntries, bdbPackageRecords, readBdbHashMeta } from './rpmdb-bdb.js';
import { itemsFromRecords } from './rpmdb-blobs.js';

/**
 * Small Berkeley DB hash files built by hand, byte by byte, to reach the damaged shapes real tools
 * never write. (Files written by Berkeley DB itself are read in test/integration/rpmdb-bdb-ndb.test.ts.)
 */

type Item = Buffer | { pgno: number; tlen: number };
interface PageSpec {
  type: 'hash' | 'overflow';
  next?: number;
  /** hash: key/value items in order; overflow: the payload. */
  items?: Item[];
  payload?: Buffer;
  /** Overrides for hostile shapes. */
  pgno?: number;
  entries?: number;
  hfOffset?: number;
}

interface DbSpec {
  pageSize: number;
  le: boolean;
  maxBucket: number;
  spares: number[];
  pages: PageSpec[]; // page 1 onwards
  meta?: (m: Buffer, w32: (off: number, v: number) => void) => void;
}

function build(spec: DbSpec): Buffer {
  const { pageSize, le } = spec;
  const buf = Buffer.alloc(pageSize * (spec.pages.length + 1));
  const w32 = (off: number, v: number) => (le ? buf.writeUInt32LE(v >>> 0, off) : buf.writeUInt32BE(v >>> 0, off));
  const w16 = (off: number, v: number) => (le ? buf.writeUInt16LE(v, off) : buf.writeUInt16BE(v, off));
  w32(12, 0x061561);
  w32(16, 9);
  w32(20, pageSize);
  buf[25] = 8;
  w32(32, spec.pages.length);
  w32(72, spec.maxBucket);
  spec.spares.forEach((s, i) => w32(96 + 4 * i, s));
  spec.pages.forEach((p, i) => {
    const pgno = i + 1;
    const base = pgno * pageSize;
    w32(base + 8, p.pgno ?? pgno);
    w32(base + 16, p.next ?? 0);
    if (p.type === 'overflow') {
      const payload = p.payload ?? Buffer.alloc(0);
      buf[base + 25] = 7;
      w16(base + 22, p.hfOffset ?? payload.length);
      payload.copy(buf, base + 26);
      return;
    }
    buf[base + 25] = 13;
    const items = p.items ?? [];
    w16(base + 20, p.entries ?? items.length);
    let end = pageSize;
    items.forEach((it, j) => {
      const bytes = Buffer.isBuffer(it) ? Buffer.concat([Buffer.from([1]), it]) : Buffer.alloc(12);
      if (!Buffer.isBuffer(it)) {
        bytes[0] = 3;
        if (le) {
          bytes.writeUInt32LE(it.pgno, 4);
          bytes.writeUInt32LE(it.tlen >>> 0, 8);
        } else {
          bytes.writeUInt32BE(it.pgno, 4);
          bytes.writeUInt32BE(it.tlen >>> 0, 8);
        }
      }
      end -= bytes.length;
      bytes.copy(buf, base + end);
      w16(base + 26 + 2 * j, end);
    });
  });
  spec.meta?.(buf, w32);
  return buf;
}

const key = (n: number, le: boolean) => {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(n);
  else b.writeUInt32BE(n);
  return b;
};

/** Two buckets (pages 1 and 2), bucket 0 chained to page 3, one value over three overflow pages. */
function sample(le: boolean, pageSize = 512): { db: Buffer; big: Buffer } {
  const big = headerBlob({ name: 'big', version: '1', release: '1', pad: 1200 });
  const chunk = pageSize - 26;
  const parts = [big.subarray(0, chunk), big.subarray(chunk, 2 * chunk), big.subarray(2 * chunk)];
  const db = build({
    pageSize,
    le,
    maxBucket: 1,
    spares: [1, 1],
    pages: [
      { type: 'hash', next: 3, items: [key(0, le), key(9, le), key(2, le), headerBlob({ name: 'b', version: '2.0', release: '1', epoch: 1 })] },
      { type: 'hash', items: [key(1, le), headerBlob({ name: 'a', version: '1.0', release: '3', arch: 'x86_64' })] },
      { type: 'hash', items: [key(5, le), { pgno: 4, tlen: big.length }] },
      { type: 'overflow', next: 5, payload: parts[0] },
      { type: 'overflow', next: 6, payload: parts[1] },
      { type: 'overflow', payload: parts[2] },
    ],
  });
  return { db, big };
}

const records = (db: Buffer) => [...bdbPackageRecords(bufferSource(db))];

describe('Berkeley DB hash reader', () => {
  for (const le of [true, false]) {
    it(`reads inline and overflow values, bucket chains, skips rpm's key 0 (${le ? 'little' : 'big'}-endian)`, () => {
      const { db, big } = sample(le);
      expect(readBdbHashMeta(bufferSource(db))).toMatchObject({ littleEndian: le, pageSize: 512, lastPage: 6, maxBucket: 1, version: 9 });
      const recs = records(db);
      expect(recs.map((r) => ('instance' in r ? r.instance : r.error))).toEqual([2, 5, 1]);
      expect(recs[1]).toEqual({ instance: 5, blob: big });
      const read = itemsFromRecords(recs);
      expect(read.bad).toBe(0);
      expect(read.items.map((i) => `${i.name} ${i.version} ${i.arch ?? ''}`)).toEqual(['a 1.0-3 x86_64', 'b 1:2.0-1 ', 'big 1-1 ']);
    });
  }

  it('rejects what is not a readable hash database, naming why', () => {
    const { db } = sample(true);
    const err = (f: (b: Buffer) => void) => {
      const b = Buffer.from(db);
      f(b);
      try {
        readBdbHashMeta(bufferSource(b));
        return 'no error';
      } catch (e) {
        expect(e).toBeInstanceOf(BdbError);
        return (e as Error).message;
      }
    };
    expect(err((b) => b.writeUInt32LE(0x12345678, 12))).toMatch(/not a Berkeley DB hash database/);
    expect(err((b) => b.writeUInt32LE(0x053162, 12))).toMatch(/btree/);
    expect(err((b) => b.writeUInt32LE(7, 16))).toMatch(/unsupported Berkeley DB hash version 7/);
    expect(err((b) => b.writeUInt32LE(1000, 20))).toMatch(/implausible page size 1000/);
    expect(err((b) => b.writeUInt32LE(128 * 1024, 20))).toMatch(/implausible page size/);
    expect(err((b) => (b[24] = 1))).toMatch(/encrypted/);
    expect(err((b) => (b[26] = 1))).toMatch(/checksums/);
    expect(err((b) => (b[25] = 9))).toMatch(/not hash metadata/);
    expect(err((b) => b.writeUInt32LE(7, 32))).toMatch(/truncated: metadata names page 7, the file holds 7 page/);
    expect(err((b) => b.writeUInt32LE(0xffffffff, 32))).toMatch(/truncated/);
    expect(err((b) => b.writeUInt32LE(6, 72))).toMatch(/implausible bucket count 7/);
    expect(() => readBdbHashMeta(bufferSource(db.subarray(0, 100)))).toThrow(/shorter than a Berkeley DB metadata page/);
    expect(() => readBdbHashMeta(bufferSource(db.subarray(0, 512 * 3)))).toThrow(/truncated/);
  });

  it('a bucket chain that loops is an error, not a hang', () => {
    const db = build({ pageSize: 512, le: true, maxBucket: 0, spares: [1], pages: [{ type: 'hash', next: 2, items: [] }, { type: 'hash', next: 1, items: [] }] });
    expect(() => records(db)).toThrow(/page 1 reached twice \(page loop\)/);
    const self = build({ pageSize: 512, le: true, maxBucket: 0, spares: [1], pages: [{ type: 'hash', next: 1, items: [] }] });
    expect(() => records(self)).toThrow(/page loop/);
  });

  it('bucket pages out of range, of the wrong type or claiming another number are errors', () => {
    expect(() => records(build({ pageSize: 512, le: true, maxBucket: 0, spares: [1], pages: [{ type: 'hash', next: 99 }] }))).toThrow(/page number 99 outside 1…1/);
    expect(() => records(build({ pageSize: 512, le: true, maxBucket: 0, spares: [1], pages: [{ type: 'overflow' }] }))).toThrow(/has type 7, not a hash page/);
    expect(() => records(build({ pageSize: 512, le: true, maxBucket: 0, spares: [1], pages: [{ type: 'hash', pgno: 4 }] }))).toThrow(/page 1 says it is page 4/);
    expect(() => records(build({ pageSize: 512, le: true, maxBucket: 0, spares: [1], pages: [{ type: 'hash', entries: 300 }] }))).toThrow(/300 entries do not fit/);
    expect(() => records(build({ pageSize: 512, le: true, maxBucket: 1, spares: [1, 5], pages: [{ type: 'hash' }, { type: 'hash' }] }))).toThrow(/bucket 1: page number 6 outside/);
  });

  it('damage inside one item loses that item only, with the reason', () => {
    const le = true;
    const good = headerBlob({ name: 'ok', version: '1', release: '1' });
    const db = build({
      pageSize: 512,
      le,
      maxBucket: 0,
      spares: [1],
      pages: [
        {
          type: 'hash',
          items: [
            key(1, le), { pgno: 2, tlen: 0xfffffff0 }, // huge declared length: refused before allocating
            key(2, le), { pgno: 2, tlen: 10_000 }, // more than the file holds
            key(3, le), { pgno: 2, tlen: 400 }, // chain ends early (page 2 holds 10 bytes, no next)
            key(4, le), { pgno: 3, tlen: 100 }, // overflow page pointing at itself
            key(5, le), { pgno: 1, tlen: 10 }, // "overflow" page that is a hash page
            key(6, le), good,
            Buffer.alloc(2), good, // key of 2 bytes
          ],
        },
        { type: 'overflow', payload: Buffer.alloc(10, 1) },
        { type: 'overflow', next: 3, payload: Buffer.alloc(10, 2) },
      ],
    });
    const recs = records(db);
    const errors = recs.flatMap((r) => ('error' in r ? [r.error] : []));
    expect(errors).toEqual([
      expect.stringMatching(/declares 4294967280 bytes \(limit 67108864\)/),
      expect.stringMatching(/declares 10000 bytes, more than the file holds/),
      expect.stringMatching(/overflow chain ends after 10 of 400 bytes/),
      expect.stringMatching(/page 3 reached twice/),
      expect.stringMatching(/overflow chain: page 1 reached twice/),
      expect.stringMatching(/key of 2 bytes/),
    ]);
    expect(recs.filter((r) => 'instance' in r)).toEqual([{ instance: 6, blob: good }]);
    expect(itemsFromRecords(recs)).toMatchObject({ bad: 6, items: [{ name: 'ok' }] });
  });

  it('respects a lower value cap and rejects duplicate and unknown item kinds', () => {
    const { db } = sample(true);
    expect([...bdbPackageRecords(bufferSource(db), { maxValueBytes: 1000 })].flatMap((r) => ('error' in r ? [r.error] : []))).toEqual([expect.stringMatching(/limit 1000/)]);

    const dup = Buffer.from(sample(true).db);
    const voff = dup.readUInt16LE(512 + 26 + 2 * 3); // value of the second pair on page 1
    dup[512 + voff] = 2;
    expect([...bdbHashEntries(bufferSource(dup))].flatMap((r) => ('error' in r ? [r.error] : []))).toEqual([expect.stringMatching(/duplicate data items/)]);
    dup[512 + voff] = 9;
    expect([...bdbHashEntries(bufferSource(dup))].flatMap((r) => ('error' in r ? [r.error] : []))).toEqual([expect.stringMatching(/unknown item type 9/)]);
  });

  it('entry offsets pointing into the index or out of order are reported per entry', () => {
    const { db } = sample(true);
    const b = Buffer.from(db);
    b.writeUInt16LE(30, 512 + 26); // key offset inside the offset table
    const out = [...bdbHashEntries(bufferSource(b))];
    expect(out.flatMap((r) => ('error' in r ? [r.error] : []))).toEqual([expect.stringMatching(/page 1: entry 0 has offsets outside the page/)]);
    expect(out.filter((r) => 'key' in r)).toHaveLength(3);
  });
});
