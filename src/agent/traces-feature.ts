import { emptyIocs, parseMinerIocs, type MinerIocs } from '../engines/mining/index.js';
import { buildTraceReport, type TraceReport } from '../engines/traces/index.js';
import { collectTraces } from '../host/traces/index.js';
import { readRulesFile } from './rules-dir.js';
import { registerTask } from './task-handlers.js';

/** Task kind of an intrusion-trace investigation; the result is a `TraceReport`. */
export const TRACES_TASK_KIND = 'traces.collect';
/** The server keeps task results up to 1 MiB; reports are shrunk below this. */
const MAX_REPORT_BYTES = 900 * 1024;

function loadIocs(): MinerIocs {
  try {
    return parseMinerIocs(readRulesFile('mining', 'miner-iocs.txt')).iocs;
  } catch {
    return emptyIocs();
  }
}

export interface TraceTaskParams {
  /** "Recent" window for changed files and cron entries, hours (1..168, default 24). */
  recentHours: number;
}

export function parseTraceParams(p: unknown): TraceTaskParams {
  const o = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
  const h = o.recentHours === undefined ? 24 : Number(o.recentHours);
  if (!Number.isInteger(h) || h < 1 || h > 168) throw new Error('recentHours must be an integer 1..168');
  return { recentHours: h };
}

/** Runs one investigation on this host; the report fits in a task result (items are trimmed if not). */
export function investigate(params: TraceTaskParams, opts: { root?: string; tempDirs?: string[] } = {}): TraceReport {
  const recentMs = params.recentHours * 3_600_000;
  const snap = collectTraces({ recentMs, ...(opts.root ? { root: opts.root } : {}), ...(opts.tempDirs ? { tempDirs: opts.tempDirs } : {}) });
  const iocs = loadIocs();
  for (let max = 200; ; max = Math.floor(max / 2)) {
    const report = buildTraceReport(snap, { recentMs, maxItemsPerSection: max, minerIocs: iocs });
    if (max <= 10 || Buffer.byteLength(JSON.stringify(report)) <= MAX_REPORT_BYTES) {
      if (max < 200) for (const s of report.sections) s.truncated = true;
      return report;
    }
  }
}

/** Registers the on-demand investigation task. It only reads, so it also runs while protection is paused. */
export function startTraces(): void {
  registerTask(TRACES_TASK_KIND, {
    protection: false,
    run: async (params) => {
      const p = parseTraceParams(params);
      // Let the link answer acks first; the walk is synchronous and bounded (see collectTraces).
      await new Promise((r) => setImmediate(r));
      return investigate(p);
    },
  });
}
