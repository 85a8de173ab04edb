const SECRET_KEY = /secret|password|passwd|token|signature|credential|privatekey|totp|captcha/i;
export const REDACTED = '******';
const MAX_VALUE_CHARS = 1024;
const MAX_KEYS = 200;

/**
 * Copies request params for the audit trail: values of secret-looking keys (and of keys the action
 * declares secret) are replaced; long values are cut so one hostile request cannot bloat the trail.
 */
export function redactParams(params: Record<string, unknown>, secretKeys: readonly string[] = []): Record<string, unknown> {
  const extra = new Set(secretKeys.map((k) => k.toLowerCase()));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(params)) {
    if (++n > MAX_KEYS) {
      out['…'] = `${Object.keys(params).length - MAX_KEYS} more parameters not recorded`;
      break;
    }
    const base = k.split('.')[0]?.toLowerCase() ?? '';
    if (SECRET_KEY.test(k) || extra.has(base)) out[k] = REDACTED;
    else out[k] = clip(v);
  }
  return out;
}

function clip(v: unknown): unknown {
  if (typeof v === 'string') return v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS)}…(${v.length} chars)` : v;
  if (v === null || typeof v !== 'object') return v;
  const s = JSON.stringify(v);
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…(${s.length} chars)` : v;
}
