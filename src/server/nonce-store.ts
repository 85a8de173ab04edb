import { randomInt } from 'node:crypto';

const INITIAL_CAPACITY = 1 << 14;
const MAX_LOAD = 0.6;

/** Both 32-bit lanes of the fingerprint, written by `fingerprint` (no allocation per call). */
const lanes = new Uint32Array(2);

function mix(h: number, c: number): number {
  h = Math.imul(h ^ c, 0x5bd1e995);
  return h ^ (h >>> 15);
}

function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Two independently seeded murmur-style hashes of `a`, a separator and `b`, in one pass. */
function fingerprint(a: string, b: string, seed0: number, seed1: number): void {
  const len = a.length * 31 + b.length;
  let h0 = (seed0 ^ len) | 0;
  let h1 = (seed1 ^ len) | 0;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    h0 = mix(h0, c);
    h1 = mix(h1, c);
  }
  h0 = mix(h0, 0xffff);
  h1 = mix(h1, 0xffff);
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    h0 = mix(h0, c);
    h1 = mix(h1, c);
  }
  lanes[0] = finish(h0);
  lanes[1] = finish(h1);
}

/**
 * Remembers (AccessKeyId, SignatureNonce) pairs so a signed request cannot be replayed. A request
 * is acceptable while |now − Timestamp| ≤ window, i.e. during 2 × window, so a nonce is kept at least
 * that long (expiry rounded up to the second).
 *
 * Stored as 64-bit fingerprints (two seeded 32-bit hashes) in an open-addressing table of typed
 * arrays: no object per nonce, so a gateway taking thousands of signed calls per second keeps a
 * flat heap and short GC pauses (at most ~100 MB at 2 M live nonces). Two different nonces share a
 * fingerprint with probability ~n/2^64 (the later one would be refused as a replay and the SDK
 * retries with a new nonce). Expired slots are reused in place and dropped when the table is
 * rebuilt. In-process: with several server replicas, sticky routing per key or a shared store is
 * needed (README "Scale-out").
 */
export class NonceStore {
  private readonly ttlMs: number;
  private readonly seeds = [randomInt(2 ** 31), randomInt(2 ** 31)] as const;
  /** Seconds are counted from here so expiries fit a Uint32. */
  private readonly baseSec = Math.floor(Date.now() / 1000) - 86_400;
  private capacity = INITIAL_CAPACITY;
  private hi = new Uint32Array(INITIAL_CAPACITY);
  private lo = new Uint32Array(INITIAL_CAPACITY);
  private exp = new Uint32Array(INITIAL_CAPACITY);
  /** Non-empty slots (live + expired). */
  private occupied = 0;
  private live = 0;
  /** Live entries per expiry second, in a ring one TTL long, to know `live` without scanning. */
  private readonly expiring: Uint32Array;
  private expiredUpTo = 0;

  constructor(
    ttlSec: number,
    windowSec: number,
    private readonly maxEntries = 2_000_000,
  ) {
    this.ttlMs = Math.max(ttlSec, 2 * windowSec) * 1000;
    this.expiring = new Uint32Array(Math.ceil(this.ttlMs / 1000) + 2);
  }

  /** 'ok' on first use; 'used' on replay; 'full' when the store is at capacity (caller throttles). */
  use(accessKeyId: string, nonce: string, now = Date.now()): 'ok' | 'used' | 'full' {
    const nowSec = this.relSec(now);
    this.expireCounts(nowSec);
    fingerprint(accessKeyId, nonce, this.seeds[0], this.seeds[1]);
    const h = lanes[0] as number;
    let l = lanes[1] as number;
    if (h === 0 && l === 0) l = 1; // (0, 0) marks an empty slot
    const mask = this.capacity - 1;
    let i = h & mask;
    let reusable = -1;
    for (;;) {
      const sh = this.hi[i] as number;
      const sl = this.lo[i] as number;
      if (sh === 0 && sl === 0) break;
      const alive = (this.exp[i] as number) > nowSec;
      if (sh === h && sl === l) {
        if (alive) return 'used';
        reusable = i;
        break;
      }
      if (!alive && reusable === -1) reusable = i;
      i = (i + 1) & mask;
    }
    if (this.live >= this.maxEntries) return 'full';
    const expSec = this.relSec(now + this.ttlMs - 1) + 1; // rounded up: kept at least ttl
    if (reusable === -1) {
      reusable = i;
      this.occupied++;
    }
    this.hi[reusable] = h;
    this.lo[reusable] = l;
    this.exp[reusable] = expSec;
    this.live++;
    const ring = this.expiring.length;
    this.expiring[expSec % ring] = (this.expiring[expSec % ring] as number) + 1;
    if (this.occupied > this.capacity * MAX_LOAD) this.rebuild(nowSec);
    return 'ok';
  }

  get size(): number {
    return this.live;
  }

  private relSec(ms: number): number {
    return Math.max(0, Math.floor(ms / 1000) - this.baseSec);
  }

  /** Moves the expiry cursor to now, taking expired seconds off the live count. */
  private expireCounts(nowSec: number): void {
    if (this.expiredUpTo === 0) this.expiredUpTo = nowSec;
    const ring = this.expiring.length;
    // A jump longer than the ring (e.g. a suspended host) expires everything at once.
    if (nowSec - this.expiredUpTo >= ring) {
      this.expiring.fill(0);
      this.live = 0;
      this.expiredUpTo = nowSec;
      return;
    }
    while (this.expiredUpTo < nowSec) {
      this.expiredUpTo++;
      const k = this.expiredUpTo % ring;
      this.live -= this.expiring[k] as number;
      this.expiring[k] = 0;
    }
  }

  /** Re-inserts live entries only; doubles the table when they alone fill half of it. */
  private rebuild(nowSec: number): void {
    const { hi, lo, exp, capacity } = this;
    let liveSlots = 0;
    for (let i = 0; i < capacity; i++) if ((exp[i] as number) > nowSec && ((hi[i] as number) !== 0 || (lo[i] as number) !== 0)) liveSlots++;
    let next = capacity;
    while (liveSlots > next * (MAX_LOAD / 2)) next *= 2;
    this.capacity = next;
    this.hi = new Uint32Array(next);
    this.lo = new Uint32Array(next);
    this.exp = new Uint32Array(next);
    this.occupied = 0;
    const mask = next - 1;
    for (let i = 0; i < capacity; i++) {
      const h = hi[i] as number;
      const l = lo[i] as number;
      if ((h === 0 && l === 0) || (exp[i] as number) <= nowSec) continue;
      let j = h & mask;
      while ((this.hi[j] as number) !== 0 || (this.lo[j] as number) !== 0) j = (j + 1) & mask;
      this.hi[j] = h;
      this.lo[j] = l;
      this.exp[j] = exp[i] as number;
      this.occupied++;
    }
  }
}
