/**
 * Wazuh SCA policy model and loader. Policies are read UNCHANGED from Wazuh YAML; Vigil adds an
 * optional `vigil:` key (on the policy and on each check) that Wazuh ignores.
 */
import { parse as parseYaml } from 'yaml';
import { parseRule, type ParsedRule } from './rule-parser.js';
import type { RegexDialect } from './wazuh-regex.js';

export type Condition = 'all' | 'any' | 'none';
export type VigilCategory = 'weak_password' | 'unauthorized_access' | 'config_red_line' | 'historical_vulnerability';
export type VigilLevel = 'high' | 'medium' | 'low';

/**
 * How a failed check can be fixed. Nothing here is executed by the engine; the agent's fixer
 * (R-5.3) decides what it will apply automatically.
 * - `set_option`: make `file` contain `line` (replacing lines matching `match`), keep a backup.
 * - `command`: run a fixed command from the policy (never with host data interpolated).
 * - `manual`: only a text instruction.
 */
export type VigilFix =
  | { kind: 'set_option'; file: string; match: string; line: string; restart?: string }
  | { kind: 'command'; command: string; rollback?: string }
  | { kind: 'manual'; text: string };

export interface VigilCheckMeta {
  category: VigilCategory;
  level: VigilLevel;
  fix?: VigilFix;
  /** `recheck` re-runs the check; `command` runs a fixed verification command. */
  verify?: { kind: 'recheck' } | { kind: 'command'; command: string; expect: string };
}

export interface ScaCheck {
  id: number;
  title: string;
  description?: string;
  rationale?: string;
  remediation?: string;
  compliance?: Record<string, unknown>;
  condition: Condition;
  rules: ParsedRule[];
  regexType: RegexDialect;
  vigil?: VigilCheckMeta;
}

export interface ScaRequirements {
  title: string;
  condition: Condition;
  rules: ParsedRule[];
}

export interface ScaPolicy {
  id: string;
  file?: string;
  name: string;
  description?: string;
  requirements?: ScaRequirements;
  regexType: RegexDialect;
  variables: Record<string, string>;
  checks: ScaCheck[];
  vigil?: { category?: VigilCategory; level?: VigilLevel };
}

export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
}

const CATEGORIES: readonly VigilCategory[] = ['weak_password', 'unauthorized_access', 'config_red_line', 'historical_vulnerability'];
const LEVELS: readonly VigilLevel[] = ['high', 'medium', 'low'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string, where: string, required: true): string;
function str(o: Obj, key: string, where: string, required?: false): string | undefined;
function str(o: Obj, key: string, where: string, required = false): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw new PolicyLoadError(`${where}: missing "${key}"`);
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new PolicyLoadError(`${where}: "${key}" must be a string`);
  return String(v);
}

function condition(v: unknown, where: string): Condition {
  if (v === 'all' || v === 'any' || v === 'none') return v;
  throw new PolicyLoadError(`${where}: condition must be all, any or none (got ${JSON.stringify(v)})`);
}

function dialect(v: unknown, fallback: RegexDialect, where: string): RegexDialect {
  if (v === undefined || v === null) return fallback;
  if (v === 'pcre2' || v === 'osregex') return v;
  throw new PolicyLoadError(`${where}: regex_type must be pcre2 or osregex`);
}

function rules(v: unknown, where: string): ParsedRule[] {
  if (!Array.isArray(v) || v.length === 0) throw new PolicyLoadError(`${where}: "rules" must be a non-empty list`);
  return v.map((r, i) => {
    if (typeof r !== 'string') throw new PolicyLoadError(`${where}: rule ${i} must be a string`);
    try {
      return parseRule(r);
    } catch (e) {
      throw new PolicyLoadError(`${where}: rule ${i}: ${(e as Error).message}`);
    }
  });
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], key: string, where: string): T {
  const hit = allowed.find((a) => a === v);
  if (!hit) throw new PolicyLoadError(`${where}: vigil.${key} must be one of ${allowed.join(', ')}`);
  return hit;
}

function vigilFix(v: unknown, where: string): VigilFix {
  if (!isObj(v)) throw new PolicyLoadError(`${where}: vigil.fix must be a map`);
  const w = `${where} vigil.fix`;
  switch (v.kind) {
    case 'set_option': {
      const restart = str(v, 'restart', w);
      return {
        kind: 'set_option',
        file: str(v, 'file', w, true),
        match: str(v, 'match', w, true),
        line: str(v, 'line', w, true),
        ...(restart ? { restart } : {}),
      };
    }
    case 'command': {
      const rollback = str(v, 'rollback', w);
      return { kind: 'command', command: str(v, 'command', w, true), ...(rollback ? { rollback } : {}) };
    }
    case 'manual':
      return { kind: 'manual', text: str(v, 'text', w, true) };
    default:
      throw new PolicyLoadError(`${w}: kind must be set_option, command or manual`);
  }
}

