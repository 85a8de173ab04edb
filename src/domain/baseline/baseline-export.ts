/**
 * ExportRecord for baseline results (ExportType `exportHcWarning`): one row per host × check with
 * its status, level, reason, evidence and fix. Params (JSON, all optional): Uuids, RiskIds,
 * CheckIds (comma lists or arrays), StatusList ("1,3": failed, passed …), RiskLevels ("high,medium").
 */
import type { Cell } from '../assets/xlsx-writer.js';
import type { BaselineService, WarningFilter } from './baseline-service.js';

export const BASELINE_EXPORT_TYPE = 'exportHcWarning';
const STATUS_TEXT: Record<number, string> = { 1: 'failed', 2: 'verifying', 3: 'passed', 5: 'expired', 6: 'ignored' };
const HEADER = ['Uuid', 'Instance', 'IP', 'RiskId', 'Policy', 'CheckId', 'Check', 'Category', 'Level', 'Status', 'Reason', 'Evidence', 'Targets', 'Fix', 'AutoFix', 'FirstSeen', 'LastSeen'];

function list(v: unknown, max = 5000): string[] {
  if (Array.isArray(v)) return v.map(String).slice(0, max);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0).slice(0, max);
  if (typeof v === 'number') return [String(v)];
  return [];
}
const nums = (v: unknown) => list(v).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
const ISO = (ms: number) => (ms ? new Date(ms).toISOString() : '');

export async function baselineExportRows(
  svc: BaselineService,
  accountId: string,
  params: Record<string, unknown>,
  hosts: (uuids: string[]) => Promise<Map<string, { name: string; ip: string }>>,
  progress: (current: number, total: number) => Promise<void>,
  maxRows: number,
): Promise<Cell[][]> {
  const f: WarningFilter = {};
  const uuids = list(params.Uuids);
  if (uuids.length) f.uuids = uuids;
  const riskIds = nums(params.RiskIds ?? params.RiskId);
  if (riskIds.length) f.riskIds = riskIds;
  const checkIds = nums(params.CheckIds);
  if (checkIds.length) f.checkIds = checkIds;
  const statuses = nums(params.StatusList);
  if (statuses.length) f.statuses = statuses;
  const levels = list(params.RiskLevels).map((l) => l.toLowerCase());
  let ws = await svc.list(accountId, f);
  if (levels.length) ws = ws.filter((w) => levels.includes(w.level));
  ws = ws.slice(0, maxRows);
  const info = await hosts([...new Set(ws.map((w) => w.uuid))]);
  const rows: Cell[][] = [HEADER];
  for (const w of ws) {
    const h = info.get(w.uuid);
    rows.push([w.uuid, h?.name ?? '', h?.ip ?? '', w.riskId, w.riskName, w.checkId, w.title, w.category, w.level, STATUS_TEXT[w.status] ?? String(w.status), w.reason, w.evidence.map((e) => `${e.rule} → ${e.outcome}${e.reason ? ` (${e.reason})` : ''}`).join('\n'), w.targets.join(','), w.fix, w.autoFix ? 'yes' : 'no', ISO(w.firstSeen), ISO(w.lastSeen)]);
  }
  await progress(rows.length - 1, rows.length - 1);
  return rows;
}
