/** Which parts a `vigil scan` invocation runs, from its options; usage mistakes throw ScanUsageError. */
import { join } from 'node:path';
import type { PlannedPart } from './part-types.js';
import { baselinePart } from './parts/baseline-part.js';
import { revshellPart } from './parts/revshell-part.js';
import { secretsPart } from './parts/secrets-part.js';
import { vulnPart } from './parts/vuln-part.js';
import { weakpassPart } from './parts/weakpass-part.js';
import { webshellPart } from './parts/webshell-part.js';
import { PART_NAMES, type PartName } from './report-types.js';

export class ScanUsageError extends Error {
  override name = 'ScanUsageError';
}

export interface ScanPlanOptions {
  /** Parts named with --only; undefined runs every part that has its input. */
  only?: readonly PartName[];
  paths: readonly string[];
  policies: readonly string[];
  osv?: string;
  maxFileBytes: number;
  shadowPath: string;
  rulesDir: string;
}

/** Parses the --only list ("revshell,webshell"): known names, no duplicates, not empty. */
export function parseOnly(value: string): PartName[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new ScanUsageError('--only needs at least one of ' + PART_NAMES.join(', '));
  const out: PartName[] = [];
  for (const n of names) {
    const hit = PART_NAMES.find((p) => p === n);
    if (!hit) throw new ScanUsageError(`--only: unknown check "${n}" (known: ${PART_NAMES.join(', ')})`);
    if (!out.includes(hit)) out.push(hit);
  }
  return out;
}

export function planScan(o: ScanPlanOptions): PlannedPart[] {
  const content = { paths: o.paths, maxFileBytes: o.maxFileBytes };
  const needs: Partial<Record<PartName, string | undefined>> = {
    webshell: o.paths.length === 0 ? 'needs --path DIR' : undefined,
    secrets: o.paths.length === 0 ? 'needs --path DIR' : undefined,
    vuln: o.osv === undefined ? 'needs --osv DIR|ZIP (OSV advisories)' : undefined,
  };
  if (o.only) {
    for (const name of o.only) {
      const missing = needs[name];
      if (missing) throw new ScanUsageError(`--only ${name} ${missing}`);
    }
  }
  const selected = o.only ?? PART_NAMES;
  const plan: PlannedPart[] = [];
  for (const name of PART_NAMES) {
    if (!selected.includes(name)) continue;
    const missing = needs[name];
    if (missing) {
      plan.push({ name, skip: missing });
      continue;
    }
    switch (name) {
      case 'revshell':
        plan.push({ name, run: revshellPart() });
        break;
      case 'webshell':
        plan.push({ name, run: webshellPart(content) });
        break;
      case 'secrets':
        plan.push({ name, run: secretsPart(content) });
        break;
      case 'baseline':
        plan.push({ name, run: baselinePart({ shippedDir: join(o.rulesDir, 'baseline'), policyFiles: o.policies, commandTimeoutMs: 15_000 }) });
        break;
      case 'weakpass':
        plan.push({ name, run: weakpassPart({ dictionaryDir: join(o.rulesDir, 'weakpass'), shadowPath: o.shadowPath }) });
        break;
      case 'vuln':
        if (o.osv !== undefined) plan.push({ name, run: vulnPart(o.osv) });
        break;
    }
  }
  return plan;
}
