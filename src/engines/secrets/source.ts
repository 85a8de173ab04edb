import { Buffer } from 'node:buffer';

/**
 * The scanned file as bytes (ASCII or valid UTF-8): rules decode only the windows they need, and
 * every offset is a byte offset. Columns are reported in UTF-16 code units, as JavaScript string
 * offsets of the decoded text would be.
 */
export class ByteSource {
  readonly buf: Buffer;
  readonly length: number;
  private lineStarts: number[] | undefined;
  private whole: string | undefined;

  constructor(
    bytes: Uint8Array,
    /** Every byte < 0x80: one byte is one character and windows decode as latin1 (a plain copy). */
    readonly ascii: boolean,
  ) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.length;
  }

  /** Byte `i` (0 past the end). */
  at(i: number): number {
    return this.buf[i] ?? 0;
  }

  /** Move a window edge off UTF-8 continuation bytes, so windows decode to the same characters as the whole file. */
  private snap(i: number, dir: -1 | 1): number {
    if (this.ascii) return i;
    let j = i;
    while (j > 0 && j < this.length && ((this.buf[j] ?? 0) & 0xc0) === 0x80) j += dir;
    return j;
  }

  /** Decoded text of [from, to) after snapping to character boundaries; `from` is returned snapped. */
  window(from: number, to: number): { from: number; to: number; text: string } {
    const f = this.snap(Math.max(0, from), -1);
    const t = this.snap(Math.min(this.length, to), 1);
    return { from: f, to: t, text: this.text(f, t) };
  }

  text(from: number, to: number): string {
    if (from === 0 && to === this.length) return (this.whole ??= this.decode(0, this.length));
    return this.decode(from, to);
  }

  private decode(from: number, to: number): string {
    return this.buf.toString(this.ascii ? 'latin1' : 'utf8', from, to);
  }

  /** Byte offset of UTF-16 index `idx` of a window string that starts at byte `from`. */
  byteOffset(from: number, text: string, idx: number): number {
    return this.ascii ? from + idx : from + Buffer.byteLength(text.slice(0, idx), 'utf8');
  }

  /** Byte length of a decoded substring. */
  byteLength(s: string): number {
    return this.ascii ? s.length : Buffer.byteLength(s, 'utf8');
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    for (let i = this.buf.indexOf(10); i >= 0; i = this.buf.indexOf(10, i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
    return starts;
  }

  /** 0-based line index of a byte offset. */
  lineOf(offset: number): number {
    const s = this.starts();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Byte offset where 0-based line `line` starts (clamped). */
  lineStart(line: number): number {
    const s = this.starts();
    return s[Math.max(0, Math.min(line, s.length - 1))] ?? 0;
  }

  /** Byte offset of the newline ending 0-based line `line` (or the end of the text). */
  lineEnd(line: number): number {
    const s = this.starts();
    return line + 1 < s.length ? (s[line + 1] ?? this.length) - 1 : this.length;
  }

  /**
   * 1-based line and UTF-16 column of a byte offset. Cheapest when called with ascending offsets:
   * columns on a long non-ASCII line are counted on from the previous position.
   */
  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    const start = this.lineStart(line);
    if (this.ascii) return { line: line + 1, column: offset - start + 1 };
    let from = start;
    let units = 0;
    const last = this.lastPosition;
    if (last && last.line === line && last.offset <= offset) {
      from = last.offset;
      units = last.units;
    }
    // Valid UTF-8: every byte that is not a continuation byte starts one UTF-16 unit, four-byte
    // sequences (astral characters) start two.
    for (let i = from; i < offset; i++) {
      const b = this.buf[i] ?? 0;
      if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
    }
    this.lastPosition = { line, offset, units };
    return { line: line + 1, column: units + 1 };
  }

  private lastPosition: { line: number; offset: number; units: number } | undefined;

  /** Bounds of the line around `at`, looking at most `back`/`fwd` bytes away (long lines stay cheap). */
  nearLine(at: number, back: number, fwd: number): [number, number] {
    const lo = Math.max(0, at - back);
    let from = at;
    while (from > lo && this.buf[from - 1] !== 10) from--;
    const hi = Math.min(this.length, at + fwd);
    let to = at;
    while (to < hi && this.buf[to] !== 10) to++;
    return [from, to];
  }
}
