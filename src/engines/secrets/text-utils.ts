import { createHash } from 'node:crypto';

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** First 4 + `****` + last 2; short values are fully masked. */
export function redact(secret: string): string {
  if (secret.length < 10) return '****';
  return `${secret.slice(0, 4)}****${secret.slice(-2)}`;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
