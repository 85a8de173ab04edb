/**
 * Runs the planned parts one after another, each isolated: an exception or a timeout in one part
 * becomes that part's error section and the next part still runs.
 */
import type { PartOutcome, PartRunner, PlannedPart } from './part-types.js';
import type { HostFacts, ScanPart, ScanReport } from './report-types.js';
import { LEVEL_RANK } from './report-types.js';

export interface RunScanOptions {
  host: HostFacts;
  version: string;
  /** Time budget of each part. */
  partTimeoutMs: number;
  /** Progress lines (R-11.3); the CLI sends them to stderr. */
  onProgress?: (line: string) => void;
  /** Epoch-ms clock; injectable for tests. */
  now?: () => number;
}

class PartTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${Number((ms / 1000).toFixed(2))} s`);
    this.name = 'PartTimeout';
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function runOne(run: PartRunner, opts: RunScanOptions, progress: (m: string) => void): Promise<PartOutcome> {
  const now = opts.now ?? Date.now;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new PartTimeout(opts.partTimeoutMs);
      controller.abort(err);
      reject(err);
    }, opts.partTimeoutMs);
  });
  try {
    return await Promise.race([run({ signal: controller.signal, deadline: now() + opts.partTimeoutMs, progress }), timeout]);
  } finally {
    clearTimeout(timer);
    controller.abort(new Error('part finished'));
  }
}

export async function runScan(plan: readonly PlannedPart[], opts: RunScanOptions): Promise<ScanReport> {
  const now = opts.now ?? Date.now;
  const say = opts.onProgress ?? (() => undefined);
  const startedAt = new Date(now()).toISOString();
  const parts: ScanPart[] = [];
  const runnable = plan.filter((p) => 'run' in p).length;
  let index = 0;
  for (const p of plan) {
    if ('skip' in p) {
      parts.push({ name: p.name, status: 'skipped', reason: p.skip, findings: [], stats: {}, durationMs: 0 });
      continue;
    }
    index += 1;
    const tag = `[${index}/${runnable}] ${p.name}`;
    const progress = (m: string): void => say(`${tag}: ${m}`);
    say(`${tag}: started`);
    const t0 = now();
    try {
      const out = await runOne(p.run, opts, progress);
      const durationMs = now() - t0;
      const findings = [...out.findings].sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level]);
      parts.push({
        name: p.name,
        status: out.error ? 'error' : 'ok',
        ...(out.error ? { reason: out.error } : {}),
        findings,
        stats: out.stats,
        durationMs,
      });
      say(`${tag}: ${out.error ? `error (${out.error})` : 'done'}, ${plural(findings.length, 'finding')} in ${(durationMs / 1000).toFixed(1)} s`);
    } catch (e) {
      const durationMs = now() - t0;
      parts.push({ name: p.name, status: 'error', reason: errorText(e), findings: [], stats: {}, durationMs });
      say(`${tag}: error (${errorText(e)}) after ${(durationMs / 1000).toFixed(1)} s`);
    }
  }
  return { tool: { name: 'vigil', version: opts.version }, host: opts.host, startedAt, finishedAt: new Date(now()).toISOString(), parts };
}
