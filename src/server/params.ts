import type { TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { VigilError } from '../domain/errors.js';

/** Params every POP request carries that are not the action's own. */
export const COMMON_PARAMS = new Set([
  'Action', 'Version', 'Format', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce',
  'SignatureType', 'Timestamp', 'SecurityToken', 'RegionId', 'ResourceOwnerAccount', 'ResourceOwnerId', 'OwnerId', 'OwnerAccount',
]);

const MAX_LIST_ITEMS = 1000;

function missing(name: string): VigilError {
  return new VigilError('MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
}

function scalar(name: string, schema: TSchema, raw: string): unknown {
  switch (schema.type) {
    case 'integer':
    case 'number': {
      if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw new VigilError('InvalidParameter', `The parameter "${name}" must be a number; got "${raw.slice(0, 40)}".`);
      const n = Number(raw);
      if (schema.type === 'integer' && !Number.isSafeInteger(n)) throw new VigilError('InvalidParameter', `The parameter "${name}" must be an integer.`);
      return n;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new VigilError('InvalidParameter', `The parameter "${name}" must be true or false; got "${raw.slice(0, 40)}".`);
    default:
      return raw;
  }
}

/** Collects `Name.1`, `Name.2` … (1-based, as the SDKs flatten lists) into an array. */
function list(name: string, items: TSchema, flat: Map<string, string>): unknown[] | undefined {
  const byIndex = new Map<number, Map<string, string> | string>();
  const prefix = name + '.';
  for (const [k, v] of flat) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    const dot = rest.indexOf('.');
    const idxText = dot === -1 ? rest : rest.slice(0, dot);
    if (!/^[1-9]\d{0,5}$/.test(idxText)) throw new VigilError('InvalidParameter', `The parameter "${k}" has an invalid list index.`);
    const idx = Number(idxText);
    if (idx > MAX_LIST_ITEMS) throw new VigilError('InvalidParameter', `The list "${name}" has more than ${MAX_LIST_ITEMS} items.`);
    if (dot === -1) byIndex.set(idx, v);
    else {
      const sub = byIndex.get(idx);
      const m = sub instanceof Map ? sub : new Map<string, string>();
      m.set(rest.slice(dot + 1), v);
      byIndex.set(idx, m);
    }
  }
  if (byIndex.size === 0) return undefined;
  const out: unknown[] = [];
  for (const idx of [...byIndex.keys()].sort((a, b) => a - b)) {
    const entry = byIndex.get(idx) as Map<string, string> | string;
    const itemName = `${name}.${idx}`;
    if (items.type === 'object') {
      if (typeof entry === 'string') throw new VigilError('InvalidParameter', `The parameter "${itemName}" must have sub-fields.`);
      out.push(objectFrom(itemName, items as TObject, entry));
    } else {
      if (typeof entry !== 'string') throw new VigilError('InvalidParameter', `The parameter "${itemName}" must be a single value.`);
      out.push(scalar(itemName, items, entry));
    }
  }
  return out;
}

function objectFrom(name: string, schema: TObject, flat: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    const full = name ? `${name}.${key}` : key;
    if (prop.type === 'array') {
      const arr = list(key, prop.items as TSchema, flat);
      if (arr !== undefined) out[key] = arr;
    } else if (flat.has(key)) {
      out[key] = scalar(full, prop, flat.get(key) as string);
    }
  }
  return out;
}

/** Compiled checkers per schema (the catalog's schemas live for the process); null = not compilable. */
const checkers = new WeakMap<TObject, TypeCheck<TObject> | null>();

function checker(schema: TObject): TypeCheck<TObject> | null {
  let c = checkers.get(schema);
  if (c === undefined) {
    try {
      c = TypeCompiler.Compile(schema);
    } catch {
      c = null;
    }
    checkers.set(schema, c);
  }
  return c;
}

function validate(schema: TObject, value: Record<string, unknown>): Record<string, unknown> {
  for (const key of schema.required ?? []) if (value[key] === undefined || value[key] === '') throw missing(key);
  // Fast path: a compiled check; the (slower) error walk only runs to explain a failure.
  if (checker(schema)?.Check(value)) return value;
  const first = Value.Errors(schema, value).First();
  if (first) {
    const path = first.path.replace(/^\//, '').replace(/\/(\d+)/g, '.$1').replace(/\//g, '.');
    throw new VigilError('InvalidParameter', `The parameter "${path || '(body)'}" is invalid: ${first.message}.`);
  }
  return value;
}

/** Wire params (every value a string, lists flattened) → typed params checked against the schema. */
export function coerceWireParams(schema: TObject, flat: Map<string, string>): Record<string, unknown> {
  return validate(schema, objectFrom('', schema, flat));
}

/** Console JSON params → typed params (digit strings become numbers etc.), checked against the schema. */
export function coerceJsonParams(schema: TObject, body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new VigilError('InvalidParameter', 'The request body must be a JSON object of parameters.');
  const known: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) if (key in (body as Record<string, unknown>)) known[key] = (body as Record<string, unknown>)[key];
  return validate(schema, Value.Convert(schema, known) as Record<string, unknown>);
}
