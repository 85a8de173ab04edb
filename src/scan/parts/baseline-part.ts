/**
 * Baseline: the shipped policies (rules/baseline/*.yml) plus Wazuh SCA policy files the user names,
 * evaluated on this host. Each failed check is a finding; passed and not-applicable checks are counted.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluatePolicy, type CheckResult } from '../../engines/sca/evaluate.js';
import { loadPolicy, type ScaCheck, type ScaPolicy, type VigilFix, type VigilLevel } from '../../engines/sca/policy.js';
import { createHostProbe } from '../../host/probe/host-probe.js';
import { findingId } from '../finding-id.js';
import type { PartRunner } from '../part-types.js';
import type { PartStats, ScanFinding, ScanLevel } from '../report-types.js';

export interface BaselineOptions {
  /** Directory of shipped policies. */
  shippedDir: string;
  /** Extra policy files given with --policy. */
  policyFiles: readonly string[];
  commandTimeoutMs: number;
}

const LEVEL: Record<VigilLevel, ScanLevel> = { high: 'serious', medium: 'suspicious', low: 'remind' };

export function shippedPolicyFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

function fixText(check: ScaCheck | undefined): string | undefined {
  // The policy's own remediation text first; the machine-readable fix only when there is no text.
  if (check?.remediation) return check.remediation.trim();
  const fix: VigilFix | undefined = check?.vigil?.fix;
  if (fix?.kind === 'set_option') return `Set "${fix.line}" in ${fix.file}${fix.restart ? ` and restart ${fix.restart}` : ''}.`;
  if (fix?.kind === 'command') return `Run: ${fix.command}`;
  if (fix?.kind === 'manual') return fix.text;
  return undefined;
}

/** The configuration file a check reads (its first `f:` rule naming one path), as the finding's place. */
function checkedFile(check: ScaCheck | undefined, variables: Record<string, string>): string | undefined {
  for (const r of check?.rules ?? []) {
    if (r.type !== 'f') continue;
    let target = r.target;
    for (const name of Object.keys(variables).sort((a, b) => b.length - a.length)) target = target.split(name).join(variables[name] ?? '');
    if (target.startsWith('/') && !target.includes(',')) return target;
  }
  return undefined;
}

function describe(policy: ScaPolicy, res: CheckResult, check: ScaCheck | undefined): ScanFinding {
  const policyId = policy.id;
  const rule = `${policyId}/${res.id}`;
  // Wazuh CIS checks carry no level: a failed hardening recommendation is a reminder.
  const level: ScanLevel = res.vigil ? LEVEL[res.vigil.level] : 'remind';
  // The reason already names the deciding rule; list every rule's evidence only when there are several.
  const evidence = res.rules.length > 1 ? res.rules.slice(0, 6).map((r) => `${r.rule} -> ${r.outcome}: ${r.reason}`) : [];
  const fix = fixText(check);
  const file = checkedFile(check, policy.variables);
  return {
    id: findingId('baseline', rule, ''),
    rule,
    level,
    title: res.title,
    detail: [res.reason, ...evidence].join('\n'),
    ...(file ? { location: { path: file } } : {}),
    ...(fix ? { fix } : {}),
  };
}

export function baselinePart(opts: BaselineOptions): PartRunner {
  return async (ctx) => {
    const files = [...shippedPolicyFiles(opts.shippedDir), ...opts.policyFiles];
    const probe = createHostProbe();
    const findings: ScanFinding[] = [];
    const stats: PartStats = { policies: 0, policiesNotApplicable: 0, checks: 0, passed: 0, failed: 0, notApplicable: 0 };
    const errors: string[] = [];
    const add = (k: string, n: number): void => {
      stats[k] = Number(stats[k]) + n;
    };
    for (const file of files) {
      if (ctx.signal.aborted) break;
      try {
        const policy = loadPolicy(await readFile(file, 'utf8'));
        ctx.progress(`policy ${policy.id} (${policy.checks.length} checks)`);
        const res = await evaluatePolicy(policy, probe, { commandTimeoutMs: opts.commandTimeoutMs });
        add('policies', 1);
        if (!res.requirementsMet) add('policiesNotApplicable', 1);
        add('checks', res.checks.length);
        add('passed', res.counts.passed);
        add('failed', res.counts.failed);
        add('notApplicable', res.counts.notApplicable);
        const byId = new Map(policy.checks.map((c) => [c.id, c]));
        for (const c of res.checks) if (c.result === 'failed') findings.push(describe(policy, c, byId.get(c.id)));
      } catch (e) {
        errors.push(`${file}: ${(e as Error).message}`);
      }
    }
    return { findings, stats, ...(errors.length ? { error: errors.join('; ') } : {}) };
  };
}
