/**
 * Weak-password candidates: shipped word lists (rules/weakpass/*.txt), generated keyboard walks,
 * and per-account variants of the user name. Pure: callers pass the list texts and the years.
 */

export interface Candidate {
  password: string;
  source: CandidateSource;
}

export type CandidateSource = 'username_variant' | 'common_list' | 'phrase_list' | 'keyboard_walk';

const COMMENT = '#!comment:';

/** One password per line; `#!comment:` lines (john's convention) and empty lines are skipped. */
export function parseWordList(text: string, max = 100_000): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0 || line.startsWith(COMMENT)) continue;
    out.push(line);
    if (out.length >= max) break;
  }
  return out;
}

const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const SHIFTED_DIGITS = '!@#$%^&*()';

/**
 * Keyboard walks: runs of 6–10 keys along a row (both directions), column walks such as
 * `1qaz2wsx` / `zaq12wsx`, with their common Shift variants (`1qaz@WSX`, `!QAZ2wsx`), and
 * row-prefix + digits combos (`qwer1234`, `asdf123`).
 */
export function keyboardWalks(): string[] {
  const out = new Set<string>();
  for (const row of ROWS) {
    for (let len = 6; len <= row.length; len += 1) {
      for (let i = 0; i + len <= row.length; i += 1) {
        const run = row.slice(i, i + len);
        out.add(run);
        out.add([...run].reverse().join(''));
      }
    }
  }
  // Columns: digit row key i, then the keys below it.
  const columns: string[] = [];
  for (let i = 0; i < 8; i += 1) columns.push(ROWS.map((r) => r[i] ?? '').join(''));
  const shiftCol = (c: string, i: number): string => `${SHIFTED_DIGITS[i] ?? ''}${c.slice(1).toUpperCase()}`;
  for (let start = 0; start < columns.length; start += 1) {
    for (let n = 2; n <= 4 && start + n <= columns.length; n += 1) {
      const cols = columns.slice(start, start + n);
      out.add(cols.join(''));
      out.add(cols.map((c) => [...c].reverse().join('')).join(''));
      out.add(cols.map((c, k) => (k === 0 ? [...c].reverse().join('') : c)).join(''));
      out.add(cols.map((c, k) => (k % 2 === 1 ? shiftCol(c, start + k) : c)).join(''));
      out.add(cols.map((c, k) => (k % 2 === 0 ? shiftCol(c, start + k) : c)).join(''));
      out.add(cols.map((c, k) => (k === 0 ? c.slice(0, 1) + c.slice(1).toUpperCase() : c)).join(''));
    }
  }
  for (const prefix of ['qwe', 'qwer', 'qwert', 'asd', 'asdf', 'zxc', 'zxcv', 'abc', 'abcd']) {
    for (const digits of ['123', '1234', '12345', '123456', '!@#', '!@#$']) {
      out.add(prefix + digits);
      out.add(prefix[0]?.toUpperCase() + prefix.slice(1) + digits);
      out.add(digits + prefix);
    }
  }
  for (const extra of ['qazwsx', 'qazwsxedc', 'qweasd', 'qweasdzxc', '1q2w3e', '1q2w3e4r', '1q2w3e4r5t', 'q1w2e3r4', 'zaq1xsw2', '!qaz@wsx', '1qaz!QAZ', 'asdfjkl;', 'qwertyuiop[]']) {
    out.add(extra);
  }
  return [...out];
}

/** Variants of the account name: `<user>`, `<user>123`, `<user>@123`, reversed, Capitalised+year … */
export function userVariants(user: string, years: readonly number[]): string[] {
  if (user.length === 0) return [];
  const cap = user[0]?.toUpperCase() + user.slice(1);
  const rev = [...user].reverse().join('');
  const out = new Set<string>([user, rev, cap, user.toUpperCase(), `${user}${user}`]);
  for (const base of [user, cap]) {
    for (const suffix of ['1', '12', '123', '1234', '12345', '123456', '@123', '#123', '_123', '.123', '!', '@', '123!', '!@#', '@123456', '888', '666', '520', '1314']) {
      out.add(base + suffix);
    }
    for (const y of years) {
      out.add(`${base}${y}`);
      out.add(`${base}@${y}`);
      out.add(`${base}#${y}`);
      out.add(`${base}${y}!`);
    }
  }
  out.add(`123${user}`);
  out.add(`${rev}123`);
  return [...out];
}

export interface DictionaryInput {
  commonList: string;
  phraseList: string;
  /** Years for `<User><year>` variants (e.g. the last 10 years, passed in by the host). */
  years: readonly number[];
}

export interface WeakDictionary {
  /** Shared candidates in trial order (phrases, then common, then walks). */
  shared: Candidate[];
  /** Lower-cased set of every shared entry, for the rule checker. */
  lowerSet: ReadonlySet<string>;
  years: readonly number[];
}

export function buildDictionary(input: DictionaryInput): WeakDictionary {
  const seen = new Set<string>();
  const shared: Candidate[] = [];
  const add = (password: string, source: CandidateSource): void => {
    if (seen.has(password)) return;
    seen.add(password);
    shared.push({ password, source });
  };
  for (const p of parseWordList(input.phraseList)) add(p, 'phrase_list');
  for (const p of parseWordList(input.commonList)) add(p, 'common_list');
  for (const p of keyboardWalks()) add(p, 'keyboard_walk');
  return { shared, lowerSet: new Set(shared.map((c) => c.password.toLowerCase())), years: input.years };
}

/** Candidates for one account: its user-name variants first (cheapest bet), then the shared list. */
export function candidatesFor(user: string, dict: WeakDictionary): Candidate[] {
  const own = userVariants(user, dict.years).map((password) => ({ password, source: 'username_variant' as const }));
  const ownSet = new Set(own.map((c) => c.password));
  return [...own, ...dict.shared.filter((c) => !ownSet.has(c.password))];
}

/** The weak dictionary as seen for one account: shared lists plus that user's name variants. */
export function dictionaryFor(user: string, dict: WeakDictionary): { has(lowerCaseWord: string): boolean } {
  const own = new Set(userVariants(user, dict.years).map((w) => w.toLowerCase()));
  return { has: (w) => dict.lowerSet.has(w) || own.has(w) };
}
