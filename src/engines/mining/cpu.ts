/** Sustained CPU use from per-process samples of /proc/<pid>/stat utime+stime (taken by the host adapter). */

export interface CpuSample {
  pid: number;
  /** Process start time (ticks since boot): distinguishes a reused pid. */
  startTime: number;
  timeMs: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
}

export interface CpuWindowOptions {
  /** Clock ticks per second (`getconf CLK_TCK`, 100 on Linux). */
  ticksPerSecond: number;
  /** Minimum usage in every interval, as a fraction of one core (default 0.8). */
  threshold?: number;
  /** The high-usage run must cover at least this long, ending at the latest sample (default 60 s). */
  minDurationMs?: number;
}

export interface SustainedCpu {
  pid: number;
  startTime: number;
  /** Average usage over the run, fraction of one core (can exceed 1 for multi-threaded miners). */
  averageCores: number;
  durationMs: number;
}

/**
 * Processes whose usage stayed at or above the threshold in every interval of a run reaching back at
 * least `minDurationMs` from their latest sample. Pure: samples in any order, pids may be reused.
 */
export function sustainedCpu(samples: readonly CpuSample[], opts: CpuWindowOptions): SustainedCpu[] {
  const threshold = opts.threshold ?? 0.8;
  const minMs = opts.minDurationMs ?? 60_000;
  const series = new Map<string, CpuSample[]>();
  for (const s of samples) {
    const key = `${s.pid}:${s.startTime}`;
    let list = series.get(key);
    if (!list) series.set(key, (list = []));
    list.push(s);
  }
  const out: SustainedCpu[] = [];
  for (const list of series.values()) {
    list.sort((a, b) => a.timeMs - b.timeMs);
    const last = list[list.length - 1];
    if (!last) continue;
    // Walk back from the newest sample while each interval stays hot.
    let first = last;
    for (let i = list.length - 2; i >= 0; i--) {
      const a = list[i] as CpuSample;
      const b = list[i + 1] as CpuSample;
      const dt = (b.timeMs - a.timeMs) / 1000;
      if (dt <= 0) continue;
      const cores = (b.cpuTicks - a.cpuTicks) / opts.ticksPerSecond / dt;
      if (cores < threshold) break;
      first = a;
    }
    const durationMs = last.timeMs - first.timeMs;
    if (durationMs < minMs) continue;
    const averageCores = (last.cpuTicks - first.cpuTicks) / opts.ticksPerSecond / (durationMs / 1000);
    out.push({ pid: last.pid, startTime: last.startTime, averageCores, durationMs });
  }
  return out;
}