function vigilCheck(v: unknown, defaults: ScaPolicy['vigil'], where: string): VigilCheckMeta | undefined {
  if (v === undefined || v === null) {
    if (defaults?.category && defaults.level) return { category: defaults.category, level: defaults.level };
    return undefined;
  }
  if (!isObj(v)) throw new PolicyLoadError(`${where}: vigil must be a map`);
  const meta: VigilCheckMeta = {
    category: oneOf(v.category ?? defaults?.category, CATEGORIES, 'category', where),
    level: oneOf(v.level ?? defaults?.level, LEVELS, 'level', where),
  };
  if (v.fix !== undefined) meta.fix = vigilFix(v.fix, where);
  if (v.verify !== undefined) {
    if (v.verify === 'recheck') meta.verify = { kind: 'recheck' };
    else if (isObj(v.verify) && v.verify.kind === 'command') {
      meta.verify = {
        kind: 'command',
        command: str(v.verify, 'command', `${where} vigil.verify`, true),
        expect: str(v.verify, 'expect', `${where} vigil.verify`, true),
      };
    } else throw new PolicyLoadError(`${where}: vigil.verify must be "recheck" or {kind: command, command, expect}`);
  }
  return meta;
}

/** Parses one SCA policy document. Throws PolicyLoadError naming the offending element. */
export function loadPolicy(yamlText: string): ScaPolicy {
  let doc: unknown;
  try {
    doc = parseYaml(yamlText, { maxAliasCount: 100 });
  } catch (e) {
    throw new PolicyLoadError(`YAML: ${(e as Error).message}`);
  }
  if (!isObj(doc)) throw new PolicyLoadError('policy document must be a map');
  const p = doc.policy;
  if (!isObj(p)) throw new PolicyLoadError('missing "policy" section');
  const policyDialect = dialect(p.regex_type, 'pcre2', 'policy');
  const policy: ScaPolicy = {
    id: str(p, 'id', 'policy', true),
    name: str(p, 'name', 'policy', true),
    regexType: policyDialect,
    variables: {},
    checks: [],
  };
  const file = str(p, 'file', 'policy');
  if (file) policy.file = file;
  const description = str(p, 'description', 'policy');
  if (description) policy.description = description;
  if (isObj(p.vigil)) {
    policy.vigil = {};
    if (p.vigil.category !== undefined) policy.vigil.category = oneOf(p.vigil.category, CATEGORIES, 'category', 'policy');
    if (p.vigil.level !== undefined) policy.vigil.level = oneOf(p.vigil.level, LEVELS, 'level', 'policy');
  }

  if (doc.variables !== undefined && doc.variables !== null) {
    if (!isObj(doc.variables)) throw new PolicyLoadError('"variables" must be a map');
    for (const [k, v] of Object.entries(doc.variables)) {
      if (!k.startsWith('$')) throw new PolicyLoadError(`variable "${k}" must start with $`);
      policy.variables[k] = String(v);
    }
  }

  if (doc.requirements !== undefined && doc.requirements !== null) {
    const r = doc.requirements;
    if (!isObj(r)) throw new PolicyLoadError('"requirements" must be a map');
    policy.requirements = {
      title: str(r, 'title', 'requirements') ?? str(r, 'name', 'requirements') ?? 'requirements',
      condition: condition(r.condition, 'requirements'),
      rules: rules(r.rules, 'requirements'),
    };
  }

  if (!Array.isArray(doc.checks)) throw new PolicyLoadError('"checks" must be a list');
  const seen = new Set<number>();
  doc.checks.forEach((c, i) => {
    if (!isObj(c)) throw new PolicyLoadError(`check #${i} must be a map`);
    const id = Number(c.id);
    const where = `check ${Number.isInteger(id) ? id : `#${i}`}`;
    if (!Number.isInteger(id) || id <= 0) throw new PolicyLoadError(`${where}: "id" must be a positive integer`);
    if (seen.has(id)) throw new PolicyLoadError(`${where}: duplicate id`);
    seen.add(id);
    const title = str(c, 'title', where) ?? str(c, 'name', where);
    if (!title) throw new PolicyLoadError(`${where}: missing "title" or "name"`);
    const check: ScaCheck = {
      id,
      title,
      condition: condition(c.condition, where),
      rules: rules(c.rules, where),
      regexType: dialect(c.regex_type, policyDialect, where),
    };
    for (const k of ['description', 'rationale', 'remediation'] as const) {
      const v = str(c, k, where);
      if (v) check[k] = v;
    }
    if (isObj(c.compliance)) check.compliance = c.compliance;
    const meta = vigilCheck(c.vigil, policy.vigil, where);
    if (meta) check.vigil = meta;
    policy.checks.push(check);
  });
  return policy;
}
