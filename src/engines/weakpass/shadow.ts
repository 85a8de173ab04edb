/** `/etc/shadow` parsing and hash-scheme identification (crypt(5) prefixes). */

export type HashScheme =
  | 'yescrypt'
  | 'gost-yescrypt'
  | 'scrypt'
  | 'sha512crypt'
  | 'sha256crypt'
  | 'md5crypt'
  | 'bcrypt'
  | 'descrypt'
  | 'empty'
  | 'locked'
  | 'unknown';

export interface ShadowEntry {
  user: string;
  /** The raw password field. Never leaves the host. */
  hash: string;
  scheme: HashScheme;
  /** Line number in the file, for evidence. */
  lineNo: number;
}

export function identifyScheme(field: string): HashScheme {
  if (field === '') return 'empty';
  if (field.startsWith('!') || field.startsWith('*')) return 'locked';
  if (field.startsWith('$y$')) return 'yescrypt';
  if (field.startsWith('$gy$')) return 'gost-yescrypt';
  if (field.startsWith('$7$')) return 'scrypt';
  if (field.startsWith('$6$')) return 'sha512crypt';
  if (field.startsWith('$5$')) return 'sha256crypt';
  if (field.startsWith('$1$')) return 'md5crypt';
  if (/^\$2[abxy]\$\d\d\$/.test(field)) return 'bcrypt';
  if (/^[./0-9A-Za-z]{13}$/.test(field)) return 'descrypt';
  return 'unknown';
}

/** Schemes we try candidates against. */
export const CRACKABLE: ReadonlySet<HashScheme> = new Set<HashScheme>([
  'yescrypt',
  'gost-yescrypt',
  'scrypt',
  'sha512crypt',
  'sha256crypt',
  'md5crypt',
  'bcrypt',
  'descrypt',
]);

/** Bounded: at most `maxEntries` lines, lines over 4 KiB skipped. */
export function parseShadow(text: string, maxEntries = 10_000): ShadowEntry[] {
  const out: ShadowEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && out.length < maxEntries; i += 1) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.length === 0 || line.length > 4096 || line.startsWith('#')) continue;
    const parts = line.split(':');
    if (parts.length < 2) continue;
    const user = parts[0] as string;
    const hash = parts[1] as string;
    if (user.length === 0) continue;
    out.push({ user, hash, scheme: identifyScheme(hash), lineNo: i + 1 });
  }
  return out;
}
