import type { PartName, PartStats, ScanFinding } from './report-types.js';

export interface PartContext {
  /** Aborted when the part's time budget is spent; long loops check it between steps. */
  signal: AbortSignal;
  /** Epoch ms by which the part must be done (for host adapters that take their own timeout). */
  deadline: number;
  /** One progress line (the orchestrator prefixes the part name). */
  progress(message: string): void;
}

export interface PartOutcome {
  findings: ScanFinding[];
  stats: PartStats;
  /** Set when part of the work failed: the part is reported as an error but keeps its findings. */
  error?: string;
}

export type PartRunner = (ctx: PartContext) => Promise<PartOutcome>;

/** One entry of the scan plan: a runner, or the reason the part is skipped. */
export type PlannedPart = { name: PartName; run: PartRunner } | { name: PartName; skip: string };
