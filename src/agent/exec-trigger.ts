/**
 * Turns exec events into detection scans. An exec worth a scan (a shell, a relay tool, a reverse
 * shell command line) schedules one scan `delayMs` later; the execs that arrive meanwhile join it
 * (their pids are recorded, bounded by `maxWindow`). When the scan is due, it runs only if a process
 * of the window is still worth one: a `sh -c` that ran a builtin, a monitoring probe or a shell that
 * exec'd `sleep` cannot hold a reverse shell, and the other programs of the window (compilers,
 * `sleep`) never could. A shell forked off and left behind without an exec of its own is still seen
 * by the periodic pass. Being worth is judged on the process as it is then (a re-exec counts), and
 * a process that is gone is not.
 */
export interface ExecTriggerOptions {
  delayMs: number;
  /** Is this process (now) worth a scan? False when it is gone. */
  worth: (pid: number) => boolean;
  fire: () => void;
  /** Pids recorded per window; a fuller window always scans (default 64). */
  maxWindow?: number;
}

export class ExecTrigger {
  /** Windows opened, and how many ended without a scan. */
  readonly stats = { triggers: 0, skipped: 0 };
  private readonly window = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly max: number;

  constructor(private readonly o: ExecTriggerOptions) {
    this.max = o.maxWindow ?? 64;
  }

  onExec(pid: number): void {
    if (this.timer) {
      if (this.window.size < this.max) this.window.add(pid);
      return;
    }
    if (!this.o.worth(pid)) return;
    this.stats.triggers++;
    this.window.clear();
    this.window.add(pid);
    this.timer = setTimeout(() => this.due(), this.o.delayMs);
    this.timer.unref();
  }

  private due(): void {
    this.timer = null;
    const run = this.window.size >= this.max || [...this.window].some((pid) => this.o.worth(pid));
    this.window.clear();
    if (run) this.o.fire();
    else this.stats.skipped++;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.window.clear();
  }
}
