/**
 * SCA evaluator: policy + HostProbe → per-check results with evidence. Pure apart from the probe.
 *
 * Rule result: found | not found | invalid (cannot tell: file missing for a content test,
 * unreadable, command not runnable or timed out, bad regex, registry rule on Linux).
 * A leading `not` swaps found and not found; invalid stays invalid.
 *
 * Check result from its rules (Wazuh semantics; evaluation stops once the result is decided):
 *   all:  failed if a rule is not found; else not applicable if one is invalid; else passed
 *   any:  passed if a rule is found; else not applicable if one is invalid; else failed
 *   none: failed if a rule is found; else not applicable if one is invalid; else passed
 * If the policy's requirements do not pass, every check is not applicable.
 */
import { applyContentTest, ContentTestError, type ContentMatch } from './content-test.js';
import type { HostProbe } from './host-probe.js';
import type { Condition, ScaCheck, ScaPolicy, VigilCheckMeta } from './policy.js';
import type { ContentTest, FileNamePattern, ParsedRule } from './rule-parser.js';
import { compileWazuhRegex, type RegexDialect } from './wazuh-regex.js';

export type RuleOutcome = 'found' | 'not found' | 'invalid';
export type CheckResultValue = 'passed' | 'failed' | 'not applicable';

export interface RuleEvidence {
  rule: string;
  /** Outcome after `not` is applied. */
  outcome: RuleOutcome;
  reason: string;
}

export interface CheckResult {
  id: number;
  title: string;
  result: CheckResultValue;
  reason: string;
  rules: RuleEvidence[];
  vigil?: VigilCheckMeta;
}

export interface PolicyResult {
  policyId: string;
  name: string;
  requirementsMet: boolean;
  requirementsReason?: string;
  checks: CheckResult[];
  counts: { passed: number; failed: number; notApplicable: number };
}

export interface EvaluateOptions {
  /** Per `c:` command. Wazuh's default is 30 s. */
  commandTimeoutMs?: number;
  /** Bounds for the recursive `d:` walk. */
  maxDirEntries?: number;
  maxDirDepth?: number;
  /** Only evaluate these check ids (e.g. a "verify" of one check). */
  onlyCheckIds?: readonly number[];
}

interface Ctx {
  probe: HostProbe;
  dialect: RegexDialect;
  variables: Record<string, string>;
  commandTimeoutMs: number;
  maxDirEntries: number;
  maxDirDepth: number;
}

type Raw = { outcome: RuleOutcome; reason: string };

