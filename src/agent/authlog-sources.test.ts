import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthLogSources } from './authlog-sources.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('auth log offsets', () => {
  it('are written when a position moves, not rewritten while nothing changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-authlog-'));
    dirs.push(dir);
    const log = join(dir, 'auth.log');
    const offsetsFile = join(dir, 'offsets.json');
    const lines: string[] = [];
    const src = new AuthLogSources({ files: [{ path: log, format: 'syslog' }], offsetsFile, journal: false, pollMs: 20, onLine: (_s, l) => lines.push(l), log: () => undefined });
    src.start();
    src.saveOffsets();
    expect(JSON.parse(readFileSync(offsetsFile, 'utf8'))).toEqual({});
    const first = statSync(offsetsFile);
    src.saveOffsets();
    // writeFileAtomic renames a new file into place: the same inode means no rewrite.
    expect(statSync(offsetsFile).ino).toBe(first.ino);

    writeFileSync(log, '');
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(log, 'Dec  5 01:00:00 h sshd[1]: Failed password for root from 192.0.2.9 port 22 ssh2\n');
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(lines).toHaveLength(1);
    src.saveOffsets();
    const moved = JSON.parse(readFileSync(offsetsFile, 'utf8')) as Record<string, { pos: number }>;
    expect(moved[log]?.pos).toBe(Buffer.byteLength(lines[0] as string) + 1);
    const second = statSync(offsetsFile).ino;
    expect(second).not.toBe(first.ino);
    src.saveOffsets();
    expect(statSync(offsetsFile).ino).toBe(second);
    await src.stop();
  });
});
