import type { SecretConfidence } from './types.js';

/** A pattern rule: `re` must be global; the secret is capture group `group` (default 1). */
export interface SecretRule {
  id: string;
  provider: string;
  /** Lower-case substrings; the rule runs only when one occurs in the text (cheap pre-filter). */
  keywords: readonly string[];
  re: RegExp;
  group?: number;
  confidence: SecretConfidence;
  /** Minimum Shannon entropy of the secret, when the pattern alone is not specific enough. */
  minEntropy?: number;
  /** Lower the confidence when this matches the secret (e.g. Stripe test keys). */
  weaker?: { re: RegExp; confidence: SecretConfidence };
}

const END = String.raw`(?=$|[^A-Za-z0-9_])`;

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'alibaba-access-key-id', provider: 'alibaba', keywords: ['ltai'], confidence: 'medium',
    re: new RegExp(String.raw`(?<![A-Za-z0-9])(LTAI[A-Za-z0-9]{12,30})${END}`, 'g'), minEntropy: 2,
  },
  {
    id: 'alibaba-access-key-secret', provider: 'alibaba', keywords: ['alibaba', 'aliyun', 'accesskeysecret', 'access_key_secret', 'secret_access_key'],
    confidence: 'high', minEntropy: 3,
    re: /(?:alibaba|aliyun|access_?key_?secret|accesskeysecret)[\w.-]{0,20}["']?\s{0,3}(?:=|:|:=|=>|,)\s{0,3}["'`]?([A-Za-z0-9]{30})(?![A-Za-z0-9])/gi,
  },
  {
    id: 'aws-access-key-id', provider: 'aws', keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'], confidence: 'medium', minEntropy: 3,
    re: new RegExp(String.raw`(?<![A-Za-z0-9])((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})${END}`, 'g'),
  },
  {
    id: 'aws-secret-access-key', provider: 'aws', keywords: ['aws', 'secret_access_key', 'secretaccesskey'], confidence: 'high', minEntropy: 4,
    re: /(?:aws|secret_?access_?key)[\w.-]{0,30}["']?\s{0,3}(?:=|:|:=|=>|,)\s{0,3}["'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  },
  {
    id: 'azure-storage-account-key', provider: 'azure', keywords: ['accountkey', 'sharedaccesskey'], confidence: 'high',
    re: /(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=)/gi,
  },
  {
    id: 'azure-ad-client-secret', provider: 'azure', keywords: ['q~'], confidence: 'high', minEntropy: 3,
    re: /(?:^|[\\'"`\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?=$|[\\'"`\s<),])/gm,
  },
  {
    id: 'github-token', provider: 'github', keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], confidence: 'high', minEntropy: 3,
    re: new RegExp(String.raw`(?<![A-Za-z0-9_])((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})${END}`, 'g'),
  },
  {
    id: 'github-fine-grained-pat', provider: 'github', keywords: ['github_pat_'], confidence: 'high', minEntropy: 3,
    re: new RegExp(String.raw`(github_pat_[A-Za-z0-9_]{82})${END}`, 'g'),
  },
  {
    id: 'gitlab-token', provider: 'gitlab', keywords: ['glpat-'], confidence: 'high', minEntropy: 3,
    re: /(glpat-(?:[A-Za-z0-9_-]{27,300}\.[0-9a-z]{2}[0-9a-z]{7}|[A-Za-z0-9_-]{20}))(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'slack-token', provider: 'slack', keywords: ['xox', 'xapp-'], confidence: 'high', minEntropy: 2.5,
    re: /(?<![A-Za-z0-9])(xoxe\.xox[bp]-\d-[A-Z0-9]{163,166}|xoxe-\d-[A-Z0-9]{146}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+|xox[bpe](?:-[0-9]{8,14}){1,3}-[A-Za-z0-9-]{17,79}[A-Za-z0-9]|xox[os]-\d+-\d+-\d+-[a-fA-F\d]+|xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}(?:-[0-9a-zA-Z]{8,48}){0,4})(?![A-Za-z0-9-])/gi,
  },
  {
    id: 'slack-webhook-url', provider: 'slack', keywords: ['hooks.slack.com'], confidence: 'high',
    re: /((?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56})/gi,
  },
  {
    id: 'stripe-secret-key', provider: 'stripe', keywords: ['sk_', 'rk_'], confidence: 'high', minEntropy: 3,
    re: new RegExp(String.raw`(?<![A-Za-z0-9])((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99})${END}`, 'g'),
    weaker: { re: /^[sr]k_test_/, confidence: 'low' },
  },
  {
    id: 'private-key', provider: 'private-key', keywords: ['private key'], confidence: 'high',
    re: /(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)/g,
  },
  {
    id: 'jwt', provider: 'jwt', keywords: ['ey'], confidence: 'medium',
    re: /(?<![A-Za-z0-9_-])(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9/\\_-]{17,}\.(?:[a-zA-Z0-9/\\_-]{10,}={0,2})?)(?![A-Za-z0-9_-])/g,
  },
];

/** Keyword half of the generic rule: names that announce a credential. */
export const GENERIC_ASSIGNMENT =
  /(?<![A-Za-z0-9])((?:[\w.-]{0,40}?)[_.-]?(?<!(?:public|csrf|xsrf)[_.-]?)(?:password|passwd|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|client[_.-]?secret|credentials?)[\w.-]{0,20})(?:["'][ \t]{0,3},|["']?[ \t]{0,3}(?:[ \t]+(?:string|String|str)[ \t]*)?(?:={1,2}|:{1,3}=|\?=|\.=|:|=>|\|\|:|<-))[ \t]{0,5}(["'`]?)([^\s"'`;,)}\]<>]{8,200})\2/gi;

/** XML form: `<apiToken>\n  value\n</apiToken>`. */
export const GENERIC_XML_ELEMENT =
  /<([\w.-]{0,40}(?:password|passwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|client[_.-]?secret)[\w.-]{0,20})>\s{0,40}([^<\s]{8,200})\s{0,40}<\/\1>/gi;

export const GENERIC_KEYWORDS = ['pass', 'pwd', 'secret', 'token', 'key', 'credential'];
