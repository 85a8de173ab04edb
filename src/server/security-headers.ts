/**
 * The security headers every response carries, computed once (helmet rebuilt its CSP string on
 * every request, a fifth of the signed-API request cost). `img-src data:` is for antd's inline
 * icons and QR codes; `style-src 'unsafe-inline'` for antd's CSS-in-JS.
 */
export function securityHeaders(tls: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    ...(tls ? { 'strict-transport-security': 'max-age=15552000; includeSubDomains' } : {}),
  };
}
