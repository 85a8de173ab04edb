/**
 * parsePolicyDocument: policy text → validated, normalised PolicyDocument, or errors that name
 * the bad element (`Statement[2].Condition.IpAddress["acs:SourceIp"]: "10.0.0.300" is not an IP
 * address or CIDR (IPv4 or IPv6)`). Statement indexes are 0-based, as in the JSON.
 * Unknown Security Center actions are warnings (the catalog grows; a typo should still be seen).
 */
import { checkConditionValue, isConditionOperator, OPERATOR_SPECS, SUPPLIED_CONDITION_KEYS } from './conditions.js';
import { globMatch, hasWildcard } from './glob.js';
import { formatJsonPath, parseStrictJson, type JsonObject, type JsonValue } from './strict-json.js';
import {
  CONDITION_OPERATORS,
  type ConditionBlock,
  type ConditionKeyValues,
  type ConditionScalar,
  type ParsePolicyResult,
  type PolicyDocument,
  type PolicyError,
  type PolicyErrorCode,
  type PolicyStatement,
  type PolicyWarning,
} from './types.js';

/** RAM's documented limit for a custom policy document is 6,144 characters; longer text is refused unread. */
export const MAX_POLICY_DOCUMENT_LENGTH = 6144;
/** A valid document nests 6 deep (root → Statement → statement → Condition → operator → values). */
export const MAX_POLICY_NESTING = 16;

export interface ParsePolicyOptions {
  /** Known RAM actions (`yundun-sas:X`, `yundun-aegis:Y`); enables the unknown-action warnings. */
  knownActions?: ReadonlySet<string>;
}

const TOP_KEYS = ['Version', 'Statement'];
const STATEMENT_KEYS = ['Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const ACTION = /^[A-Za-z0-9*?_.-]+:[A-Za-z0-9*?_.-]+$/;
const ARN_SERVICE = /^[A-Za-z0-9*?_-]+$/;
const ARN_SCOPE = /^[A-Za-z0-9*?_-]*$/;
const CONTROL = /[\s\p{Cc}]/u;
const WARNED_SERVICES = new Set(['yundun-sas', 'yundun-aegis']);

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function child(path: string, seg: string | number): string {
  const s = formatJsonPath([seg]);
  if (path === '') return s;
  return s.startsWith('[') ? path + s : `${path}.${s}`;
}

function describeKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
}

class Validator {
  readonly errors: PolicyError[] = [];
  readonly warnings: PolicyWarning[] = [];
  private readonly known: Set<string> | undefined;
  private readonly knownList: string[];

  constructor(options: ParsePolicyOptions) {
    this.knownList = options.knownActions ? [...options.knownActions].map((a) => a.toLowerCase()) : [];
    this.known = options.knownActions ? new Set(this.knownList) : undefined;
  }

  error(code: PolicyErrorCode, path: string, text: string): void {
    const where = path === '' ? '(document)' : path;
    this.errors.push({ code, path: where, message: `${where}: ${text}` });
  }

  warn(path: string, text: string): void {
    this.warnings.push({ path, message: `${path}: ${text}` });
  }

  unknownKeys(obj: JsonObject, allowed: string[], path: string): void {
    for (const k of Object.keys(obj)) {
      if (allowed.includes(k)) continue;
      const hint = allowed.find((a) => a.toLowerCase() === k.toLowerCase());
      const extra =
        k === 'Principal'
          ? '; Principal belongs only in resource-based policies such as a role trust policy'
          : hint
            ? `; element names are case-sensitive: did you mean ${hint}?`
            : `; allowed: ${allowed.join(', ')}`;
      this.error('UnknownElement', child(path, k), `unknown element${extra}`);
    }
  }

  document(root: JsonValue): PolicyDocument | null {
    if (!isObject(root)) {
      this.error('WrongType', '', `must be a JSON object {"Version":"1","Statement":[...]}, got ${typeName(root)}`);
      return null;
    }
    this.unknownKeys(root, TOP_KEYS, '');
    const version = root['Version'];
    if (version === undefined) this.error('MissingElement', 'Version', 'missing; must be "1"');
    else if (version !== '1') this.error('InvalidValue', 'Version', `must be the string "1", got ${JSON.stringify(version)}`);
    const stmts = root['Statement'];
    const out: PolicyStatement[] = [];
    if (stmts === undefined) this.error('MissingElement', 'Statement', 'missing; must be a non-empty list of statements');
    else if (!Array.isArray(stmts)) this.error('WrongType', 'Statement', `must be a list of statements, got ${typeName(stmts)}`);
    else if (stmts.length === 0) this.error('InvalidValue', 'Statement', 'must contain at least one statement');
    else {
      stmts.forEach((s, i) => {
        const st = this.statement(s, `Statement[${i}]`);
        if (st) out.push(st);
      });
    }
    return this.errors.length === 0 ? { Version: '1', Statement: out } : null;
  }

