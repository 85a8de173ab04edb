/**
 * Bumped on every RAM write in this process so authorization caches drop at once; other processes
 * (replicas, the admin CLI) are picked up by the caches' short TTL.
 */
export class RamRevision {
  private n = 0;
  get value(): number {
    return this.n;
  }
  bump(): void {
    this.n++;
  }
}
