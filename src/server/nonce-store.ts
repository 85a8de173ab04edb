/**
 * Remembers (AccessKeyId, SignatureNonce) pairs so a signed request cannot be replayed. A request
 * is acceptable while |now − Timestamp| ≤ window, i.e. during 2 × window, so a nonce is kept at least
 * that long. In-process: with several server replicas, sticky routing per key or a shared store
 * is needed (documented in README "Scale-out").
 */
export class NonceStore {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;

  constructor(
    ttlSec: number,
    windowSec: number,
    private readonly maxEntries = 2_000_000,
  ) {
    this.ttlMs = Math.max(ttlSec, 2 * windowSec) * 1000;
  }

  /** 'ok' on first use; 'used' on replay; 'full' when the store is at capacity (caller throttles). */
  use(accessKeyId: string, nonce: string, now = Date.now()): 'ok' | 'used' | 'full' {
    this.sweep(now);
    const key = `${accessKeyId}\u0000${nonce}`;
    const exp = this.seen.get(key);
    if (exp !== undefined && exp > now) return 'used';
    if (this.seen.size >= this.maxEntries) return 'full';
    this.seen.set(key, now + this.ttlMs);
    return 'ok';
  }

  /** Insertion order = expiry order (constant TTL), so the sweep stops at the first live entry. */
  private sweep(now: number): void {
    for (const [k, exp] of this.seen) {
      if (exp > now) break;
      this.seen.delete(k);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}
