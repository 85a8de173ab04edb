/**
 * The seed's password rule (SPEC ): a password is strong only if it
 *   1. has at least 8 characters,
 *   2. uses at least 3 of: upper case, lower case, digits, other characters,
 *   3. is not the user name or the user name reversed (case-insensitive),
 *   4. is not in the weak dictionary (case-insensitive).
 * Used for passwords we can read in clear (service config files) and to say which rule a
 * cracked password broke.
 */

export type PasswordRule = 'min_length' | 'char_classes' | 'not_username' | 'not_reversed_username' | 'not_in_dictionary';

export const MIN_LENGTH = 8;
export const MIN_CLASSES = 3;

export interface PasswordVerdict {
  strong: boolean;
  failed: PasswordRule[];
}

export function characterClasses(password: string): number {
  let n = 0;
  if (/[A-Z]/.test(password)) n += 1;
  if (/[a-z]/.test(password)) n += 1;
  if (/[0-9]/.test(password)) n += 1;
  if (/[^A-Za-z0-9]/.test(password)) n += 1;
  return n;
}

export interface PasswordContext {
  user?: string;
  /** Lower-cased dictionary entries (a Set works; see `dictionaryFor` for per-user variants). */
  dictionary?: { has(lowerCaseWord: string): boolean };
}

export function checkPassword(password: string, ctx: PasswordContext = {}): PasswordVerdict {
  const failed: PasswordRule[] = [];
  if ([...password].length < MIN_LENGTH) failed.push('min_length');
  if (characterClasses(password) < MIN_CLASSES) failed.push('char_classes');
  const lower = password.toLowerCase();
  if (ctx.user) {
    const user = ctx.user.toLowerCase();
    if (lower === user) failed.push('not_username');
    if (lower === [...user].reverse().join('')) failed.push('not_reversed_username');
  }
  if (ctx.dictionary?.has(lower)) failed.push('not_in_dictionary');
  return { strong: failed.length === 0, failed };
}

export const RULE_TEXT: Record<PasswordRule, string> = {
  min_length: `shorter than ${MIN_LENGTH} characters`,
  char_classes: `uses fewer than ${MIN_CLASSES} of upper case, lower case, digits and symbols`,
  not_username: 'equals the user name',
  not_reversed_username: 'equals the user name reversed',
  not_in_dictionary: 'is in the weak-password dictionary',
};
