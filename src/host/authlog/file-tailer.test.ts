import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthLogParser } from '../../engines/bruteforce/auth-log-parser.js';
import { FileTailer } from './file-tailer.js';
import { journalEntryToLine } from './journal.js';
import { LineSplitter } from './line-splitter.js';

let dir: string;
let log: string;
let lines: string[];
let tailer: FileTailer | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-tail-'));
  log = join(dir, 'auth.log');
  lines = [];
  tailer = null;
});
afterEach(async () => {
  await tailer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function make(opts: { fromStart?: boolean; maxLineBytes?: number } = {}): FileTailer {
  tailer = new FileTailer({ path: log, onLine: (l) => lines.push(l.truncated ? `TRUNC:${l.text}` : l.text), ...opts });
  return tailer;
}

describe('FileTailer', () => {
  it('starts at the end, then follows appends, holding back a partial line', async () => {
    writeFileSync(log, 'old 1\nold 2\n');
    const t = make();
    await t.poll();
    expect(lines).toEqual([]);
    appendFileSync(log, 'new 1\nnew 2 part');
    await t.poll();
    expect(lines).toEqual(['new 1']);
    appendFileSync(log, 'ial\n');
    await t.poll();
    expect(lines).toEqual(['new 1', 'new 2 partial']);
  });

  it('drains the rotated file and then reads the new one from its start', async () => {
    writeFileSync(log, '');
    const t = make();
    await t.poll();
    appendFileSync(log, 'a\n');
    await t.poll();
    // logrotate: rename, the writer still appends to the old inode once, then a new file appears.
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, 'b (late write to old file)\n');
    await t.poll(); // no new file yet: keeps the old one
    writeFileSync(log, 'c\nd\n');
    await t.poll();
    expect(lines).toEqual(['a', 'b (late write to old file)', 'c', 'd']);
  });

  it('restarts at 0 after copytruncate', async () => {
    writeFileSync(log, '');
    const t = make();
    await t.poll();
    appendFileSync(log, 'one\ntwo\n');
    await t.poll();
    truncateSync(log, 0);
    appendFileSync(log, 'three\n');
    await t.poll();
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('resumes at a persisted position, and reads a file replaced while stopped from its start', async () => {
    writeFileSync(log, 'seen 1\n');
    const first = make();
    await first.poll();
    appendFileSync(log, 'seen 2\npart');
    await first.poll();
    const pos = first.position;
    await first.stop();
    expect(lines).toEqual(['seen 2']);
    appendFileSync(log, 'ial\nafter\n');
    lines = [];
    tailer = new FileTailer({ path: log, resume: pos, onLine: (l) => lines.push(l.text) });
    await tailer.poll();
    expect(lines).toEqual(['partial', 'after']);
    const pos2 = tailer.position;
    await tailer.stop();
    renameSync(log, `${log}.1`);
    writeFileSync(log, 'new file\n');
    lines = [];
    tailer = new FileTailer({ path: log, resume: pos2, onLine: (l) => lines.push(l.text) });
    await tailer.poll();
    expect(lines).toEqual(['new file']);
  });

  it('bounds line length', async () => {
    writeFileSync(log, `${'x'.repeat(50_000)}\nshort\n`);
    make({ fromStart: true, maxLineBytes: 100 });
    await tailer?.poll();
    expect(lines).toEqual([`TRUNC:${'x'.repeat(100)}`, 'short']);
  });

  it('feeds the brute-force parser from a followed file', async () => {
    writeFileSync(log, '');
    const t = make();
    await t.poll();
    appendFileSync(log, 'Mar  3 10:00:01 h sshd[9]: Failed password for root from 203.0.113.50 port 4242 ssh2\n');
    await t.poll();
    const p = new AuthLogParser({ time: { year: 2024, utcOffsetMinutes: 0 } });
    expect(lines.flatMap((l) => p.feed(l)).map((e) => e.ip)).toEqual(['203.0.113.50']);
  });
});

describe('LineSplitter', () => {
  it('splits across chunk borders and drops CR', () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.from('ab'))).toEqual([]);
    expect(s.push(Buffer.from('c\r\nd\n'))).toEqual([
      { text: 'abc', truncated: false },
      { text: 'd', truncated: false },
    ]);
    expect(s.push(Buffer.from('0123456789AB'))).toEqual([{ text: '0123456789', truncated: true }]);
    expect(s.push(Buffer.from('CD\nok\n'))).toEqual([{ text: 'ok', truncated: false }]);
  });
});

describe('journalEntryToLine', () => {
  it('renders an entry the auth parser understands, with byte-array messages', () => {
    const line = journalEntryToLine({
      MESSAGE: [...Buffer.from('Failed password for root from 198.51.100.3 port 22 ssh2')],
      __REALTIME_TIMESTAMP: '1704067200123456',
      _HOSTNAME: 'web1',
      SYSLOG_IDENTIFIER: 'sshd',
      _PID: '321',
    });
    expect(line).toBe('2024-01-01T00:00:00.123456Z web1 sshd[321]: Failed password for root from 198.51.100.3 port 22 ssh2');
    const [ev] = new AuthLogParser({ time: { year: 1999, utcOffsetMinutes: 480 } }).feed(line ?? '');
    expect(ev).toMatchObject({ ip: '198.51.100.3', timeMs: Date.UTC(2024, 0, 1, 0, 0, 0) });
    expect(journalEntryToLine({ MESSAGE: null })).toBeNull();
  });
});
