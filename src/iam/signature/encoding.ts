/** RFC 3986 strict percent-encoding as the Alibaba SDKs do it: only A–Z a–z 0–9 - _ . ~ stay literal. */
const UNRESERVED_ONLY = /^[A-Za-z0-9\-_.~]*$/;

export function percentEncode(value: string): string {
  // Most names and values (actions, ids, nonces, versions) need no escaping at all.
  if (UNRESERVED_ONLY.test(value)) return value;
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export class ParamDecodeError extends Error {}

/**
 * Decodes one `application/x-www-form-urlencoded` / query component. `+` means space (clients
 * always send a literal plus as %2B). Invalid percent escapes or invalid UTF-8 are refused.
 */
export function decodeComponent(raw: string): string {
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new ParamDecodeError(`malformed percent-encoding or invalid UTF-8 in "${raw.slice(0, 64)}"`);
  }
}

/** Splits `a=1&b=2` into decoded pairs, in order. Empty segments are skipped. */
export function parsePairs(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!raw) return out;
  for (const seg of raw.split('&')) {
    if (!seg) continue;
    const eq = seg.indexOf('=');
    const k = eq === -1 ? seg : seg.slice(0, eq);
    const v = eq === -1 ? '' : seg.slice(eq + 1);
    out.push([decodeComponent(k), decodeComponent(v)]);
  }
  return out;
}

/** Code-unit order, as the SDKs' `Object.keys(...).sort()`. */
export function sortedKeys(obj: Record<string, string>): string[] {
  return Object.keys(obj).sort();
}
