/**
 * One pass over raw bytes that finds every rule keyword at once (no lower-cased copy of the text).
 * The low 5 bits of the last three bytes (a rolling 15-bit value; ASCII letters lose their case)
 * index a 32 Ki-entry table; only the rare positions whose value matches a keyword's first three
 * bytes are compared with the keywords themselves. Keywords are ASCII and at least 3 bytes long; bytes of
 * UTF-8 multi-byte sequences are ≥ 0x80 and never compare equal, so offsets are exact byte offsets.
 */

export interface KeywordSpec {
  /** The literal (ASCII, ≥ 3 bytes). */
  text: string;
  /** Compare ASCII letters case-insensitively. */
  ci: boolean;
  /** Index of the consumer (rule) that receives this keyword's hits. */
  consumer: number;
}

interface Compiled {
  bytes: Uint8Array;
  ci: boolean;
  consumer: number;
}

const TABLE_BITS = 15;
const MASK = (1 << TABLE_BITS) - 1;
const key3 = (a: number, b: number, c: number): number => ((a & 31) << 10) | ((b & 31) << 5) | (c & 31);

export class KeywordScanner {
  private readonly table = new Uint16Array(1 << TABLE_BITS);
  private readonly buckets: Compiled[][] = [];
  readonly consumers: number;

  constructor(specs: readonly KeywordSpec[]) {
    let consumers = 0;
    for (const spec of specs) {
      if (spec.text.length < 3 || !/^[\x20-\x7e]+$/.test(spec.text)) throw new Error(`keyword must be ≥ 3 printable ASCII characters: ${spec.text}`);
      const compiled: Compiled = { bytes: Buffer.from(spec.ci ? spec.text.toLowerCase() : spec.text, 'latin1'), ci: spec.ci, consumer: spec.consumer };
      consumers = Math.max(consumers, spec.consumer + 1);
      const slot = key3(spec.text.charCodeAt(0), spec.text.charCodeAt(1), spec.text.charCodeAt(2));
      let b = this.table[slot] ?? 0;
      if (b === 0) {
        this.buckets.push([]);
        b = this.buckets.length;
        this.table[slot] = b;
      }
      this.buckets[b - 1]?.push(compiled);
    }
    this.consumers = consumers;
  }

  /**
   * Byte offsets of keyword starts, per consumer, ascending; `undefined` for a consumer without hits.
   * A keyword registered for several consumers is reported to each.
   */
  scan(bytes: Uint8Array): Array<number[] | undefined> {
    const out: Array<number[] | undefined> = new Array<number[] | undefined>(this.consumers);
    const n = bytes.length;
    if (n < 3) return out;
    const table = this.table;
    let h = key3(0, bytes[0] ?? 0, bytes[1] ?? 0);
    for (let i = 2; i < n; i++) {
      h = ((h << 5) | ((bytes[i] ?? 0) & 31)) & MASK;
      const slot = table[h] ?? 0;
      if (slot !== 0) this.verify(bytes, i - 2, slot - 1, out);
    }
    return out;
  }

  private verify(bytes: Uint8Array, at: number, bucket: number, out: Array<number[] | undefined>): void {
    for (const k of this.buckets[bucket] ?? []) {
      const kb = k.bytes;
      if (at + kb.length > bytes.length) continue;
      let ok = true;
      for (let j = 0; j < kb.length; j++) {
        let ch = bytes[at + j] ?? 0;
        if (k.ci && ch >= 0x41 && ch <= 0x5a) ch |= 0x20;
        if (ch !== kb[j]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const list = out[k.consumer];
      if (list === undefined) out[k.consumer] = [at];
      else if (list[list.length - 1] !== at) list.push(at);
    }
  }
}
