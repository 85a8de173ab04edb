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
  /** Three characters of `text` to look up (default: the first three); rare ones are cheaper. */
  anchor?: string | undefined;
}

interface Compiled {
  bytes: Uint8Array;
  /** Offset of the anchor in the keyword. */
  shift: number;
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
      const anchor = spec.anchor ?? spec.text.slice(0, 3);
      const shift = spec.text.indexOf(anchor);
      if (anchor.length !== 3 || shift < 0) throw new Error(`anchor ${anchor} is not 3 characters of ${spec.text}`);
      const compiled: Compiled = { bytes: Buffer.from(spec.ci ? spec.text.toLowerCase() : spec.text, 'latin1'), shift, ci: spec.ci, consumer: spec.consumer };
      consumers = Math.max(consumers, spec.consumer + 1);
      const slot = key3(anchor.charCodeAt(0), anchor.charCodeAt(1), anchor.charCodeAt(2));
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
    // Anchors sit at different offsets in their keywords, so a consumer's hits can arrive out of order.
    for (let c = 0; c < out.length; c++) {
      const list = out[c];
      if (list && !ascending(list)) out[c] = [...new Set(list)].sort((x, y) => x - y);
    }
    return out;
  }

  private verify(bytes: Uint8Array, anchorAt: number, bucket: number, out: Array<number[] | undefined>): void {
    for (const k of this.buckets[bucket] ?? []) {
      const kb = k.bytes;
      const at = anchorAt - k.shift;
      if (at < 0 || at + kb.length > bytes.length) continue;
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
      else list.push(at);
    }
  }
}

function ascending(list: readonly number[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i] ?? 0) <= (list[i - 1] ?? 0)) return false;
  return true;
}
