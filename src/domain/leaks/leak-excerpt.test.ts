import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../engines/secrets/index.js';
import { redactedExcerpt } from './leak-excerpt.js';

describe('redactedExcerpt', () => {
  const secret = 'Zq3xV9kLm2Pw8RtY6uJh4NbC1dFg5s';
  it('replaces the located secret with its redacted form and keeps the rest of the line', () => {
    const line = `  secret: "${secret}", // prod`;
    const out = redactedExcerpt(line, line.indexOf(secret) + 1, sha256Hex(secret), 'Zq3x****5s');
    expect(out).toBe('secret: "Zq3x****5s", // prod');
    expect(out).not.toContain(secret);
  });
  it('cuts the line after the column when the token there is not the secret', () => {
    const line = `key=${secret}`;
    const out = redactedExcerpt(line, 5, sha256Hex('something else'), 'some****se');
    expect(out).toBe('key=some****se');
  });
  it('masks other long opaque tokens on the line', () => {
    const other = 'AbCdEfGhIjKlMnOpQrStUvWx1234';
    const line = `a=${other} b=${secret}`;
    const out = redactedExcerpt(line, line.indexOf(secret) + 1, sha256Hex(secret), 'x');
    expect(out).not.toContain(other);
    expect(out).not.toContain(secret);
  });
});
