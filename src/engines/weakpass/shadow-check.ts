/**
 * System-account weak passwords: hash dictionary candidates with the account's own crypt setting
 * and compare. Stops at the first hit per account; bounded per account by a candidate cap (by
 * scheme cost) and by wall time (clock passed in). Hashes and passwords never leave this module's
 * caller: findings name the account, the dictionary part and the broken rules only.
 */
import { candidatesFor, dictionaryFor, type WeakDictionary } from './dictionary.js';
import { systemFix, type WeakpassFinding } from './findings.js';
import { checkPassword } from './password-rules.js';
import { CRACKABLE, type HashScheme, type ShadowEntry } from './shadow.js';

export interface PasswordHasher {
  /** True when crypt(password, storedHash) reproduces storedHash (constant-time comparison). */
  verify(password: string, storedHash: string): Promise<boolean>;
}

/** Default candidate caps: slow, memory-hard schemes get far fewer tries. */
export const DEFAULT_CANDIDATE_CAPS: Record<HashScheme, number> = {
  yescrypt: 400,
  'gost-yescrypt': 400,
  scrypt: 400,
  bcrypt: 400,
  sha512crypt: 5000,
  sha256crypt: 5000,
  md5crypt: 10_000,
  descrypt: 10_000,
  empty: 0,
  locked: 0,
  unknown: 0,
};

export interface ShadowCheckOptions {
  dictionary: WeakDictionary;
  hasher: PasswordHasher;
  /** Milliseconds clock (e.g. `performance.now`). */
  now: () => number;
  maxMillisPerAccount?: number;
  candidateCaps?: Partial<Record<HashScheme, number>>;
  /** Shown in findings; default `/etc/shadow`. */
  target?: string;
}

export type AccountStatus = 'weak' | 'empty' | 'locked' | 'not_found' | 'unsupported';

export interface AccountOutcome {
  user: string;
  scheme: HashScheme;
  status: AccountStatus;
  tried: number;
  /** The cap or the time budget ended the search before the list did. */
  stoppedByBudget: boolean;
  elapsedMs: number;
}

export interface ShadowCheckResult {
  findings: WeakpassFinding[];
  accounts: AccountOutcome[];
}

export async function checkShadow(entries: readonly ShadowEntry[], opts: ShadowCheckOptions): Promise<ShadowCheckResult> {
  const target = opts.target ?? '/etc/shadow';
  const maxMillis = opts.maxMillisPerAccount ?? 30_000;
  const findings: WeakpassFinding[] = [];
  const accounts: AccountOutcome[] = [];
  for (const e of entries) {
    const base = { user: e.user, scheme: e.scheme, tried: 0, stoppedByBudget: false, elapsedMs: 0 };
    if (e.scheme === 'empty') {
      accounts.push({ ...base, status: 'empty' });
      findings.push({
        kind: 'empty_password',
        category: 'weak_password',
        level: 'high',
        service: 'system',
        account: e.user,
        target,
        reason: `account ${e.user} has an empty password field (line ${e.lineNo}): anyone can log in without a password`,
        fix: systemFix(e.user),
      });
      continue;
    }
    if (e.scheme === 'locked') {
      accounts.push({ ...base, status: 'locked' });
      continue;
    }
    if (!CRACKABLE.has(e.scheme)) {
      accounts.push({ ...base, status: 'unsupported' });
      continue;
    }
    const cap = opts.candidateCaps?.[e.scheme] ?? DEFAULT_CANDIDATE_CAPS[e.scheme];
    const candidates = candidatesFor(e.user, opts.dictionary);
    const start = opts.now();
    let tried = 0;
    let hit: (typeof candidates)[number] | undefined;
    let stoppedByBudget = false;
    for (const c of candidates) {
      if (tried >= cap || opts.now() - start > maxMillis) {
        stoppedByBudget = true;
        break;
      }
      tried += 1;
      if (await opts.hasher.verify(c.password, e.hash)) {
        hit = c;
        break;
      }
    }
    const elapsedMs = opts.now() - start;
    if (!hit) {
      accounts.push({ user: e.user, scheme: e.scheme, status: 'not_found', tried, stoppedByBudget, elapsedMs });
      continue;
    }
    accounts.push({ user: e.user, scheme: e.scheme, status: 'weak', tried, stoppedByBudget: false, elapsedMs });
    const verdict = checkPassword(hit.password, { user: e.user, dictionary: dictionaryFor(e.user, opts.dictionary) });
    findings.push({
      kind: 'weak_password',
      category: 'weak_password',
      level: 'high',
      service: 'system',
      account: e.user,
      target,
      reason: `the ${e.scheme} password of ${e.user} was guessed from the ${hit.source.replace('_', ' ')} (candidate ${tried})`,
      candidateSource: hit.source,
      brokenRules: verdict.failed,
      fix: systemFix(e.user),
    });
  }
  return { findings, accounts };
}
