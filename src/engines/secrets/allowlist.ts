/** Documented example keys and placeholders that must never be reported. */
const KNOWN_EXAMPLES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
]);

const PLACEHOLDER = new RegExp(
  [
    /x{5,}|X{5,}|\*{3,}|#{4,}|\.{3,}|-{4,}|_{4,}/,
    /^<[^>]*>$|^\[[^\]]*\]$|<your|your[_-]?(?:api|access|secret|key|token|password)|yourkey/i,
    /\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|%s\b|^\$[A-Za-z_]|process\.env|os\.environ|getenv/,
    /changeme|change[_-]me|placeholder|dummy|example|sample|redacted|notreal|fake[_-]?(?:key|token|secret)|insert[_-]?(?:key|token)|replace[_-]?me|todo/i,
    /^(?:password|secret|token|none|null|undefined|true|false|test|testing|admin|root)$/i,
  ]
    .map((r) => r.source)
    .join('|'),
);

/** True when `value` is a known example or looks like a placeholder rather than a real secret. */
export function isAllowlisted(value: string, extra: readonly string[] = []): boolean {
  if (KNOWN_EXAMPLES.has(value) || extra.includes(value)) return true;
  if (/^(.)\1+$/.test(value)) return true;
  return PLACEHOLDER.test(value);
}

/** Extra checks for free-form (generic) values, where a counting sequence means a made-up value. */
export function looksMadeUp(value: string): boolean {
  return /0123456789|1234567890|abcdefgh|ABCDEFGH|qwerty|asdfgh/i.test(value);
}
