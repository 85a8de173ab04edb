import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWalkStats, walkFiles } from './walk.js';

describe('walkFiles (synchronous reads, bounded size, reused buffer)', () => {
  let root: string;
  const sizes = [0, 1, 4096, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300_000];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-walk-'));
    mkdirSync(join(root, 'sub'));
    sizes.forEach((n, i) => writeFileSync(join(root, i % 2 ? 'sub' : '', `f${n}.txt`), Buffer.alloc(n, 65 + (i % 26))));
    const lateNul = Buffer.alloc(20_000, 0x61);
    lateNul[10_000] = 0; // past the 8 KiB probe: still text
    writeFileSync(join(root, 'late-nul.txt'), lateNul);
    writeFileSync(join(root, 'early-nul.bin'), Buffer.from([0x7f, 0x45, 0x00, 0x01]));
    writeFileSync(join(root, 'too-big.txt'), Buffer.alloc(2_000_001, 0x62));
    for (let i = 0; i < 40; i++) writeFileSync(join(root, 'sub', `many-${i}.txt`), `file ${i}\n`);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const reuseBuffer of [false, true]) {
    it(`yields each file's exact bytes (reuseBuffer: ${reuseBuffer}) and counts skips`, async () => {
      const stats = newWalkStats();
      const seen = new Map<string, Buffer>();
      for await (const f of walkFiles(root, { maxFileBytes: 2_000_000, reuseBuffer }, stats)) {
        // A reused buffer is only valid until the next file: compare now, keep a copy for later.
        expect(f.bytes.equals(readFileSync(f.displayPath)), f.displayPath).toBe(true);
        seen.set(f.displayPath, Buffer.from(f.bytes));
      }
      expect(seen.size).toBe(sizes.length + 1 + 40);
      for (const [p, bytes] of seen) expect(bytes.equals(readFileSync(p)), p).toBe(true);
      expect(stats.skipped).toEqual({ tooLarge: 1, binary: 1, symlinkOutside: 0, unreadable: 0 });
      expect(stats.bytes).toBe(sizes.reduce((a, b) => a + b, 0) + 20_000 + [...Array(40).keys()].reduce((a, i) => a + `file ${i}\n`.length, 0));
    });
  }

  it('gives the event loop a turn during a long walk', async () => {
    let ticked = false;
    let files = 0;
    let tickedBeforeEnd = false;
    for await (const f of walkFiles(join(root, 'sub'))) {
      void f;
      // Scheduled once the walk is under way (its start awaits a realpath, which is a turn anyway).
      if (files++ === 0) {
        setImmediate(() => {
          ticked = true;
        });
      }
      const until = performance.now() + 1; // a consumer that works ~1 ms per file
      while (performance.now() < until) {
        /* busy */
      }
      if (ticked) tickedBeforeEnd = true;
    }
    expect(files).toBeGreaterThan(30);
    expect(tickedBeforeEnd).toBe(true);
  });
});
