/**
 * Exponential backoff with "equal jitter": attempt n waits between d/2 and d, d = min(max, base·2^n).
 * Agents of a fleet that lost the server together do not come back in lockstep.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 1_000,
    private readonly maxMs = 60_000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const d = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(d / 2 + this.random() * (d / 2));
  }

  /** After a long wait is deserved (e.g. the credential was rejected). */
  max(): number {
    this.attempt = 31;
    return Math.round(this.maxMs / 2 + this.random() * (this.maxMs / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
