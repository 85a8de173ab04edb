/** Splits a byte stream into lines with a hard cap on line length (hostile or binary logs). */

export interface SplitLine {
  text: string;
  /** The line was longer than the cap; `text` holds its first `maxLineBytes` bytes. */
  truncated: boolean;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  /** Inside an over-long line: drop bytes until the next newline. */
  private skipping = false;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): SplitLine[] {
    const out: SplitLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!this.skipping) {
        const room = this.maxLineBytes - this.size;
        const piece = chunk.subarray(start, Math.min(end, start + room));
        if (piece.length > 0) {
          this.parts.push(piece);
          this.size += piece.length;
        }
        if (end - start > room) {
          out.push({ text: this.take(), truncated: true });
          this.skipping = true;
        }
      }
      if (nl === -1) break;
      if (this.skipping) this.skipping = false;
      else out.push({ text: this.take(), truncated: false });
      start = nl + 1;
    }
    return out;
  }

  /** Drop a partial line (the file was truncated or replaced under it). */
  reset(): void {
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }

  get pendingBytes(): number {
    return this.size;
  }

  private take(): string {
    const text = Buffer.concat(this.parts, this.size).toString('utf8').replace(/\r$/, '');
    this.parts = [];
    this.size = 0;
    return text;
  }
}