  statement(s: JsonValue, path: string): PolicyStatement | null {
    if (!isObject(s)) {
      this.error('WrongType', path, `a statement must be an object, got ${typeName(s)}`);
      return null;
    }
    const before = this.errors.length;
    this.unknownKeys(s, STATEMENT_KEYS, path);
    const effect = s['Effect'];
    if (effect === undefined) this.error('MissingElement', child(path, 'Effect'), 'missing; must be "Allow" or "Deny"');
    else if (effect !== 'Allow' && effect !== 'Deny') {
      this.error('InvalidValue', child(path, 'Effect'), `must be "Allow" or "Deny", got ${JSON.stringify(effect)}`);
    }
    const actions = this.pair(s, path, 'Action', 'NotAction', (v, p) => this.action(v, p));
    const resources = this.pair(s, path, 'Resource', 'NotResource', (v, p) => this.resource(v, p));
    const cond = s['Condition'] === undefined ? undefined : this.condition(s['Condition'], child(path, 'Condition'));
    if (this.errors.length > before || actions === null || resources === null) return null;
    const st: PolicyStatement = { Effect: effect as PolicyStatement['Effect'] };
    st[actions.name as 'Action' | 'NotAction'] = actions.list;
    st[resources.name as 'Resource' | 'NotResource'] = resources.list;
    if (cond) st.Condition = cond;
    return st;
  }

  /** Exactly one of `a`/`b`, as a string or a non-empty list of strings. */
  pair(
    s: JsonObject,
    path: string,
    a: string,
    b: string,
    check: (v: string, p: string) => void,
  ): { name: string; list: string[] } | null {
    const hasA = s[a] !== undefined;
    const hasB = s[b] !== undefined;
    if (hasA && hasB) {
      this.error('InvalidValue', path, `has both ${a} and ${b}; use exactly one`);
      return null;
    }
    if (!hasA && !hasB) {
      this.error('MissingElement', path, `needs ${a} or ${b}`);
      return null;
    }
    const name = hasA ? a : b;
    const p = child(path, name);
    const v = s[name];
    const list = this.stringList(v, p);
    if (list === null) return null;
    list.forEach((item, i) => check(item, Array.isArray(v) ? child(p, i) : p));
    return { name, list };
  }

