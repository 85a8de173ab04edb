import type { SecretConfidence } from './types.js';

/** A pattern rule: `re` must be global; the secret is capture group `group` (default 1). */
export interface SecretRule {
  id: string;
  provider: string;
  /**
   * Literals (≥ 3 ASCII characters) of which every match contains one; compared case-insensitively
   * when `re` has the `i` flag. The rule runs only in windows around them (or on the whole text, `whole`).
   */
  keywords: readonly string[];
  re: RegExp;
  /** Window around a keyword's first byte: how far before it a match (with its look-behind) can start… */
  before: number;
  /** …and how far after it a match (with its look-ahead) can end. Both leave ≥ 1 character of margin. */
  after: number;
  /** Unbounded runs: also extend the window backward / forward over these characters. */
  grow?: { back?: string; fwd?: string };
  /** Patterns with an unbounded body (PEM blocks): run on the whole text when a keyword occurs. */
  whole?: boolean;
  group?: number;
  confidence: SecretConfidence;
  /** Minimum Shannon entropy of the secret, when the pattern alone is not specific enough. */
  minEntropy?: number;
  /** Lower the confidence when this matches the secret (e.g. Stripe test keys). */
  weaker?: { re: RegExp; confidence: SecretConfidence };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_CHARS = `${ALNUM}.-`;
const JWT_CHARS = `${ALNUM}/\\_=.-`;
const END = String.raw`(?=$|[^A-Za-z0-9_])`;

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'alibaba-access-key-id', provider: 'alibaba', keywords: ['LTAI'], before: 2, after: 40, confidence: 'medium',
    re: new RegExp(String.raw`(?<![A-Za-z0-9])(LTAI[A-Za-z0-9]{12,30})${END}`, 'g'), minEntropy: 2,
  },
  {
    id: 'alibaba-access-key-secret', provider: 'alibaba', keywords: ['alibaba', 'aliyun', 'keysecret', 'key_secret'], before: 10, after: 96,
    confidence: 'high', minEntropy: 3,
    re: /(?:alibaba|aliyun|access_?key_?secret|accesskeysecret)[\w.-]{0,20}["']?\s{0,3}(?:=|:|:=|=>|,)\s{0,3}["'`]?([A-Za-z0-9]{30})(?![A-Za-z0-9])/gi,
  },
  {
    id: 'aws-access-key-id', provider: 'aws', keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'], before: 2, after: 24, confidence: 'medium', minEntropy: 3,
    re: new RegExp(String.raw`(?<![A-Za-z0-9])((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})${END}`, 'g'),
  },
  {
    id: 'aws-secret-access-key', provider: 'aws', keywords: ['aws', 'secret'], before: 2, after: 112, confidence: 'high', minEntropy: 4,
    re: /(?:aws|secret_?access_?key)[\w.-]{0,30}["']?\s{0,3}(?:=|:|:=|=>|,)\s{0,3}["'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  },
  {
    id: 'azure-storage-account-key', provider: 'azure', keywords: ['accountkey', 'sharedaccesskey'], before: 2, after: 512, confidence: 'high',
    re: /(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=)/gi,
  },
  {
    id: 'azure-ad-client-secret', provider: 'azure', keywords: ['0Q~', '1Q~', '2Q~', '3Q~', '4Q~', '5Q~', '6Q~', '7Q~', '8Q~', '9Q~'], before: 6, after: 48, confidence: 'high', minEntropy: 3,
    re: /(?:^|[\\'"`\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?=$|[\\'"`\s<),])/gm,
  },
  {
    id: 'github-token', provider: 'github', keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], before: 2, after: 48, confidence: 'high', minEntropy: 3,
    re: new RegExp(String.raw`(?<![A-Za-z0-9_])((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})${END}`, 'g'),
  },
  {
    id: 'github-fine-grained-pat', provider: 'github', keywords: ['github_pat_'], before: 2, after: 100, confidence: 'high', minEntropy: 3,
    re: new RegExp(String.raw`(github_pat_[A-Za-z0-9_]{82})${END}`, 'g'),
  },
  {
    id: 'gitlab-token', provider: 'gitlab', keywords: ['glpat-'], before: 2, after: 324, confidence: 'high', minEntropy: 3,
    re: /(glpat-(?:[A-Za-z0-9_-]{27,300}\.[0-9a-z]{2}[0-9a-z]{7}|[A-Za-z0-9_-]{20}))(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'slack-token', provider: 'slack', keywords: ['xox', 'xapp-'], before: 2, after: 8, grow: { fwd: TOKEN_CHARS }, confidence: 'high', minEntropy: 2.5,
    re: /(?<![A-Za-z0-9])(xoxe\.xox[bp]-\d-[A-Z0-9]{163,166}|xoxe-\d-[A-Z0-9]{146}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+|xox[bpe](?:-[0-9]{8,14}){1,3}-[A-Za-z0-9-]{17,79}[A-Za-z0-9]|xox[os]-\d+-\d+-\d+-[a-fA-F\d]+|xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}(?:-[0-9a-zA-Z]{8,48}){0,4})(?![A-Za-z0-9-])/gi,
  },
  {
    id: 'slack-webhook-url', provider: 'slack', keywords: ['hooks.slack.com'], before: 10, after: 96, confidence: 'high',
    re: /((?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56})/gi,
  },
  {
    id: 'stripe-secret-key', provider: 'stripe', keywords: ['sk_', 'rk_'], before: 2, after: 112, confidence: 'high', minEntropy: 3,
    re: new RegExp(String.raw`(?<![A-Za-z0-9])((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99})${END}`, 'g'),
    weaker: { re: /^[sr]k_test_/, confidence: 'low' },
  },
  {
    id: 'private-key', provider: 'private-key', keywords: ['PRIVATE KEY'], before: 0, after: 0, whole: true, confidence: 'high',
    re: /(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)/g,
  },
  {
    id: 'jwt', provider: 'jwt', keywords: ['.ey'], before: 2, after: 5, grow: { back: ALNUM, fwd: JWT_CHARS }, confidence: 'medium',
    re: /(?<![A-Za-z0-9_-])(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9/\\_-]{17,}\.(?:[a-zA-Z0-9/\\_-]{10,}={0,2})?)(?![A-Za-z0-9_-])/g,
  },
];

/** Keyword half of the generic rule: names that announce a credential. */
export const GENERIC_ASSIGNMENT =
  /(?<![A-Za-z0-9])((?:[\w.-]{0,40}?)[_.-]?(?<!(?:public|csrf|xsrf)[_.-]?)(?:password|passwd|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|client[_.-]?secret|credentials?)[\w.-]{0,20})(?:["'][ \t]{0,3},|["']?[ \t]{0,3}(?:[ \t]+(?:string|String|str)[ \t]*)?(?:={1,2}|:{1,3}=|\?=|\.=|:|=>|\|\|:|<-))[ \t]{0,5}(["'`]?)([^\s"'`;,)}\]<>]{8,200})\2/gi;

