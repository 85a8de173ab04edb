/**
 * One pass over raw bytes that finds every rule keyword at once (no lower-cased copy of the text).
 * Each position's 3-byte window is hashed into a 64 Ki-entry table; only the rare positions whose
 * hash belongs to a keyword's first three bytes (in any ASCII case, for case-insensitive keywords)
 * are compared with the keywords themselves. Keywords are ASCII and at least 3 bytes long; bytes of
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

const TABLE_BITS = 16;
const MASK = (1 << TABLE_BITS) - 1;
const hash3 = (a: number, b: number, c: number): number => ((a * 0x9e5) ^ (b * 0x3b) ^ c ^ (a << 11)) & MASK;

function caseVariants(s: string, ci: boolean): string[] {
  let out = [''];
  for (const ch of s) {
    const forms = ci ? [...new Set([ch.toLowerCase(), ch.toUpperCase()])] : [ch];
    out = out.flatMap((prefix) => forms.map((f) => prefix + f));
  }
  return out;
}

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
      const slots = new Set(caseVariants(spec.text.slice(0, 3), spec.ci).map((v) => hash3(v.charCodeAt(0), v.charCodeAt(1), v.charCodeAt(2))));
      for (const slot of slots) {
        let b = this.table[slot] ?? 0;
        if (b === 0) {
          this.buckets.push([]);
          b = this.buckets.length;
          this.table[slot] = b;
        }
        this.buckets[b - 1]?.push(compiled);
      }
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
    let a = bytes[0] ?? 0;
    let b = bytes[1] ?? 0;
    for (let i = 2; i < n; i++) {
      const c = bytes[i] ?? 0;
      const slot = table[((a * 0x9e5) ^ (b * 0x3b) ^ c ^ (a << 11)) & MASK] ?? 0;
      if (slot !== 0) this.verify(bytes, i - 2, slot - 1, out);
      a = b;
      b = c;
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
