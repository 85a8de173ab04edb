/**
 * A bounded least-recently-used cache in the two-generation form (as in the quick-lru package):
 * new and recently read entries live in `young`; when `young` fills half the capacity it becomes
 * `old` and the previous `old` is dropped. A hit in `old` moves the entry to `young`. An entry
 * read at least once per half-capacity insertions is never evicted, memory never exceeds
 * `capacity` entries, and a hit costs one Map lookup with no re-insertion (an exact LRU pays a
 * delete and a set on every hit, which was the largest cost of a cached decision).
 */
export class LruCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly half: number;

  constructor(readonly capacity: number) {
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  /** Entries held (a key may be counted in both generations for a moment; never above capacity). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.insert(key, o);
    }
    return o;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    if (this.young.has(key)) this.young.set(key, value);
    else {
      this.old.delete(key);
      this.insert(key, value);
    }
  }

  private insert(key: string, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