/** XML form: `<apiToken>\n  value\n</apiToken>`. */
export const GENERIC_XML_ELEMENT =
  /<([\w.-]{0,40}(?:password|passwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|client[_.-]?secret)[\w.-]{0,20})>\s{0,40}([^<\s]{8,200})\s{0,40}<\/\1>/gi;

/** Windows of the generic rules: a name starts at most 41 characters before its keyword; name, operator and value end within 320. */
export const GENERIC_WINDOW = { before: 64, after: 320, line: true } as const;
export const GENERIC_XML_WINDOW = { before: 64, after: 512 } as const;

/** Literals that announce a credential name (GENERIC_ASSIGNMENT and GENERIC_XML_ELEMENT contain one of them). */
export const GENERIC_KEYWORDS = [
  'password', 'passwd', 'pwd', 'secret', 'token', 'credential',
  ...['api', 'access', 'auth'].flatMap((p) => ['', '_', '.', '-'].map((sep) => `${p}${sep}key`)),
];

/**
 * The three characters the one-pass keyword scan looks up for a keyword (default: its first three).
 * Rarer trigrams mean fewer positions to compare: `key`, `ser`, `ali` and `cre` begin common words.
 */
export const KEYWORD_ANCHORS: Readonly<Record<string, string>> = {
  keysecret: 'yse', key_secret: 'y_s', alibaba: 'iba', aliyun: 'iyu', service_account: 'e_a', credential: 'ede',
  'PRIVATE KEY': 'E K', secret: 'ecr', sharedaccesskey: 'dac', accountkey: 'ntk', github_pat_: 'b_p', 'hooks.slack.com': 's.s',
  password: 'ssw', passwd: 'ssw', apikey: 'pik',
  ...Object.fromEntries(['api', 'access', 'auth'].flatMap((p) => ['_', '.', '-'].map((sep) => [`${p}${sep}key`, `${p.slice(-1)}${sep}k`]))),
  accesskey: 'ssk', authkey: 'hke',
};
