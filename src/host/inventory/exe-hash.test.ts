import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExeHashCache } from './exe-hash.js';

const dirs: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-exehash-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const budget = () => ({ remainingBytes: 1 << 30 });

describe('executable hash cache kept between collections', () => {
  it('a saved cache answers the next process without reading the binary again; the file is 0600', async () => {
    const d = temp();
    const bin = join(d, 'tool');
    writeFileSync(bin, 'ELF-ish bytes');
    const file = join(d, 'exe-hashes.json');
    const first = new ExeHashCache();
    expect(first.load(file)).toBeNull(); // no file yet: empty, no complaint
    expect(await first.hash(bin, budget())).toBe(sha('ELF-ish bytes'));
    expect([first.hits, first.misses]).toEqual([0, 1]);
    first.save(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = new ExeHashCache();
    expect(second.load(file)).toBeNull();
    const b = budget();
    expect(await second.hash(bin, b)).toBe(sha('ELF-ish bytes'));
    expect([second.hits, second.misses]).toEqual([1, 0]);
    expect(b.remainingBytes).toBe(1 << 30); // nothing read
  });

  it('a binary rewritten in place is hashed again, even with its old size and mtime put back', async () => {
    const d = temp();
    const bin = join(d, 'tool');
    writeFileSync(bin, 'version-1');
    const before = statSync(bin);
    const file = join(d, 'exe-hashes.json');
    const c = new ExeHashCache();
    await c.hash(bin, budget());
    c.save(file);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(bin, 'version-2'); // same size, same inode
    utimesSync(bin, before.atime, before.mtime); // mtime back as it was; ctime cannot be set back
    const next = new ExeHashCache();
    next.load(file);
    expect(await next.hash(bin, budget())).toBe(sha('version-2'));
    expect(next.misses).toBe(1);
  });

  it('a broken, foreign or oversized cache file is ignored with a reason and costs only re-hashing', async () => {
    const d = temp();
    const bin = join(d, 'tool');
    writeFileSync(bin, 'abc');
    const file = join(d, 'exe-hashes.json');
    const cases: Array<[string | Buffer, RegExp]> = [
      ['{"version":1,"entries":[["1:2:3:4:5","', /not JSON/],
      ['{"version":1,"entries":[["1:2:3:4:5","not-a-digest"]]}', /not a hash cache/],
      ['{"version":1,"entries":[["../etc/passwd","' + 'a'.repeat(64) + '"]]}', /not a hash cache/],
      ['[1,2,3]', /not a hash cache/],
      [Buffer.alloc(5 * 1024 * 1024, 0x20), /larger than/],
    ];
    for (const [content, reason] of cases) {
      writeFileSync(file, content);
      const c = new ExeHashCache();
      expect(c.load(file)).toMatch(reason);
      expect(c.size).toBe(0);
      expect(await c.hash(bin, budget())).toBe(sha('abc'));
    }
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const d = temp();
    const c = new ExeHashCache(1024, 2);
    const paths = ['a', 'b', 'c'].map((n) => {
      writeFileSync(join(d, n), n);
      return join(d, n);
    });
    await c.hash(paths[0] as string, budget());
    await c.hash(paths[1] as string, budget());
    await c.hash(paths[0] as string, budget()); // a used again: b is now the oldest
    await c.hash(paths[2] as string, budget());
    const file = join(d, 'cache.json');
    c.save(file);
    const saved = (JSON.parse(readFileSync(file, 'utf8')) as { entries: Array<[string, string]> }).entries.map((e) => e[1]);
    expect(saved).toEqual([sha('a'), sha('c')]);
  });
});