  stringList(v: JsonValue | undefined, path: string): string[] | null {
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v)) {
      this.error('WrongType', path, `must be a string or a non-empty list of strings, got ${typeName(v)}`);
      return null;
    }
    if (v.length === 0) {
      this.error('InvalidValue', path, 'must not be an empty list');
      return null;
    }
    let ok = true;
    v.forEach((item, i) => {
      if (typeof item !== 'string') {
        this.error('WrongType', child(path, i), `must be a string, got ${typeName(item)}`);
        ok = false;
      }
    });
    return ok ? (v as string[]) : null;
  }

  action(a: string, path: string): void {
    if (a !== '*' && !ACTION.test(a)) {
      this.error('InvalidValue', path, `${JSON.stringify(a)} is not an action; expected "<service>:<ActionName>" or "*"`);
      return;
    }
    if (!this.known || a === '*') return;
    const lower = a.toLowerCase();
    const service = lower.slice(0, lower.indexOf(':'));
    if (!WARNED_SERVICES.has(service)) return;
    if (hasWildcard(lower)) {
      if (!this.knownList.some((k) => globMatch(lower, k))) {
        this.warn(path, `${JSON.stringify(a)} matches no known Security Center action`);
      }
    } else if (!this.known.has(lower)) {
      this.warn(path, `${JSON.stringify(a)} is not a known Security Center action`);
    }
  }

  resource(r: string, path: string): void {
    if (r === '*') return;
    const parts = r.split(':');
    const relative = parts.slice(4).join(':');
    const ok =
      parts.length >= 5 &&
      parts[0] === 'acs' &&
      ARN_SERVICE.test(parts[1] ?? '') &&
      ARN_SCOPE.test(parts[2] ?? '') &&
      ARN_SCOPE.test(parts[3] ?? '') &&
      relative !== '' &&
      !CONTROL.test(relative);
    if (!ok) {
      this.error(
        'InvalidValue',
        path,
        `${JSON.stringify(r)} is not a resource; expected "*" or "acs:<service>:<region>:<account-id>:<relative-id>"`,
      );
    }
  }

  condition(c: JsonValue, path: string): ConditionBlock | undefined {
    if (!isObject(c)) {
      this.error('WrongType', path, `must be an object of operators, got ${typeName(c)}`);
      return undefined;
    }
    const out: ConditionBlock = Object.create(null) as ConditionBlock;
    for (const op of Object.keys(c)) {
      const p = child(path, op);
      if (!isConditionOperator(op)) {
        this.unknownOperator(op, p);
        continue;
      }
      const keys = c[op];
      if (!isObject(keys)) {
        this.error('WrongType', p, `must be an object of condition keys, got ${typeName(keys)}`);
        continue;
      }
      if (Object.keys(keys).length === 0) {
        this.error('InvalidValue', p, 'has no condition keys');
        continue;
      }
      const kv = Object.create(null) as ConditionKeyValues;
      for (const key of Object.keys(keys)) {
        const values = this.conditionValues(op, key, keys[key], child(p, key));
        if (values) kv[key] = values;
      }
      out[op] = kv;
    }
    return out;
  }

  unknownOperator(op: string, path: string): void {
    const same = CONDITION_OPERATORS.find((o) => o.toLowerCase() === op.toLowerCase());
    let hint = '';
    if (same) hint = `; operator names are case-sensitive: did you mean ${same}?`;
    else if (/IfExists$|^ForAnyValue:|^ForAllValues:|^Null$|^Arn|^Binary/.test(op)) {
      hint = '; RAM documents no such operator';
    } else hint = '; use a String*, Numeric*, Date*, Bool, IpAddress or NotIpAddress operator';
    this.error('UnknownOperator', path, `unknown condition operator ${describeKey(op)}${hint}`);
  }

  conditionValues(
    op: (typeof CONDITION_OPERATORS)[number],
    key: string,
    raw: JsonValue | undefined,
    path: string,
  ): ConditionScalar[] | null {
    if (!/^[^:\s]+:[^\s]+$/.test(key)) {
      this.error('InvalidValue', path, `${JSON.stringify(key)} is not a condition key; expected "<prefix>:<name>"`);
      return null;
    }
    const list = Array.isArray(raw) ? raw : [raw];
    if (Array.isArray(raw) && raw.length === 0) {
      this.error('InvalidValue', path, 'must not be an empty list');
      return null;
    }
    const out: ConditionScalar[] = [];
    list.forEach((v, i) => {
      const p = Array.isArray(raw) ? child(path, i) : path;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        this.error('WrongType', p, `a condition value must be a string, number or boolean, got ${typeName(v)}`);
        return;
      }
      const why = checkConditionValue(op, v);
      if (why !== null) this.error('InvalidValue', p, why);
      else out.push(v);
    });
    const supplied = SUPPLIED_CONDITION_KEYS.get(key.toLowerCase());
    const kind = OPERATOR_SPECS[op].kind;
    if (!supplied) {
      this.warn(path, `condition key ${JSON.stringify(key)} is not supplied by Vigil; requests never carry it`);
    } else if (kind !== 'string' && kind !== supplied.kind) {
      this.warn(path, `${op} compares ${kind} values but ${supplied.name} is a ${supplied.kind} key`);
    }
    return out.length === list.length ? out : null;
  }
}

export function validatePolicyValue(value: JsonValue, options: ParsePolicyOptions = {}): ParsePolicyResult {
  const v = new Validator(options);
  const document = v.document(value);
  if (document === null) return { ok: false, errors: v.errors };
  return { ok: true, document, warnings: v.warnings };
}

export function parsePolicyDocument(text: string, options: ParsePolicyOptions = {}): ParsePolicyResult {
  const parsed = parseStrictJson(text, { maxLength: MAX_POLICY_DOCUMENT_LENGTH, maxDepth: MAX_POLICY_NESTING });
  if (parsed.ok) return validatePolicyValue(parsed.value, options);
  const e = parsed.error;
  const path = formatJsonPath(e.path);
  const message =
    e.code === 'TooLarge'
      ? `(document): the policy document has ${text.length} characters; RAM allows at most ${MAX_POLICY_DOCUMENT_LENGTH}`
      : `${path}: ${e.message}`;
  return { ok: false, errors: [{ code: e.code, path, message }] };
}