const SECRET_LINE = /((?:pass(?:word|wd)?|secret|token|key|auth)[\w.-]*["']?\s*[=:\s]\s*)(\S+)/i;

/** Evidence lines leave the host: values after password-like keys are masked. */
export function redactLine(line: string): string {
  const cut = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  return cut.replace(SECRET_LINE, (_m, key: string) => `${key}***`);
}

function substitute(target: string, vars: Record<string, string>): string {
  let out = target;
  // Longest names first so `$a_b` is not clobbered by `$a`.
  for (const name of Object.keys(vars).sort((a, b) => b.length - a.length)) {
    out = out.split(name).join(vars[name] ?? '');
  }
  return out;
}

function splitList(target: string): string[] {
  return target
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function describeMatch(m: ContentMatch, where: string, test: ContentTest): string {
  const single = test.minterms.length === 1 && test.minterms[0]?.negated;
  if (m.matched) {
    return m.line !== undefined
      ? `${where} line ${m.lineNo}: "${redactLine(m.line)}" matches "${test.source}"`
      : `no line of ${where} matches the negated test "${test.source}"`;
  }
  if (single && m.line !== undefined) return `${where} line ${m.lineNo}: "${redactLine(m.line)}" contradicts "${test.source}"`;
  return `no line of ${where} matches "${test.source}"`;
}

function testText(text: string, test: ContentTest, dialect: RegexDialect, where: string): Raw {
  try {
    const m = applyContentTest(text, test, dialect);
    return { outcome: m.matched ? 'found' : 'not found', reason: describeMatch(m, where, test) };
  } catch (e) {
    if (e instanceof ContentTestError) return { outcome: 'invalid', reason: e.message };
    throw e;
  }
}

async function fileContent(path: string, test: ContentTest, ctx: Ctx): Promise<Raw> {
  const st = await ctx.probe.stat(path);
  if (!st.ok) return { outcome: 'invalid', reason: `cannot read ${path}: ${st.reason}` };
  if (st.value.kind !== 'file') return { outcome: 'invalid', reason: `${path} is not a regular file` };
  const rd = await ctx.probe.readFile(path);
  if (!rd.ok) return { outcome: 'invalid', reason: `cannot read ${path}: ${rd.reason}` };
  return testText(rd.value.text, test, ctx.dialect, rd.value.truncated ? `${path} (truncated)` : path);
}

async function fileRule(rule: ParsedRule, target: string, ctx: Ctx): Promise<Raw> {
  let acc: Raw = { outcome: 'not found', reason: '' };
  const reasons: string[] = [];
  for (const path of splitList(target)) {
    let r: Raw;
    if (rule.test) {
      r = await fileContent(path, rule.test, ctx);
    } else {
      const st = await ctx.probe.stat(path);
      if (st.ok) r = st.value.kind === 'file' ? { outcome: 'found', reason: `${path} exists` } : { outcome: 'not found', reason: `${path} is not a regular file` };
      else if (st.code === 'ENOENT') r = { outcome: 'not found', reason: `${path} does not exist` };
      else r = { outcome: 'invalid', reason: `cannot stat ${path}: ${st.reason}` };
    }
    reasons.push(r.reason);
    if (r.outcome === 'found') return r;
    if (r.outcome === 'invalid') acc = { outcome: 'invalid', reason: '' };
  }
  return { outcome: acc.outcome, reason: reasons.join('; ') };
}

function nameMatches(name: string, pat: FileNamePattern, dialect: RegexDialect): boolean {
  if (pat.kind === 'regex') return compileWazuhRegex(pat.pattern, dialect).test(name);
  return compileWazuhRegex(pat.text, 'sregex').test(name);
}

async function dirRule(rule: ParsedRule, target: string, ctx: Ctx): Promise<Raw> {
  const reasons: string[] = [];
  let sawInvalid = false;
  for (const dir of splitList(target)) {
    const st = await ctx.probe.stat(dir);
    if (!rule.fileName) {
      if (st.ok && st.value.kind === 'dir') return { outcome: 'found', reason: `${dir} exists` };
      if (st.ok || st.code === 'ENOENT') reasons.push(`${dir} is not an existing directory`);
      else {
        sawInvalid = true;
        reasons.push(`cannot stat ${dir}: ${st.reason}`);
      }
      continue;
    }
    if (!st.ok || st.value.kind !== 'dir') {
      sawInvalid = true;
      reasons.push(st.ok ? `${dir} is not a directory` : `cannot open ${dir}: ${st.reason}`);
      continue;
    }
    const stack: Array<{ path: string; depth: number }> = [{ path: dir.replace(/\/+$/, '') || '/', depth: 0 }];
    let visited = 0;
    let matchedFiles = 0;
    while (stack.length > 0) {
      const cur = stack.pop() as { path: string; depth: number };
      const ls = await ctx.probe.listDir(cur.path);
      if (!ls.ok) {
        sawInvalid = true;
        reasons.push(`cannot list ${cur.path}: ${ls.reason}`);
        continue;
      }
      for (const e of ls.value) {
        visited += 1;
        if (visited > ctx.maxDirEntries) {
          sawInvalid = true;
          reasons.push(`stopped after ${ctx.maxDirEntries} entries under ${dir}`);
          stack.length = 0;
          break;
        }
        const child = `${cur.path === '/' ? '' : cur.path}/${e.name}`;
        if (e.kind === 'symlink') continue;
        if (e.kind === 'dir') {
          if (cur.depth + 1 <= ctx.maxDirDepth) stack.push({ path: child, depth: cur.depth + 1 });
          continue;
        }
        let hit: boolean;
        try {
          hit = nameMatches(e.name, rule.fileName, ctx.dialect);
        } catch (err) {
          return { outcome: 'invalid', reason: `bad file name pattern: ${(err as Error).message}` };
        }
        if (!hit) continue;
        matchedFiles += 1;
        if (!rule.test) return { outcome: 'found', reason: `${child} matches the file name pattern` };
        const r = await fileContent(child, rule.test, ctx);
        if (r.outcome === 'found') return r;
        if (r.outcome === 'invalid') {
          sawInvalid = true;
          reasons.push(r.reason);
        }
      }
    }
    reasons.push(rule.test ? `${matchedFiles} file(s) under ${dir} checked, none matches` : `no file under ${dir} matches the file name pattern`);
  }
  return { outcome: sawInvalid ? 'invalid' : 'not found', reason: reasons.join('; ') };
}

async function commandRule(rule: ParsedRule, command: string, ctx: Ctx): Promise<Raw> {
  const res = await ctx.probe.runCommand(command, ctx.commandTimeoutMs);
  if (!res.ok) return { outcome: 'invalid', reason: `command "${command}" failed: ${res.reason}` };
  if (!rule.test) return { outcome: 'found', reason: `command "${command}" ran` };
  const stdout = res.value.stdout.replace(/\n+$/, '');
  const stderr = res.value.stderr.replace(/\n+$/, '');
  const a = testText(stdout, rule.test, ctx.dialect, `output of "${command}"`);
  if (a.outcome === 'found') return a;
  const b = testText(stderr, rule.test, ctx.dialect, `stderr of "${command}"`);
  if (b.outcome === 'found') return b;
  if (a.outcome === 'invalid' && b.outcome === 'invalid') return a;
  return { outcome: 'not found', reason: a.reason };
}

async function processRule(target: string, ctx: Ctx): Promise<Raw> {
  const res = await ctx.probe.listProcesses();
  if (!res.ok) return { outcome: 'invalid', reason: `cannot list processes: ${res.reason}` };
  const want: ContentTest = { source: target, minterms: [target.startsWith('r:') ? { negated: false, kind: 'regex', pattern: target.slice(2) } : { negated: false, kind: 'literal', text: target }] };
  for (const p of res.value) {
    const argv0 = p.cmdline.split(' ')[0] ?? '';
    const candidates = new Set([p.name, argv0, argv0.slice(argv0.lastIndexOf('/') + 1)]);
    for (const c of candidates) {
      if (c.length === 0) continue;
      const m = want.minterms[0];
      const hit = m?.kind === 'literal' ? c.toLowerCase() === m.text.toLowerCase() : testText(c, want, ctx.dialect, 'process').outcome === 'found';
      if (hit) return { outcome: 'found', reason: `process ${p.pid} (${p.name}) is running` };
    }
  }
  return { outcome: 'not found', reason: `no running process matches "${target}"` };
}

async function evaluateRule(rule: ParsedRule, ctx: Ctx): Promise<RuleEvidence> {
  const target = substitute(rule.target, ctx.variables);
  let raw: Raw;
  switch (rule.type) {
    case 'f':
      raw = await fileRule(rule, target, ctx);
      break;
    case 'd':
      raw = await dirRule(rule, target, ctx);
      break;
    case 'c':
      raw = await commandRule(rule, target, ctx);
      break;
    case 'p':
      raw = await processRule(target, ctx);
      break;
    default:
      raw = { outcome: 'invalid', reason: 'Windows registry rules do not apply to this host' };
  }
  let outcome = raw.outcome;
  if (rule.negated && outcome !== 'invalid') outcome = outcome === 'found' ? 'not found' : 'found';
  return { rule: rule.source, outcome, reason: raw.reason };
}

function decided(condition: Condition, outcome: RuleOutcome): boolean {
  return condition === 'all' ? outcome === 'not found' : outcome === 'found';
}

export function combine(condition: Condition, outcomes: readonly RuleOutcome[]): CheckResultValue {
  const anyFound = outcomes.includes('found');
  const anyMissing = outcomes.includes('not found');
  const anyInvalid = outcomes.includes('invalid');
  if (condition === 'all') return anyMissing ? 'failed' : anyInvalid ? 'not applicable' : 'passed';
  if (condition === 'any') return anyFound ? 'passed' : anyInvalid ? 'not applicable' : 'failed';
  return anyFound ? 'failed' : anyInvalid ? 'not applicable' : 'passed';
}

async function evaluateRules(
  condition: Condition,
  rules: readonly ParsedRule[],
  ctx: Ctx,
): Promise<{ result: CheckResultValue; evidence: RuleEvidence[] }> {
  const evidence: RuleEvidence[] = [];
  for (const rule of rules) {
    const ev = await evaluateRule(rule, ctx);
    evidence.push(ev);
    if (decided(condition, ev.outcome)) break;
  }
  return { result: combine(condition, evidence.map((e) => e.outcome)), evidence };
}

function summarize(result: CheckResultValue, condition: Condition, evidence: readonly RuleEvidence[]): string {
  const pick =
    result === 'not applicable'
      ? evidence.find((e) => e.outcome === 'invalid')
      : evidence[evidence.length - 1];
  return pick ? `${condition}: ${pick.rule} → ${pick.outcome} (${pick.reason})` : condition;
}

export async function evaluatePolicy(policy: ScaPolicy, probe: HostProbe, options: EvaluateOptions = {}): Promise<PolicyResult> {
  const base: Omit<Ctx, 'dialect'> = {
    probe,
    variables: policy.variables,
    commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
    maxDirEntries: options.maxDirEntries ?? 50_000,
    maxDirDepth: options.maxDirDepth ?? 16,
  };
  const out: PolicyResult = {
    policyId: policy.id,
    name: policy.name,
    requirementsMet: true,
    checks: [],
    counts: { passed: 0, failed: 0, notApplicable: 0 },
  };
  if (policy.requirements) {
    const req = await evaluateRules(policy.requirements.condition, policy.requirements.rules, { ...base, dialect: policy.regexType });
    if (req.result !== 'passed') {
      out.requirementsMet = false;
      out.requirementsReason = `requirements "${policy.requirements.title}" ${req.result}: ${summarize(req.result, policy.requirements.condition, req.evidence)}`;
    }
  }
  const only = options.onlyCheckIds ? new Set(options.onlyCheckIds) : undefined;
  for (const check of policy.checks) {
    if (only && !only.has(check.id)) continue;
    const res = out.requirementsMet
      ? await evaluateCheck(check, { ...base, dialect: check.regexType })
      : { id: check.id, title: check.title, result: 'not applicable' as const, reason: out.requirementsReason ?? '', rules: [] };
    if (check.vigil) res.vigil = check.vigil;
    out.checks.push(res);
    if (res.result === 'passed') out.counts.passed += 1;
    else if (res.result === 'failed') out.counts.failed += 1;
    else out.counts.notApplicable += 1;
  }
  return out;
}

async function evaluateCheck(check: ScaCheck, ctx: Ctx): Promise<CheckResult> {
  const { result, evidence } = await evaluateRules(check.condition, check.rules, ctx);
  return { id: check.id, title: check.title, result, reason: summarize(result, check.condition, evidence), rules: evidence };
}
