import { redact, sha256Hex } from '../../engines/secrets/index.js';

const MAX_EXCERPT = 240;
const TOKEN = /[A-Za-z0-9+/=_\-.]+/y;
/** Long opaque tokens other than the located secret are masked too: a line may hold several. */
const OTHER_SECRETS = /(?<![A-Za-z0-9])(?!LTAI)[A-Za-z0-9+/_-]{20,}(?![A-Za-z0-9])/g;

/**
 * The line a secret was found on with the secret redacted (first 4 + `****` + last 2). The scanner
 * gives only the secret's hash and start column, so the token starting there is checked against
 * the hash; if it is not the secret, everything from the column on is cut off.
 */
export function redactedExcerpt(lineText: string, column: number, secretHash: string, redacted: string): string {
  const start = Math.max(0, column - 1);
  TOKEN.lastIndex = start;
  const m = TOKEN.exec(lineText);
  let out: string;
  const token = m?.[0] ?? '';
  let tail = '';
  if (token && sha256Hex(token) === secretHash) {
    out = lineText.slice(0, start) + redact(token);
    tail = lineText.slice(start + token.length);
  } else {
    // The secret may be shorter than the token run (e.g. a trailing `.`): try prefixes.
    let hit = 0;
    for (let n = token.length - 1; n >= 8 && hit === 0; n--) if (sha256Hex(token.slice(0, n)) === secretHash) hit = n;
    out = lineText.slice(0, start) + redacted;
    tail = hit > 0 ? lineText.slice(start + hit) : '';
  }
  const masked = (s: string) => s.replace(OTHER_SECRETS, (t) => redact(t));
  const text = (masked(out.slice(0, start)) + out.slice(start) + masked(tail)).trim();
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT)}…` : text;
}
